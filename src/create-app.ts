import { INestApplication, LogLevel, LoggerService } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { BackupSharingService, FaultFilter } from '../libs/backup-sharing/src';
import { AppModule } from './app.module';
import { seedDemoBackups, seedDemoSharing } from './backups/demo-seed';
import { HostConfig } from './config/host.config';
import { setupSwaggerUi } from './docs/openapi.document';
import { createHostLogger, isLoggerService, logLevelsFrom, requestLineLogger } from './http/host-logger';
import { configureHttpEdge } from './http/http-edge';
import { createNestApp } from './http/http-adapter';
import { HostTelemetry } from './telemetry/host-telemetry';

/**
 * Builds the demo host, ready to `listen`: used by `main.ts` and by the end-to-end tests, so the
 * tests drive exactly what `npm start` serves.
 */
export async function createApp(
  config: HostConfig,
  options: { logger?: false | LogLevel[] | LoggerService; abortOnError?: boolean } = {},
): Promise<INestApplication> {
  const logger = options.logger === false || isLoggerService(options.logger)
    ? options.logger
    : createHostLogger(config.edge.logFormat, options.logger ?? logLevelsFrom(config.edge.logLevel));
  // The OpenTelemetry SDK before anything of the module is built: its instruments find it.
  const telemetry = HostTelemetry.start(config.telemetry);
  // Express or Fastify (HTTP_ADAPTER), neither with a body parser of its own.
  const app = await createNestApp(AppModule.forRoot(config, telemetry), config, { logger, abortOnError: options.abortOnError }).catch(async (error: unknown) => {
    await telemetry.release();
    throw error;
  });
  const requestLog = requestLineLogger(logger);

  // In front of the adapter: server span, request ID and one structured log line on every answer,
  // unknown paths included; Host, target, path and query checked; the body read (up to
  // BODY_LIMIT) and parsed the same for both adapters; then limits and the server's own errors.
  configureHttpEdge(app.getHttpServer(), config.edge, requestLog, telemetry);
  // The host's own routes and unknown paths answer in the same fault shape as the module.
  app.useGlobalFilters(new FaultFilter(app.get(HttpAdapterHost)));
  // SIGTERM: stop accepting, finish the requests in flight, close the pool, then exit 0.
  app.enableShutdownHooks([], { useProcessExit: true });

  // The demo data first: Swagger UI pre-fills the demo sharing's ID where a sharing ID is asked.
  let demoSharingId: string | undefined;
  if (config.demoSeed) {
    const seededNow = await seedDemoBackups(app.get(DataSource));
    if (config.demoSeedSharing) demoSharingId = await seedDemoSharing(app.get(BackupSharingService), seededNow);
  }
  setupSwaggerUi(app, config, { sharingId: demoSharingId });
  return app;
}
