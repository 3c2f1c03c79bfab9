import { INestApplication, LogLevel, Logger } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { FaultFilter, assignRequestId } from '../libs/backup-sharing/src';
import { AppModule } from './app.module';
import { seedDemoBackups } from './backups/demo-seed';
import { HostConfig } from './config/host.config';
import { setupSwaggerUi } from './docs/openapi.document';

type NodeRequest = { method?: string; originalUrl?: string; url?: string };
type NodeResponse = { statusCode: number; setHeader(name: string, value: string): unknown; on(event: 'finish', listener: () => void): unknown };

/**
 * Builds the demo host, ready to `listen`: used by `main.ts` and by the end-to-end tests, so the
 * tests drive exactly what `npm start` serves.
 */
export async function createApp(
  config: HostConfig,
  options: { logger?: false | LogLevel[] } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: options.logger ?? ['log', 'warn', 'error'] });
  const requestLog = new Logger('HTTP');

  // Request ID and one log line on every answer, unknown paths included.
  app.use((request: NodeRequest, response: NodeResponse, next: () => void) => {
    const id = assignRequestId(request, response);
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      requestLog.log(`${id} ${request.method} ${request.originalUrl ?? request.url} ${response.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  });
  // The host's own routes and unknown paths answer in the same fault shape as the module.
  app.useGlobalFilters(new FaultFilter(app.get(HttpAdapterHost)));
  app.enableShutdownHooks();

  setupSwaggerUi(app, config);

  if (config.demoSeed) await seedDemoBackups(app.get(DataSource));
  return app;
}
