import { ConfigError, loadConfig } from './host.config';

const PRODUCTION = { NODE_ENV: 'production', AUTH_STATIC_TOKENS: '{"t":{"project_id":"p"}}' };

describe('telemetry configuration', () => {
  it('serves /metrics by default outside production only; METRICS_ENABLED decides either way', () => {
    expect(loadConfig({}).telemetry.metricsEnabled).toBe(true);
    expect(loadConfig(PRODUCTION).telemetry.metricsEnabled).toBe(false);
    expect(loadConfig({ ...PRODUCTION, METRICS_ENABLED: 'true' }).telemetry.metricsEnabled).toBe(true);
    expect(loadConfig({ METRICS_ENABLED: 'false' }).telemetry.metricsEnabled).toBe(false);
    expect(() => loadConfig({ METRICS_ENABLED: 'sometimes' })).toThrow(new ConfigError('METRICS_ENABLED must be true or false, not "sometimes".'));
  });

  it('exports traces only with an OTLP endpoint; the general one gets /v1/traces, the traces one is taken whole', () => {
    expect(loadConfig({}).telemetry).toMatchObject({ otlpTracesEndpoint: undefined, sampler: 'parentbased_traceidratio', samplerRatio: 0.05, disabled: false });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).telemetry.otlpTracesEndpoint).toBe('http://collector:4318/v1/traces');
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/otlp/traces' }).telemetry.otlpTracesEndpoint,
    ).toBe('https://b/otlp/traces');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(/OTLP over HTTP/);
  });

  it('takes the standard sampler names and a ratio from 0 to 1, and refuses anything else at start', () => {
    expect(loadConfig({ OTEL_TRACES_SAMPLER: 'ALWAYS_ON', OTEL_TRACES_SAMPLER_ARG: '1' }).telemetry).toMatchObject({ sampler: 'always_on', samplerRatio: 1 });
    expect(loadConfig({ OTEL_TRACES_SAMPLER_ARG: '.25' }).telemetry.samplerRatio).toBe(0.25);
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER must be one of always_on/);
    for (const ratio of ['1.5', '-0.1', 'half', '1e-2']) expect(() => loadConfig({ OTEL_TRACES_SAMPLER_ARG: ratio })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(loadConfig({ OTEL_SDK_DISABLED: 'true', OTEL_SERVICE_NAME: 'bs-eu' }).telemetry).toMatchObject({ disabled: true, serviceName: 'bs-eu' });
  });
});
