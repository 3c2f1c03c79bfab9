import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  BackupSharingModule,
  backupSharingEntities,
  backupSharingMigrations,
  runMigrationsExclusively,
  withDatabaseErrorsTranslated,
} from '../libs/backup-sharing/src';
import { DataSource } from 'typeorm';
import { BackupCatalogAdapter } from './backups/backup-catalog.adapter';
import { BackupEntity } from './backups/backup.entity';
import { hostMigrations } from './backups/backups.migration';
import { BackupsModule } from './backups/backups.module';
import { BackupsPersistenceModule } from './backups/backups-persistence.module';
import { HostConfig } from './config/host.config';
import { DEMO_PROJECTS } from './config/demo-tokens';
import { DEMO_BACKUPS } from './backups/demo-seed';
import { boundedMysqlDriver } from './database/bounded-mysql.driver';
import { SQLITE_BUSY_TIMEOUT_MS, applySqlitePragmas } from './database/sqlite-pragmas';
import { boundedPostgresDriver } from './database/bounded-postgres.driver';
import { createTokenVerifier } from './config/token-verifier.factory';
import { HealthModule } from './health/health.module';
import { SharingEventsLog } from './events/sharing-events.log';
import { HostTelemetry } from './telemetry/host-telemetry';
import { TelemetryModule } from './telemetry/telemetry.module';

function dataSourceOptions(config: HostConfig): TypeOrmModuleOptions {
  const common = {
    entities: [BackupEntity, ...backupSharingEntities],
    migrations: [...hostMigrations, ...backupSharingMigrations],
    // Run by `runMigrationsExclusively` below: instances starting at once take turns.
    migrationsRun: false,
    synchronize: false,
    logging: false,
    // Fail at start instead of retrying for minutes when the database is unreachable.
    retryAttempts: 0,
  };
  if (config.database.type === 'sqlite') {
    const { path, durability } = config.database;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3' as const,
      database: path,
      timeout: SQLITE_BUSY_TIMEOUT_MS,
      prepareDatabase: (database: Parameters<typeof applySqlitePragmas>[0]) => applySqlitePragmas(database, durability),
    };
  }
  const { dbConnectTimeoutMs, dbStatementTimeoutMs } = config.edge;
  if (config.database.type === 'postgres') {
    // Datetimes are timestamptz columns (instants): no time zone setting is needed to keep them.
    return {
      ...common,
      type: 'postgres' as const,
      url: config.database.url,
      // Bounds both a connect and the wait for a pooled connection: then 503.
      connectTimeoutMS: dbConnectTimeoutMs || undefined,
      driver: boundedPostgresDriver({ statementTimeoutMs: dbStatementTimeoutMs }),
    };
  }
  // Timestamps are naive UTC in the API; 'Z' keeps the driver from shifting them to local time.
  return {
    ...common,
    type: 'mysql' as const,
    url: config.database.url,
    timezone: 'Z',
    charset: 'utf8mb4',
    // An unreachable or hanging database answers 503/504 in bounded time, never a request that waits.
    connectTimeout: dbConnectTimeoutMs || undefined,
    driver: boundedMysqlDriver({ acquireTimeoutMs: dbConnectTimeoutMs, statementTimeoutMs: dbStatementTimeoutMs }),
  };
}

/** The demo block-storage API: its own backups, plus the sharing module mounted beside them. */
@Module({})
export class AppModule {
  static forRoot(config: HostConfig, telemetry: HostTelemetry): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(config),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (config.migrate) await runMigrationsExclusively(dataSource);
            return dataSource;
          },
        }),
        BackupSharingModule.forRootAsync({
          isGlobal: true,
          imports: [BackupsPersistenceModule],
          inject: [BackupCatalogAdapter],
          useFactory: (backupCatalog: BackupCatalogAdapter) => ({
            // The catalog shares the database: an outage is a 503/504 there too, other failures a 502.
            backupCatalog: withDatabaseErrorsTranslated(backupCatalog),
            tokenVerifier: createTokenVerifier(config.auth),
            adminRole: config.adminRole,
            maxSharesPerBackup: config.maxSharesPerBackup,
            cancelAllEnabled: config.edge.cancelAllEnabled,
            events: config.events,
            ...config.publicAddress,
            // Swagger UI pre-fills the demo owner's project; the examples share its seeded backup.
            openApiExamples: { projectId: DEMO_PROJECTS.owner, toProjectId: DEMO_PROJECTS.recipient, backupId: DEMO_BACKUPS.nightly },
          }),
        }),
        BackupsModule,
        HealthModule,
        TelemetryModule.forRoot(telemetry),
      ],
      providers: [SharingEventsLog],
    };
  }
}
