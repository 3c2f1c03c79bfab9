import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { backupSharingMigrations } from '../libs/backup-sharing/src';
import { MIGRATION_ROWS, expectEachMigrationOnce, migrateAtOnce } from './support/migrating-instances';
import { TestDatabase, createTestDatabase, dataSourceOptionsFor, testDatabaseKind } from './support/test-database';
import { DEMO_PROJECTS, TestHost, startAtOnce, startTestHost } from './support/test-host';
import { as, createBackup, shareOk } from './support/sharing-api';

// Instances of a host that start at the same moment on one empty database all come up: the
// migrations run once, under the lock every instance takes first.

/** One empty database several instances open: on SQLite a file (in-memory ones are each their own). */
async function sharedEmptyDatabase(): Promise<TestDatabase> {
  if (testDatabaseKind !== 'sqlite') return createTestDatabase();
  const folder = mkdtempSync(join(tmpdir(), 'backup-sharing-start-'));
  return { url: `sqlite:${join(folder, 'block-storage.sqlite')}`, kind: 'sqlite', drop: async () => rmSync(folder, { recursive: true, force: true }) };
}

describe(`three hosts started at once on one empty ${testDatabaseKind} database`, () => {
  it('all come up, the migrations ran once, and each host serves', async () => {
    const database = await sharedEmptyDatabase();
    let hosts: TestHost[] = [];
    try {
      hosts = await startAtOnce([1, 2, 3].map(() => () => startTestHost({ DEMO_SEED: 'false' }, { database })));
      expectEachMigrationOnce(await hosts[0].dataSource.query(MIGRATION_ROWS), hosts[0].dataSource.migrations.length);
      // The lock is released.
      const [{ n }] = await hosts[0].dataSource.query('SELECT COUNT(*) AS n FROM backup_sharing_migration_lock');
      expect(Number(n)).toBe(0);
      for (const host of hosts) {
        expect((await host.http.get('/health')).status).toBe(200);
        const backupId = await createBackup(host);
        await shareOk(host, backupId, [DEMO_PROJECTS.recipient]);
        expect((await as(hosts[0], 'recipient').get(`backups/${backupId}`)).status).toBe(200);
      }
    } finally {
      await Promise.all(hosts.map((host) => host.close()));
      await database.drop();
    }
  });

  // The first moment of the lock itself, many times: instances that create the lock table at the
  // same instant (on PostgreSQL the later CREATE fails on whichever catalog row it met first).
  it('four instances migrating one empty database at once, 12 rounds: each round applies every migration once', async () => {
    for (let round = 0; round < 12; round++) {
      const database = await sharedEmptyDatabase();
      try {
        const applied = await migrateAtOnce([1, 2, 3, 4].map(() => database.url));
        expect(applied.sort((a, b) => a - b)).toEqual([0, 0, 0, backupSharingMigrations.length]);
        const reader = new DataSource(dataSourceOptionsFor(database.url));
        await reader.initialize();
        try {
          expectEachMigrationOnce(await reader.query(MIGRATION_ROWS), backupSharingMigrations.length);
        } finally {
          await reader.destroy();
        }
      } finally {
        await database.drop();
      }
    }
  });
});
