import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HostTelemetry } from './host-telemetry';

/**
 * `GET /metrics`: the Prometheus text of the host's and the module's metrics, on the API's own
 * port (`METRICS_ENABLED`). Collected when asked; nothing is computed for it between scrapes.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly telemetry: HostTelemetry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return this.telemetry.metricsText();
  }
}
