/**
 * `@opentelemetry/api`, if the host has it. It is an optional peer dependency: a host without it
 * gets no telemetry and no error, and a host with it gets the module's spans and metrics only
 * once it installs an SDK (the API alone is a no-op). Loaded once, when the module is loaded.
 */
export type OpenTelemetryApi = typeof import('@opentelemetry/api');

function load(): OpenTelemetryApi | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@opentelemetry/api') as OpenTelemetryApi;
  } catch {
    return undefined;
  }
}

export const openTelemetryApi: OpenTelemetryApi | undefined = load();
