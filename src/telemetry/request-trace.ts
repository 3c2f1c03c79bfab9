import { Context, SpanContext, TextMapGetter, TextMapPropagator, TextMapSetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';

/** The server span's context, on the request's headers object, for the module's `propagation.extract`. */
const SERVER_SPAN_CONTEXT = Symbol('block-storage.server-span-context');

type Carrier = { [SERVER_SPAN_CONTEXT]?: SpanContext };

/**
 * W3C trace context, with a shortcut inside the process: the host hands its server span to the
 * module on the request's headers (`handOn`), already parsed, and an `extract` from those headers
 * takes it as it is instead of formatting and parsing a `traceparent` for every request. Headers
 * that came from elsewhere are read as W3C says.
 */
export class RequestTracePropagator implements TextMapPropagator {
  private readonly w3c = new W3CTraceContextPropagator();

  /** Makes `spanContext` the parent that `extract` finds on these headers. */
  static handOn(headers: object, spanContext: SpanContext): void {
    (headers as Carrier)[SERVER_SPAN_CONTEXT] = spanContext;
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.w3c.inject(context, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const handedOn = (carrier as Carrier | null | undefined)?.[SERVER_SPAN_CONTEXT];
    return handedOn ? trace.setSpanContext(context, handedOn) : this.w3c.extract(context, carrier, getter);
  }

  fields(): string[] {
    return this.w3c.fields();
  }
}

/**
 * Trace and span IDs from `randomUUID`, which draws from a pool of random bytes it fills in bulk:
 * cheaper per request than the SDK's generator (a `Math.random` call per four bytes, then hex).
 */
export class PooledIdGenerator implements IdGenerator {
  generateTraceId(): string {
    return hexOfUuid(randomUUID());
  }

  generateSpanId(): string {
    return hexOfUuid(randomUUID()).slice(16);
  }
}

/** The 32 hex digits of a UUID, without its dashes. */
export function hexOfUuid(uuid: string): string {
  return uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24);
}
