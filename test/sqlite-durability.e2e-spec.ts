import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../src/create-app';
import { loadConfig } from '../src/config/host.config';
import { testDatabaseKind } from './support/test-database';
import { DEMO_BACKUPS, testHttpAdapter } from './support/test-host';

// The demo host's SQLite file runs in WAL mode with synchronous=NORMAL and a busy timeout
// (README, "SQLite durability"), or as SQLITE_JOURNAL_MODE / SQLITE_SYNCHRONOUS say.
const onSqlite = testDatabaseKind === 'sqlite' ? describe : describe.skip;

onSqlite('the SQLite file of the demo host', () => {
  const folder = mkdtempSync(join(tmpdir(), 'block-storage-sqlite-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  async function pragmasOf(env: Record<string, string>): Promise<Record<string, unknown>> {
    const file = join(folder, `${Object.values(env).join('-') || 'default'}.sqlite`);
    const app: INestApplication = await createApp(loadConfig({ DATABASE_URL: `sqlite:${file}`, HTTP_ADAPTER: testHttpAdapter, ...env }), { logger: false, abortOnError: false });
    try {
      const dataSource = app.get(DataSource);
      const [journal] = await dataSource.query('PRAGMA journal_mode');
      const [synchronous] = await dataSource.query('PRAGMA synchronous');
      const [busy] = await dataSource.query('PRAGMA busy_timeout');
      // The host works on it: migrations ran, the demo backups are in.
      const [backups] = await dataSource.query('SELECT COUNT(*) AS n FROM backups');
      return { journal: journal.journal_mode, synchronous: synchronous.synchronous, busy: Object.values(busy)[0], backups: backups.n };
    } finally {
      await app.close();
    }
  }

  it('by default: WAL, synchronous=NORMAL (1), a 5 s busy timeout', async () => {
    expect(await pragmasOf({})).toEqual({ journal: 'wal', synchronous: 1, busy: 5000, backups: Object.keys(DEMO_BACKUPS).length });
  });

  it('SQLITE_JOURNAL_MODE=delete and SQLITE_SYNCHRONOUS=full: the rollback journal, every commit synced (2)', async () => {
    expect(await pragmasOf({ SQLITE_JOURNAL_MODE: 'delete', SQLITE_SYNCHRONOUS: 'full' })).toEqual({
      journal: 'delete',
      synchronous: 2,
      busy: 5000,
      backups: Object.keys(DEMO_BACKUPS).length,
    });
  });
});
