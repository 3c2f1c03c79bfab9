import { SpanKind, trace } from '@opentelemetry/api';
import { AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DEMO_PROJECTS, TOKENS, TestHost, startTestHost, testHttpAdapter } from './support/test-host';
import { SHARING, as, createBackup, expectRequestId, shareRequest } from './support/sharing-api';
import { LogCapture } from './support/log-capture';
import { testDatabaseKind } from './support/test-database';

/** Every string a span carries: its name, attributes, events and resource, as one JSON text. */
function textOf(span: ReadableSpan): string {
  return JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, resource: span.resource.attributes });
}

const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans
    .filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId)
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);

const DB_SYSTEM = { sqlite: 'sqlite', mysql: 'mysql', postgres: 'postgresql' }[testDatabaseKind];

/**
 * The spans of requests through the demo host, with an SDK the test installs before the host
 * (as `node --require` would preload one): the host keeps it, and every span ends in memory. As
 * in the host's own setup there is no context manager: the spans of one request find their
 * parents without AsyncLocalStorage.
 */
describe(`spans of the module and the host (${testHttpAdapter})`, () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const log = new LogCapture();
  let host: TestHost;

  beforeAll(async () => {
    trace.setGlobalTracerProvider(provider);
    host = await startTestHost({}, { logger: log });
  });
  afterAll(async () => {
    await host?.close();
    await provider.shutdown();
    trace.disable();
  });
  beforeEach(() => exporter.reset());

  it('one share: server span -> backup_sharing.share -> token verification, catalog, SQL; no token, no project', async () => {
    const backupId = await createBackup(host);
    exporter.reset();
    const response = await as(host, 'owner').post(SHARING, shareRequest(backupId, [DEMO_PROJECTS.recipient]));
    expect(response.status).toBe(200);
    const requestId = expectRequestId(response);
    await new Promise((resolve) => setImmediate(resolve));

    const spans = exporter.getFinishedSpans();
    const [server] = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(server).toBeDefined();
    expect(server.name).toBe('POST');
    expect(server.attributes).toEqual({ 'http.request.method': 'POST', 'http.response.status_code': 200 });
    expect(server.parentSpanContext).toBeUndefined();

    const [operation, ...others] = childrenOf(spans, server);
    expect(others).toEqual([]);
    expect(operation.name).toBe('backup_sharing.share');
    expect(operation.attributes).toEqual({ 'backup_sharing.operation': 'share', 'http.response.status_code': 200 });

    const children = childrenOf(spans, operation);
    expect(children.map((span) => span.name)).toEqual(['backup_sharing.verify_token', 'backup_sharing.catalog.findOwned', 'TRANSACTION']);
    const [verification, catalog, transaction] = children;
    expect(verification.attributes).toEqual({ 'backup_sharing.token_verifier': 'StaticTokenVerifier' });
    expect(catalog.attributes).toEqual({ 'backup_sharing.catalog.method': 'findOwned' });
    expect(transaction.attributes).toMatchObject({
      'db.system.name': DB_SYSTEM,
      'db.operation.name': 'TRANSACTION',
      'backup_sharing.db.attempts': 1,
    });
    // The kinds of the statements, never their text: the guard row, the sharing, its event.
    const kinds = String(transaction.attributes['backup_sharing.db.statement_kinds']).split(',');
    expect(kinds).toEqual(expect.arrayContaining(['SELECT', 'INSERT']));
    expect(kinds.every((kind) => /^[A-Z]+$/.test(kind))).toBe(true);
    expect(transaction.attributes['backup_sharing.db.statements']).toBeGreaterThanOrEqual(3);
    // One span for the whole transaction: no span per statement below it.
    expect(childrenOf(spans, transaction)).toEqual([]);
    for (const span of children) expect(span.spanContext().traceId).toBe(server.spanContext().traceId);

    // Nothing secret or unbounded: no token, no project, no backup ID, no body in any span.
    for (const span of spans) {
      const text = textOf(span);
      for (const token of Object.values(TOKENS)) expect(text).not.toContain(token);
      for (const value of [DEMO_PROJECTS.owner, DEMO_PROJECTS.recipient, backupId, requestId, 'to_project_ids']) expect(text).not.toContain(value);
    }

    // The request's log line carries the trace of its server span.
    const [line] = log.ofRequest(requestId);
    expect(line.message.trace_id).toBe(server.spanContext().traceId);
  });

  it("a caller's traceparent: the request joins its trace, and the log line names it", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await as(host, 'owner').get(`${SHARING}/count`).set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
    expect(response.status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    const spans = exporter.getFinishedSpans();
    const [server] = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(server.spanContext().traceId).toBe(traceId);
    expect(server.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    const [operation] = childrenOf(spans, server);
    expect(operation.name).toBe('backup_sharing.count');
    expect(childrenOf(spans, operation).map((span) => span.name)).toEqual(['backup_sharing.verify_token', 'SELECT']);
    expect(log.ofRequest(expectRequestId(response))[0].message.trace_id).toBe(traceId);
  });

  it('a refused request: its operation span carries the status, and a 404 of the catalog is no span error', async () => {
    const unknown = await as(host, 'owner').post(SHARING, shareRequest('5c7d3a9e-0000-4000-8000-000000000000', [DEMO_PROJECTS.recipient]));
    expect(unknown.status).toBe(404);
    const unauthenticated = await host.http.get(`/v2/${DEMO_PROJECTS.owner}/${SHARING}/detail`).set('X-Auth-Token', 'no-such-token');
    expect(unauthenticated.status).toBe(401);
    await new Promise((resolve) => setImmediate(resolve));
    const operations = exporter.getFinishedSpans().filter((span) => span.name.startsWith('backup_sharing.') && span.attributes['backup_sharing.operation']);
    expect(operations.map((span) => [span.name, span.attributes['http.response.status_code'], span.status.code])).toEqual([
      ['backup_sharing.share', 404, 0],
      ['backup_sharing.list', 401, 0],
    ]);
    for (const span of exporter.getFinishedSpans()) expect(textOf(span)).not.toContain('no-such-token');
  });

  it('an unknown path still gets a server span, and its log line a trace ID', async () => {
    const response = await host.http.get('/no/such/path');
    expect(response.status).toBe(404);
    await new Promise((resolve) => setImmediate(resolve));
    const [server] = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(server.attributes['http.response.status_code']).toBe(404);
    expect(log.ofRequest(expectRequestId(response))[0].message.trace_id).toBe(server.spanContext().traceId);
  });
});
