import type { Attributes, Meter, MeterProvider, Span, SpanOptions, Tracer, TracerProvider } from '@opentelemetry/api';
import { BackupSharingError } from '../backup-sharing.errors';
import { OpenTelemetryApi, openTelemetryApi } from './opentelemetry-api.loader';
import { OutboxBacklogSource } from './outbox-backlog';
import { Instruments } from './backup-sharing.metrics';

/** The instrumentation scope of every span and metric of the module. */
export const INSTRUMENTATION_SCOPE = 'nestjs-backup-sharing';

/** The operations of the API, one span and one metric series each (`docs/observability.md`). */
export type SharingOperation = 'share' | 'get' | 'list' | 'count' | 'cancel';

/** Attribute names, documented in `docs/observability.md`. None carries a project, token or body. */
export const TELEMETRY_ATTRIBUTES = {
  operation: 'backup_sharing.operation',
  status: 'http.response.status_code',
  errorType: 'error.type',
  tokenVerifier: 'backup_sharing.token_verifier',
  tokenCacheResult: 'backup_sharing.token_cache.result',
  catalogMethod: 'backup_sharing.catalog.method',
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  dbStatementKinds: 'backup_sharing.db.statement_kinds',
  dbStatements: 'backup_sharing.db.statements',
  dbAttempts: 'backup_sharing.db.attempts',
} as const;
const A = TELEMETRY_ATTRIBUTES;



/** A request's headers, as Node has them. */
type IncomingHeaders = Record<string, string | string[] | undefined>;

/** The response whose end closes an operation: a Node `ServerResponse`. */
interface ClosingResponse {
  statusCode: number;
  once(event: 'close', listener: () => void): unknown;
}

/** A transaction's span: the statements of all its attempts, counted without their text. */
export class SqlBatch {
  attempts = 0;
  statements = 0;
  readonly kinds = new Set<string>();

  count(sql: string): void {
    this.statements++;
    this.kinds.add(statementKind(sql));
  }
}

/** SELECT, INSERT, UPDATE...: the first word of a statement, never its values. */
function statementKind(sql: string): string {
  const end = sql.indexOf(' ');
  return (end === -1 ? sql : sql.slice(0, end)).toUpperCase();
}

/** `error.type` of a failure: a domain error's stable code, else the error's class. */
function errorType(error: unknown): string {
  if (error instanceof BackupSharingError) return error.code;
  return (error as { constructor?: { name?: string } } | null)?.constructor?.name || 'Error';
}

/** Expected outcomes of a request (a 404, a 409) are not span errors; dependency failures and bugs are. */
function isFailure(error: unknown): boolean {
  return !(error instanceof BackupSharingError) || ['upstream-failed', 'unavailable', 'timeout'].includes(error.kind);
}

/**
 * The module's spans and metrics, through `@opentelemetry/api` only: whatever SDK the host
 * installed globally (none: nothing is recorded and next to nothing is spent). The providers are
 * looked up again at the start of each operation, so that a host that installs its SDK after the
 * module was loaded (or a test that replaces it) is followed.
 *
 * Cheap by construction: child spans (token verification, catalog, SQL) only under a recording
 * span, so an unsampled request starts none; one span per transaction, not per statement, with
 * the kinds of its statements and never their text or values; metric attributes are a few
 * precomputed objects (operation x status), never a project; counts are plain numbers the SDK
 * reads when it collects, and one histogram record is all a request costs the SDK.
 */
export class BackupSharingTelemetry {
  /** The tracer, when a tracer provider is installed. */
  private tracer: Tracer | undefined;
  private instruments: Instruments | undefined;
  private tracerProvider: TracerProvider | undefined;
  private meterProvider: MeterProvider | undefined;
  private readonly noopTracerProvider: TracerProvider | undefined;
  private readonly noopMeter: Meter | undefined;
  private readonly outboxSources = new Set<OutboxBacklogSource>();
  private readonly metricAttributes = new Map<string, Map<number, Attributes>>();
  private readonly operationSpanOptions = new Map<string, SpanOptions>();
  private readonly sqlAttributes = new Map<string, Attributes>();

  constructor(private readonly api: OpenTelemetryApi | undefined = openTelemetryApi) {
    this.noopTracerProvider = api && new api.ProxyTracerProvider().getDelegate();
    this.noopMeter = api?.createNoopMeter();
  }

  /** Whether metrics are recorded (a meter provider is installed). */
  get metricsEnabled(): boolean {
    return this.instruments !== undefined;
  }

  /** Picks up the providers the host installed (or replaced) since the last look. */
  refresh(): void {
    const api = this.api;
    if (!api) return;
    const proxy = api.trace.getTracerProvider();
    const tracerProvider = proxy instanceof api.ProxyTracerProvider ? proxy.getDelegate() : proxy;
    if (tracerProvider !== this.tracerProvider) {
      this.tracerProvider = tracerProvider;
      this.tracer = tracerProvider === this.noopTracerProvider ? undefined : tracerProvider.getTracer(INSTRUMENTATION_SCOPE);
    }
    const meterProvider = api.metrics.getMeterProvider();
    if (meterProvider !== this.meterProvider) {
      this.meterProvider = meterProvider;
      const meter = meterProvider.getMeter(INSTRUMENTATION_SCOPE);
      this.instruments = meter === this.noopMeter ? undefined : new Instruments(meter, this.outboxSources);
    }
  }

  /**
   * Starts an operation; it ends when `response` closes, with the status sent. Returns its span
   * when it records one (the parent of the operation's child spans), else `undefined`.
   */
  startOperation(operation: SharingOperation, response: ClosingResponse, headers: IncomingHeaders = {}): Span | undefined {
    this.refresh();
    const instruments = this.instruments;
    const span = this.startOperationSpan(operation, headers);
    if (!instruments && !span) return undefined;
    const started = performance.now();
    response.once('close', () => {
      const status = response.statusCode;
      if (instruments) {
        const attributes = this.attributesOf(operation, status);
        instruments.requests.add(attributes);
        instruments.duration.record((performance.now() - started) / 1000, attributes);
      }
      if (span) {
        span.setAttribute(A.status, status);
        if (status >= 500) span.setStatus({ code: this.api!.SpanStatusCode.ERROR });
        span.end();
      }
    });
    return span;
  }

  /** Runs `work` with `span` as the active span (the parent of what it starts). */
  within<T>(span: Span | undefined, work: () => Promise<T>): Promise<T> {
    if (!span) return work();
    const api = this.api!;
    return api.context.with(api.trace.setSpan(api.context.active(), span), work);
  }

  /**
   * `work` in a child span of `parent` (when it records), ended with `work`. `work` gets the span
   * (active too, for a host with a context manager).
   */
  async inSpan<T>(parent: Span | undefined, name: string, attributes: Attributes, work: (span?: Span) => Promise<T>): Promise<T> {
    if (!parent || !this.tracer) return work();
    const api = this.api!;
    const parentContext = api.trace.setSpan(api.context.active(), parent);
    const span = this.tracer.startSpan(name, { attributes }, parentContext);
    try {
      return await api.context.with(api.trace.setSpan(parentContext, span), work, undefined, span);
    } catch (error) {
      this.failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** The active span, when it records: the parent of a child span, or `undefined` (start none). */
  recordingSpan(): Span | undefined {
    if (!this.tracer) return undefined;
    const span = this.api!.trace.getActiveSpan();
    return span?.isRecording() ? span : undefined;
  }

  /** `work` in a child span of `parent`, else of the active span, if that one records. */
  inActiveSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, parent: Span | undefined = this.recordingSpan()): Promise<T> {
    return parent ? this.inSpan(parent, name, attributes, work) : work();
  }

  /** One SQL statement outside a transaction: a span named by its kind (`SELECT`), without its text. */
  sqlStatement<T>(system: string, sql: string, work: () => Promise<T>, parent: Span | undefined = this.recordingSpan()): Promise<T> {
    if (!parent) return work();
    const kind = statementKind(sql);
    return this.inSpan(parent, kind, this.sqlAttributesOf(system, kind), work);
  }

  /**
   * One transaction (all its attempts): a span `TRANSACTION` with the kinds and number of the
   * statements `work` counts on the batch, and the attempts. `work` gets no batch when no span
   * records, and then counts nothing.
   */
  sqlTransaction<T>(system: string, work: (batch: SqlBatch | undefined) => Promise<T>, parent: Span | undefined = this.recordingSpan()): Promise<T> {
    if (!parent) return work(undefined);
    const batch = new SqlBatch();
    return this.inSpan(parent, 'TRANSACTION', this.sqlAttributesOf(system, 'TRANSACTION'), async (span) => {
      try {
        return await work(batch);
      } finally {
        span?.setAttributes({
          [A.dbStatementKinds]: [...batch.kinds].join(','),
          [A.dbStatements]: batch.statements,
          [A.dbAttempts]: batch.attempts,
        });
      }
    });
  }

  /** A lookup of the verified-token cache; noted on the verification span too. */
  tokenCacheLookup(hit: boolean): void {
    this.instruments?.tokenCache.add(hit ? HIT : MISS);
    this.recordingSpan()?.setAttribute(A.tokenCacheResult, hit ? 'hit' : 'miss');
  }

  /** A transaction lost a write conflict and runs again. */
  writeConflictRetry(): void {
    this.instruments?.retries.add(NO_ATTRIBUTES);
  }

  /** The outbox gauges read this dispatcher's counts. */
  addOutboxSource(source: OutboxBacklogSource): void {
    this.refresh();
    this.outboxSources.add(source);
  }

  removeOutboxSource(source: OutboxBacklogSource): void {
    this.outboxSources.delete(source);
  }

  private startOperationSpan(operation: SharingOperation, headers: IncomingHeaders): Span | undefined {
    if (!this.tracer) return undefined;
    const api = this.api!;
    // The parent: the active span (a host whose context manager carries its server span), else
    // the request's `traceparent` (a host that passes its server span in the request, or the
    // caller's own trace when the host traces nothing).
    let active = api.context.active();
    if (!api.trace.getSpan(active)) active = api.propagation.extract(active, headers);
    // An unsampled request (its server span does not record) gets no spans of the module either.
    const parent = api.trace.getSpan(active);
    if (parent && !parent.isRecording() && (parent.spanContext().traceFlags & api.TraceFlags.SAMPLED) === 0) return undefined;
    let options = this.operationSpanOptions.get(operation);
    if (!options) {
      options = { attributes: { [A.operation]: operation } };
      this.operationSpanOptions.set(operation, options);
    }
    const span = this.tracer.startSpan(`backup_sharing.${operation}`, options, active);
    return span.isRecording() ? span : undefined;
  }

  private failed(span: Span, error: unknown): void {
    span.setAttribute(A.errorType, errorType(error));
    if (isFailure(error)) span.setStatus({ code: this.api!.SpanStatusCode.ERROR });
  }

  private attributesOf(operation: SharingOperation, status: number): Attributes {
    let byStatus = this.metricAttributes.get(operation);
    if (!byStatus) this.metricAttributes.set(operation, (byStatus = new Map()));
    let attributes = byStatus.get(status);
    if (!attributes) byStatus.set(status, (attributes = Object.freeze({ [A.operation]: operation, [A.status]: status })));
    return attributes;
  }

  private sqlAttributesOf(system: string, operation: string): Attributes {
    const key = `${system} ${operation}`;
    let attributes = this.sqlAttributes.get(key);
    if (!attributes) this.sqlAttributes.set(key, (attributes = Object.freeze({ [A.dbSystem]: system, [A.dbOperation]: operation })));
    return attributes;
  }
}

const HIT: Attributes = Object.freeze({ [A.tokenCacheResult]: 'hit' });
const MISS: Attributes = Object.freeze({ [A.tokenCacheResult]: 'miss' });
const NO_ATTRIBUTES: Attributes = Object.freeze({});

/** The module's one telemetry: shared by its services, its executor and the verifiers it ships. */
export const telemetry = new BackupSharingTelemetry();
