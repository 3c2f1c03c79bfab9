import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { HostProcess, buildHost, startHostProcess } from './support/host-process';
import { createTestDatabase, dataSourceOptionsFor, TestDatabase, testDatabaseKind } from './support/test-database';
import { DEMO_BACKUPS, DEMO_PROJECTS, TOKENS } from './support/test-host';
import { queryRows } from './support/database-query';

/** A database both host processes can open: a SQLite file, or a fresh MySQL or PostgreSQL database. */
async function sharedDatabase(): Promise<TestDatabase> {
  if (testDatabaseKind !== 'sqlite') return createTestDatabase();
  const folder = mkdtempSync(join(tmpdir(), 'outbox-crash-'));
  return { url: `sqlite:${join(folder, 'host.sqlite')}`, kind: 'sqlite', drop: async () => rmSync(folder, { recursive: true, force: true }) };
}

async function outboxRows(url: string): Promise<{ sharing_id: string; delivered_at: unknown }[]> {
  const dataSource = new DataSource(dataSourceOptionsFor(url));
  await dataSource.initialize();
  try {
    return await queryRows(dataSource, 'SELECT sharing_id, delivered_at FROM backup_sharing_events ORDER BY seq');
  } finally {
    await dataSource.destroy();
  }
}

describe('outbox across a crash (two real host processes)', () => {
  let database: TestDatabase;
  const started: HostProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const host = await startHostProcess(env);
    started.push(host);
    return host;
  };

  beforeAll(async () => {
    buildHost();
    database = await sharedDatabase();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(started.map((host) => host.stop()));
    await database?.drop();
  });

  it('delivers after a restart the event of a change whose process was killed before delivering it', async () => {
    // The first process writes but does not dispatch, so its death always falls between the
    // commit and the delivery.
    const writer = await start({ DATABASE_URL: database.url, EVENTS_DISPATCH: 'false' });
    const shared = await request(writer.url)
      .post(`/v2/${DEMO_PROJECTS.owner}/os-vendor-backup-sharing`)
      .set('X-Auth-Token', TOKENS.owner)
      .send({ shared: { backup_id: DEMO_BACKUPS.nightly, to_project_ids: [DEMO_PROJECTS.recipient] } });
    expect(shared.status).toBe(200);
    const sharingId: string = shared.body.shared[0].id;
    writer.child.kill('SIGKILL');
    expect(await writer.exited).toBe('SIGKILL');
    expect(writer.output()).not.toContain('backup_sharing.created');
    expect(await outboxRows(database.url)).toEqual([{ sharing_id: sharingId, delivered_at: null }]);

    const restarted = await start({ DATABASE_URL: database.url, EVENTS_POLL_INTERVAL_MS: '50' });
    try {
      const [line] = await restarted.waitForOutput(new RegExp(`backup_sharing\\.created event=\\S+ sharing=${sharingId}.*`));
      expect(line).toContain(`request=${shared.headers['x-openstack-request-id']}`);
      // The listener logs before the dispatcher marks the event delivered: wait for the mark.
      const deadline = Date.now() + 20_000;
      let [row] = await outboxRows(database.url);
      while (row.delivered_at === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        [row] = await outboxRows(database.url);
      }
      expect(row.delivered_at).not.toBeNull();
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  });
});
