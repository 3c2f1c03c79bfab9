import { ConfigError } from './host.config';

export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

/** Metrics and traces of the host (docs/observability.md), from the environment. */
export interface TelemetryConfig {
  /** `OTEL_SDK_DISABLED=true`: no SDK at all (no metrics, no traces, no trace IDs in the log). */
  disabled: boolean;
  /** Serve `GET /metrics` (`METRICS_ENABLED`; on by default outside production). */
  metricsEnabled: boolean;
  /**
   * Where spans go (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT`
   * + `/v1/traces`, OTLP over HTTP). Without one, requests still get a trace ID (the caller's,
   * from `traceparent`, or a new one) for the log, and no span is recorded.
   */
  otlpTracesEndpoint: string | undefined;
  /** `OTEL_TRACES_SAMPLER` (default `parentbased_traceidratio`) and its `OTEL_TRACES_SAMPLER_ARG` (default 0.05). */
  sampler: TraceSamplerName;
  samplerRatio: number;
  /** `OTEL_SERVICE_NAME` (default `block-storage-api`). */
  serviceName: string;
}

/** One request in twenty: enough to follow slow ones on a busy API, little enough to cost next to nothing. */
export const DEFAULT_SAMPLER_RATIO = 0.05;

export function loadTelemetryConfig(
  env: NodeJS.ProcessEnv,
  production: boolean,
  boolean: (name: string, fallback: boolean) => boolean,
): TelemetryConfig {
  const sampler = (env.OTEL_TRACES_SAMPLER || 'parentbased_traceidratio').toLowerCase();
  if (!(TRACE_SAMPLERS as readonly string[]).includes(sampler)) {
    throw new ConfigError(`OTEL_TRACES_SAMPLER must be one of ${TRACE_SAMPLERS.join(', ')}, not "${env.OTEL_TRACES_SAMPLER}".`);
  }
  const rawRatio = env.OTEL_TRACES_SAMPLER_ARG;
  const samplerRatio = rawRatio === undefined || rawRatio === '' ? DEFAULT_SAMPLER_RATIO : Number(rawRatio);
  if (!/^(\d+(\.\d*)?|\.\d+)?$/.test(rawRatio ?? '') || !(samplerRatio >= 0 && samplerRatio <= 1)) {
    throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 (e.g. 0.1), not "${rawRatio}".`);
  }
  return {
    disabled: boolean('OTEL_SDK_DISABLED', false),
    metricsEnabled: boolean('METRICS_ENABLED', !production),
    otlpTracesEndpoint: tracesEndpoint(env),
    sampler: sampler as TraceSamplerName,
    samplerRatio,
    serviceName: env.OTEL_SERVICE_NAME || 'block-storage-api',
  };
}

/** The OTLP/HTTP traces URL, as the OpenTelemetry exporters derive it from the environment. */
function tracesEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const [name, raw] = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT]
    : ['OTEL_EXPORTER_OTLP_ENDPOINT', env.OTEL_EXPORTER_OTLP_ENDPOINT];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, e.g. http://127.0.0.1:4318, not "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL (OTLP over HTTP), not "${raw}".`);
  }
  // The signal-specific variable is the whole URL; the general one is a base that gets /v1/traces.
  return name === 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' ? raw : `${raw.replace(/\/+$/, '')}/v1/traces`;
}
