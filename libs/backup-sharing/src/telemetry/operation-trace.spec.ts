import { ROOT_CONTEXT, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, ParentBasedSampler, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BackupSharingTelemetry } from './backup-sharing.telemetry';
import { attachOperationSpan, boundToSpan, operationSpanOf, withinOperation } from './operation-trace';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

/** A response whose close the test triggers. */
function response(statusCode = 200) {
  const listeners: (() => void)[] = [];
  return { statusCode, once: (_: 'close', listener: () => void) => void listeners.push(listener), close: () => listeners.forEach((l) => l()) };
}

describe('where the operation span finds its parent', () => {
  const telemetry = new BackupSharingTelemetry();

  it('a host with a context manager (the Node SDK): the active span; children through the context too', async () => {
    context.setGlobalContextManager(contextManager.enable());
    try {
      const server = trace.getTracer('host').startSpan('GET');
      const answer = response();
      await context.with(trace.setSpan(ROOT_CONTEXT, server), async () => {
        const span = telemetry.startOperation('count', answer, {});
        expect(span).toBeDefined();
        const caller = {};
        attachOperationSpan(caller, span!);
        await withinOperation(caller, {}, (s) => s, async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          // No view passed down: the child finds the operation as the active span.
          await telemetry.inActiveSpan('backup_sharing.catalog.describe', {}, async () => undefined, operationSpanOf({}));
        });
        answer.close();
      });
      server.end();
      const spans = exporter.getFinishedSpans();
      const [operation] = spans.filter((s) => s.name === 'backup_sharing.count');
      const [catalog] = spans.filter((s) => s.name === 'backup_sharing.catalog.describe');
      expect(operation.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(catalog.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
    } finally {
      context.disable();
    }
  });

  it("no context manager: the request's traceparent; an unsampled one starts nothing, a sampled one is followed", () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    expect(telemetry.startOperation('get', response(), { traceparent: `00-${traceId}-b7ad6b7169203331-00` })).toBeUndefined();
    const answer = response(404);
    const span = telemetry.startOperation('get', answer, { traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    expect(span?.spanContext().traceId).toBe(traceId);
    answer.close();
    const [operation] = exporter.getFinishedSpans();
    expect(operation.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(operation.attributes).toEqual({ 'backup_sharing.operation': 'get', 'http.response.status_code': 404 });
  });

  it('a view bound to a span hands it to what it calls, and leaves the object it was made from alone', async () => {
    const span = trace.getTracer('t').startSpan('backup_sharing.list');
    class Repository {
      constructor(readonly name = 'repo') {}
      parent() {
        return operationSpanOf(this);
      }
    }
    const repository = new Repository();
    const view = boundToSpan(repository, span);
    expect(view.parent()).toBe(span);
    expect(view.name).toBe('repo');
    expect(repository.parent()).toBeUndefined();
    span.end();
  });
});
