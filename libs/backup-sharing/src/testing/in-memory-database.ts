import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { backupSharingEntities } from '../backup-sharing.module-definition';
import { backupSharingMigrations } from '../persistence/backup-sharing.migrations';

/**
 * A fresh in-memory SQLite data source holding the module's tables, built by its own migrations:
 * the host side of a spec that boots the module. `name` names the data source (default: the
 * default one).
 */
export function inMemoryBackupSharingDatabase(name?: string): DynamicModule {
  return TypeOrmModule.forRoot({
    name,
    type: 'better-sqlite3',
    database: ':memory:',
    entities: backupSharingEntities,
    migrations: backupSharingMigrations,
    migrationsRun: true,
  });
}
