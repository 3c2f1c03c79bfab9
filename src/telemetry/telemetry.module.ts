import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { HostTelemetry } from './host-telemetry';
import { MetricsController } from './metrics.controller';

/** Shuts the host's telemetry down with the application: spans still queued are sent. */
class TelemetryShutdown implements OnApplicationShutdown {
  constructor(private readonly telemetry: HostTelemetry) {}

  async onApplicationShutdown(): Promise<void> {
    await this.telemetry.release();
  }
}

/** The host's telemetry in Nest: `/metrics` when metrics are on, and the shutdown. */
@Module({})
export class TelemetryModule {
  static forRoot(telemetry: HostTelemetry): DynamicModule {
    return {
      module: TelemetryModule,
      controllers: telemetry.metricsEnabled ? [MetricsController] : [],
      providers: [
        { provide: HostTelemetry, useValue: telemetry },
        { provide: TelemetryShutdown, useFactory: () => new TelemetryShutdown(telemetry) },
      ],
    };
  }
}
