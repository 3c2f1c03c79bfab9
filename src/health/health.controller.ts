import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, HttpException, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { HttpAdapterHost } from '@nestjs/core';

/** A failed check answers 503 with Terminus' own report (which part failed), not a fault body. */
@Catch(HttpException)
class HealthReportFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: HttpException, host: ArgumentsHost): void {
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), exception.getResponse(), exception.getStatus());
  }
}

@ApiTags('Health')
@Controller('health')
@UseFilters(HealthReportFilter)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  // `security: []`: the one route that needs no token (load balancers probe it).
  @ApiOperation({
    operationId: 'health',
    summary: '200 when the database answers, 503 otherwise',
    description: 'Pings the database (2 s limit): 200 `{"status": "ok", ...}` when it answers, 503 with the failed check otherwise. Needs no token.',
    security: [],
  })
  check() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]);
  }
}
