import { DataSource } from 'typeorm';
import { backupSharingEntities, backupSharingMigrations, runMigrationsExclusively } from '../../libs/backup-sharing/src';
import { dataSourceOptionsFor } from './test-database';

/**
 * Instances that start at the same moment, one per URL (of one database), each running the
 * module's migrations under its lock: how many migrations each applied. Every data source is
 * closed before this returns or throws, whatever failed, so that nothing is left open.
 */
export async function migrateAtOnce(urls: string[]): Promise<number[]> {
  const dataSources = urls.map(
    (url) => new DataSource({ ...dataSourceOptionsFor(url), entities: backupSharingEntities, migrations: backupSharingMigrations }),
  );
  try {
    const opened = await Promise.allSettled(dataSources.map((dataSource) => dataSource.initialize()));
    const failedToOpen = opened.find((result) => result.status === 'rejected');
    if (failedToOpen) throw failedToOpen.reason;
    const migrated = await Promise.allSettled(dataSources.map((dataSource) => runMigrationsExclusively(dataSource)));
    return migrated.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value.length;
    });
  } finally {
    await Promise.all(dataSources.map((dataSource) => (dataSource.isInitialized ? dataSource.destroy() : undefined)));
  }
}

/** Each applied migration's row count in TypeORM's `migrations` table. */
export const MIGRATION_ROWS = 'SELECT name, COUNT(*) AS n FROM migrations GROUP BY name';

/** `rows` (of `MIGRATION_ROWS`): every one of the `expected` migrations recorded, each exactly once. */
export function expectEachMigrationOnce(rows: Record<string, unknown>[], expected: number): void {
  expect(rows).toHaveLength(expected);
  expect(rows.every((row) => Number(row.n) === 1)).toBe(true);
}
