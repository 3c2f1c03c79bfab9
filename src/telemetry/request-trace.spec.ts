import { ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, defaultTextMapSetter, isValidSpanId, isValidTraceId, trace } from '@opentelemetry/api';
import { PooledIdGenerator, RequestTracePropagator } from './request-trace';

describe('RequestTracePropagator', () => {
  const propagator = new RequestTracePropagator();
  const handed = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE };

  it('finds the server span handed on on the headers, before any traceparent they carry', () => {
    const headers: Record<string, string> = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    RequestTracePropagator.handOn(headers, handed);
    expect(trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter))).toEqual({ ...handed, isRemote: undefined });
    // The symbol is no header: nothing of it is sent or logged as one.
    expect(Object.keys(headers)).toEqual(['traceparent']);
  });

  it('reads and writes W3C trace context otherwise', () => {
    const parsed = trace.getSpanContext(
      propagator.extract(ROOT_CONTEXT, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }, defaultTextMapGetter),
    );
    expect(parsed).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    expect(trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { traceparent: 'garbage' }, defaultTextMapGetter))).toBeUndefined();
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpanContext(ROOT_CONTEXT, handed), carrier, defaultTextMapSetter);
    expect(carrier.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00');
    expect(propagator.fields()).toContain('traceparent');
  });
});

describe('PooledIdGenerator', () => {
  it('makes valid, distinct W3C trace and span IDs', () => {
    const ids = new PooledIdGenerator();
    const traces = new Set(Array.from({ length: 1000 }, () => ids.generateTraceId()));
    const spans = new Set(Array.from({ length: 1000 }, () => ids.generateSpanId()));
    expect(traces.size).toBe(1000);
    expect(spans.size).toBe(1000);
    for (const id of traces) expect(isValidTraceId(id) && /^[0-9a-f]{32}$/.test(id)).toBe(true);
    for (const id of spans) expect(isValidSpanId(id) && /^[0-9a-f]{16}$/.test(id)).toBe(true);
  });
});
