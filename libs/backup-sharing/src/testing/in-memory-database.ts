import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { backupSharingEntities } from '../backup-sharing.module-definition';
import { backupSharingMigrations } from '../persistence/backup-sharing.migrations';

const IN_MEMORY_DATABASE = {
  type: 'better-sqlite3',
  database: ':memory:',
  entities: backupSharingEntities,
  migrations: backupSharingMigrations,
  migrationsRun: true,
} as const;

/**
 * A fresh in-memory SQLite data source holding the module's tables, built by its own migrations:
 * the host side of a spec that boots the module. `name` names the data source (default: the
 * default one).
 */
export function inMemoryBackupSharingDatabase(name?: string): DynamicModule {
  return TypeOrmModule.forRoot({ name, ...IN_MEMORY_DATABASE });
}

/** The same database without Nest, open and migrated: for specs of the service and repositories. */
export async function openInMemoryBackupSharingDatabase(): Promise<DataSource> {
  const dataSource = new DataSource(IN_MEMORY_DATABASE);
  await dataSource.initialize();
  return dataSource;
}
