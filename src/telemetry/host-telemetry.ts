import {
  Attributes,
  Histogram,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanOptions,
  SpanStatusCode,
  Tracer,
  context,
  metrics,
  propagation,
  trace,
} from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { IncomingMessage, METHODS, ServerResponse } from 'node:http';
import { TelemetryConfig } from '../config/telemetry.config';
import { PooledIdGenerator, RequestTracePropagator, randomHex } from './request-trace';

const SCOPE = 'block-storage-api';
/** The server span of a request, on the raw request: for its log line's trace ID. */
const SERVER_SPAN = Symbol.for('block-storage.server-span');
/** Seconds, as OpenTelemetry's HTTP semantic conventions advise for `http.server.request.duration`. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** A method outside the known ones is `_OTHER` (semantic conventions): a client cannot grow the series. */
const KNOWN_METHODS = new Set(METHODS);

/** The trace ID of a request no tracer traces (no exporter): for its log line. */
const TRACE_ID = Symbol.for('block-storage.trace-id');

type TracedRequest = IncomingMessage & { [SERVER_SPAN]?: Span; [TRACE_ID]?: string };

/** The trace ID of the caller's W3C `traceparent`, if it sent a valid one. */
function callerTraceId(request: IncomingMessage): string | undefined {
  if (request.headers.traceparent === undefined) return undefined;
  return trace.getSpanContext(propagation.extract(ROOT_CONTEXT, request.headers))?.traceId;
}

/** A new random trace ID (W3C: 32 lower-case hex digits, not all zero). */
function newTraceId(): string {
  return randomHex(16);
}

/** What the process installed, shared by every host it runs (tests run several), until the last closes. */
interface Installed {
  users: number;
  prometheus: PrometheusExporter | undefined;
  shutdown: () => Promise<void>;
}
let installed: Installed | undefined;

function samplerOf(config: TelemetryConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
  }
}

/**
 * Installs the OpenTelemetry SDK globally, which the module's `@opentelemetry/api` calls then
 * reach:
 * - metrics (`METRICS_ENABLED`): a meter provider read by a Prometheus exporter that opens no
 *   port of its own; the host serves its text at `GET /metrics`;
 * - traces: with an OTLP endpoint, spans sampled by `OTEL_TRACES_SAMPLER` go out in batches;
 *   without one, no tracer (the log's trace IDs are the caller's `traceparent` ones, else new).
 *   A tracer provider installed before (an SDK preloaded with `--require`, a test's in-memory
 *   exporter) is kept as it is.
 */
function install(config: TelemetryConfig): Installed {
  const resource = resourceFromAttributes({ 'service.name': config.serviceName });
  const stops: (() => Promise<void>)[] = [];
  let prometheus: PrometheusExporter | undefined;
  if (config.metricsEnabled) {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ resource, readers: [exporter] });
    if (metrics.setGlobalMeterProvider(provider)) {
      prometheus = exporter;
      stops.push(async () => {
        metrics.disable();
        await provider.shutdown();
      });
    }
  }
  // Without an exporter no tracer at all: nothing would record, and the log's trace IDs come from
  // the caller's `traceparent` or are drawn new (`serve`), for less than the spans would cost.
  if (isNoopTracerProvider() && config.otlpTracesEndpoint !== undefined) {
    const provider = new BasicTracerProvider({
      resource,
      sampler: samplerOf(config),
      idGenerator: new PooledIdGenerator(),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpTracesEndpoint }))],
    });
    trace.setGlobalTracerProvider(provider);
    // No context manager: on Node 20 AsyncLocalStorage costs every promise of every request
    // (about 75 a request), sampled or not. The server span reaches the module in the request's
    // `traceparent` (`serve`), and the module hands its span down to its children itself.
    stops.push(async () => {
      trace.disable();
      await provider.shutdown();
    });
  }
  // A caller's `traceparent` is followed (unless a preloaded SDK set a propagator of its own).
  if (propagation.setGlobalPropagator(new RequestTracePropagator())) stops.push(async () => propagation.disable());
  return {
    users: 0,
    prometheus,
    shutdown: async () => {
      for (const stop of stops) await stop();
    },
  };
}

/** What the global tracer provider delegates to while no SDK is installed. */
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

function isNoopTracerProvider(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_TRACER_PROVIDER;
}

/**
 * The host's side of OpenTelemetry: the SDK (`install`), the server span and
 * `http.server.request.duration` of every request, started at the server edge before either
 * adapter, the trace ID of a request for its log line, and the Prometheus text of `/metrics`.
 */
export class HostTelemetry {
  private readonly tracer: Tracer | undefined;
  private readonly requestDuration: Histogram | undefined;
  private readonly spanOptions = new Map<string, SpanOptions>();
  private readonly metricAttributes = new Map<string, Map<number, Attributes>>();
  private readonly serializer = new PrometheusSerializer();
  /** Whether this host holds a share of the process's installation (until `release`). */
  private joined: boolean;

  private constructor(
    private readonly prometheus: PrometheusExporter | undefined,
    private readonly enabled: boolean,
  ) {
    this.joined = enabled;
    this.tracer = !enabled || isNoopTracerProvider() ? undefined : trace.getTracer(SCOPE);
    this.requestDuration = prometheus
      ? metrics.getMeter(SCOPE).createHistogram('http.server.request.duration', {
          description: 'Duration of HTTP server requests, every path and answer of the host included.',
          unit: 's',
          advice: { explicitBucketBoundaries: DURATION_BUCKETS },
        })
      : undefined;
  }

  /** Installs the SDK (or joins the one a host of this process installed) unless `OTEL_SDK_DISABLED`. */
  static start(config: TelemetryConfig): HostTelemetry {
    if (config.disabled) return new HostTelemetry(undefined, false);
    installed ??= install(config);
    installed.users++;
    return new HostTelemetry(installed.prometheus, true);
  }

  /** Whether `/metrics` is served. */
  get metricsEnabled(): boolean {
    return this.prometheus !== undefined;
  }

  /**
   * Serves one request: its server span (a child of the caller's `traceparent`) becomes the
   * request's `traceparent` and ends with the answer, when the request's duration is recorded too.
   */
  serve(request: IncomingMessage, response: ServerResponse, serve: () => void): void {
    const tracer = this.tracer;
    const histogram = this.requestDuration;
    if (!tracer) {
      if (this.enabled) (request as TracedRequest)[TRACE_ID] = callerTraceId(request) ?? newTraceId();
      if (!histogram) return serve();
    }
    const method = KNOWN_METHODS.has(request.method ?? '') ? request.method! : '_OTHER';
    const started = performance.now();
    let active = ROOT_CONTEXT;
    let span: Span | undefined;
    if (tracer) {
      const parent = propagation.extract(ROOT_CONTEXT, request.headers);
      span = tracer.startSpan(method, this.spanOptionsOf(method), parent);
      (request as TracedRequest)[SERVER_SPAN] = span;
      active = trace.setSpan(parent, span);
      // What follows (the module's operation span) is the server span's child: the module finds
      // it on the request's headers (as the request's trace context, in place of the caller's,
      // sampled flag included, as behind a proxy), without a context manager.
      RequestTracePropagator.handOn(request.headers, span.spanContext());
    }
    response.once('close', () => {
      const status = response.statusCode;
      histogram?.record((performance.now() - started) / 1000, this.attributesOf(method, status));
      if (span?.isRecording()) {
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
    // Active too, for a context manager a preloaded SDK may have installed. Without a tracer the
    // context would be the root one, which is what an untraced request runs in anyway.
    if (span) context.with(active, serve);
    else serve();
  }

  /**
   * A request answered on its socket before any handler (`CONNECT`): its span, begun and ended
   * at once, and its duration; returns its trace ID for the log line.
   */
  answeredOnSocket(request: IncomingMessage, status: number): string | undefined {
    let traceId: string | undefined;
    const response = { statusCode: status, once: (_: 'close', listener: () => void) => listener() } as unknown as ServerResponse;
    this.serve(request, response, () => {
      traceId = this.traceIdOf(request);
    });
    return traceId;
  }

  /** The trace ID of a request `serve` traced: the field `trace_id` of its log line. */
  traceIdOf(request: unknown): string | undefined {
    const traced = request as TracedRequest | undefined;
    return traced?.[TRACE_ID] ?? traced?.[SERVER_SPAN]?.spanContext().traceId;
  }

  /** The Prometheus text exposition of every metric of the host and the module. */
  async metricsText(): Promise<string> {
    if (!this.prometheus) return '';
    const { resourceMetrics } = await this.prometheus.collect();
    return this.serializer.serialize(resourceMetrics);
  }

  /** The host closes: the last one of the process shuts the SDK down (spans still queued are sent). */
  async release(): Promise<void> {
    if (!this.joined || !installed) return;
    this.joined = false;
    if (--installed.users > 0) return;
    const closing = installed;
    installed = undefined;
    await closing.shutdown();
  }

  private spanOptionsOf(method: string): SpanOptions {
    let options = this.spanOptions.get(method);
    if (!options) this.spanOptions.set(method, (options = { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }));
    return options;
  }

  private attributesOf(method: string, status: number): Attributes {
    let byStatus = this.metricAttributes.get(method);
    if (!byStatus) this.metricAttributes.set(method, (byStatus = new Map()));
    let attributes = byStatus.get(status);
    if (!attributes) byStatus.set(status, (attributes = Object.freeze({ 'http.request.method': method, 'http.response.status_code': status })));
    return attributes;
  }
}
