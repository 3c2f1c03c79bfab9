import type { Span } from '@opentelemetry/api';
import { telemetry } from './backup-sharing.telemetry';

/** The recording span of an operation, on its `Caller` and on the views bound to it. */
const OPERATION_SPAN = Symbol('backup-sharing.operation-span');

type Holder = { [OPERATION_SPAN]?: Span };

export function attachOperationSpan(holder: object, span: Span): void {
  Object.defineProperty(holder, OPERATION_SPAN, { value: span });
}

/** The span `holder` is bound to: the parent of the spans it starts (else the active span, if any). */
export function operationSpanOf(holder: object): Span | undefined {
  return (holder as Holder)[OPERATION_SPAN];
}

/**
 * A view of `target` bound to one operation's span: the same object (its prototype), with `span`
 * and the `fields` given (views of what it calls) as its own properties. Its methods then pass
 * the span down explicitly, so that the catalog and SQL spans of an operation are its children
 * without a context manager carrying it through every await (AsyncLocalStorage costs each
 * promise of every request on Node 20, sampled or not). One small object per layer, and only for
 * a request whose span records.
 */
export function boundToSpan<T extends object>(target: T, span: Span, fields: Record<string, unknown> = {}): T {
  const properties: PropertyDescriptorMap = { [OPERATION_SPAN]: { value: span } };
  for (const [name, value] of Object.entries(fields)) properties[name] = { value };
  return Object.create(target, properties) as T;
}

/** Runs `work` on `service` bound to the operation span of `caller`, when it has one. */
export function withinOperation<S extends object, T>(caller: object, service: S, bind: (service: S, span: Span) => S, work: (service: S) => Promise<T>): Promise<T> {
  const span = operationSpanOf(caller);
  if (!span) return work(service);
  return telemetry.within(span, () => work(bind(service, span)));
}
