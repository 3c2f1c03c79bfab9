import { Context, SpanContext, TextMapGetter, TextMapPropagator, TextMapSetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { randomFillSync } from 'node:crypto';

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

/** Random bytes drawn in bulk, handed out as hex: IDs cost a slice of a buffer, not a call to the system. */
const RANDOM = Buffer.allocUnsafe(4096);
let randomOffset = RANDOM.length;

/** `bytes` random bytes as lower-case hex digits, never all zero (W3C: such an ID is invalid). */
export function randomHex(bytes: number): string {
  for (;;) {
    if (randomOffset + bytes > RANDOM.length) {
      randomFillSync(RANDOM);
      randomOffset = 0;
    }
    const hex = RANDOM.toString('hex', randomOffset, (randomOffset += bytes));
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * Trace and span IDs from a pool of random bytes filled in bulk: cheaper per request than the
 * SDK's generator (a `Math.random` call per four bytes, then hex) or a UUID's.
 */
export class PooledIdGenerator implements IdGenerator {
  generateTraceId(): string {
    return randomHex(16);
  }

  generateSpanId(): string {
    return randomHex(8);
  }
}
