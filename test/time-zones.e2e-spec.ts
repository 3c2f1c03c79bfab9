import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { HostProcess, buildHost, startHostProcess } from './support/host-process';
import { TestDatabase, createTestDatabase, testDatabaseKind } from './support/test-database';
import { DEMO_PROJECTS, NAIVE_TIMESTAMP, TOKENS } from './support/test-host';

// Timestamps are instants: the process's time zone (TZ) and, on PostgreSQL, the session's
// (TimeZone) change nothing that is written or answered. Two real host processes share one
// database, one in UTC and one in New York (PostgreSQL: its session in Tokyo); what one writes,
// both answer with the same naive-UTC timestamps, and those are the moment of the request.

/** A database two processes can open: a SQLite file, or a fresh MySQL or PostgreSQL database. */
async function sharedDatabase(): Promise<TestDatabase & { folder?: string }> {
  if (testDatabaseKind !== 'sqlite') return createTestDatabase();
  const folder = mkdtempSync(join(tmpdir(), 'time-zones-'));
  return { url: `sqlite:${join(folder, 'host.sqlite')}`, kind: 'sqlite', folder, drop: async () => rmSync(folder, { recursive: true, force: true }) };
}

/** The URL with the PostgreSQL session's time zone set at connect (a libpq `options` parameter). */
function inSessionZone(url: string, zone: string): string {
  if (testDatabaseKind !== 'postgres') return url;
  const routed = new URL(url);
  routed.searchParams.set('options', `-c TimeZone=${zone}`);
  return routed.toString();
}

/** A naive-UTC timestamp of the API as the instant it names. */
const instant = (timestamp: string) => new Date(`${timestamp}Z`).getTime();

describe(`timestamps whatever the time zone (${testDatabaseKind}, two host processes)`, () => {
  let database: TestDatabase;
  let utc: HostProcess;
  let newYork: HostProcess;

  beforeAll(async () => {
    buildHost();
    database = await sharedDatabase();
    // One process migrates first, so that the two do not race to create the tables.
    utc = await startHostProcess({ DATABASE_URL: database.url, TZ: 'UTC', DEMO_SEED: 'false', EVENTS_DISPATCH: 'false' });
    newYork = await startHostProcess({
      DATABASE_URL: inSessionZone(database.url, 'Asia/Tokyo'),
      TZ: 'America/New_York',
      DB_MIGRATE: 'false',
      DEMO_SEED: 'false',
      EVENTS_DISPATCH: 'false',
    });
  }, 180_000);
  afterAll(async () => {
    for (const host of [utc, newYork]) {
      if (host && host.child.exitCode === null && host.child.signalCode === null) {
        host.child.kill('SIGTERM');
        await host.exited;
      }
    }
    await database?.drop();
  });

  const owner = (host: HostProcess) => ({
    get: (path: string) => request(host.url).get(`/v2/${DEMO_PROJECTS.owner}/${path}`).set('X-Auth-Token', TOKENS.owner),
    post: (path: string, body: object) => request(host.url).post(`/v2/${DEMO_PROJECTS.owner}/${path}`).set('X-Auth-Token', TOKENS.owner).send(body),
  });

  it('the process in New York writes the moment of the request, and both processes answer it alike', async () => {
    const before = Date.now();
    const created = await owner(newYork).post('backups', { backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710', name: 'zoned' } });
    expect(created.status).toBe(202);
    const backupId: string = created.body.backup.id;
    const shared = await owner(newYork).post('os-vendor-backup-sharing', { shared: { backup_id: backupId, to_project_ids: [DEMO_PROJECTS.recipient] } });
    expect(shared.status).toBe(200);
    const after = Date.now();
    const [sharing] = shared.body.shared;

    for (const stamp of [sharing.created_at, sharing.updated_at]) {
      expect(stamp).toMatch(NAIVE_TIMESTAMP);
      expect(instant(stamp)).toBeGreaterThanOrEqual(before);
      expect(instant(stamp)).toBeLessThanOrEqual(after);
    }
    const answers = await Promise.all([utc, newYork].map((host) => owner(host).get(`os-vendor-backup-sharing/${sharing.id}`)));
    for (const answer of answers) expect(answer.status).toBe(200);
    // The same sharing and nested backup, to the microsecond, from either process.
    expect(answers[0].body).toEqual(answers[1].body);
    expect(answers[0].body.shared).toEqual(expect.objectContaining({ created_at: sharing.created_at, updated_at: sharing.updated_at }));
    const backupCreated: string = answers[0].body.shared.backup.created_at;
    expect(instant(backupCreated)).toBeGreaterThanOrEqual(before);
    expect(instant(backupCreated)).toBeLessThanOrEqual(instant(sharing.created_at));
  });

  it('a list sorted and paged by time reads the same from either process', async () => {
    const backups: string[] = [];
    for (let n = 0; n < 3; n++) {
      const created = await owner(n % 2 ? utc : newYork).post('backups', { backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710', name: `paged-${n}` } });
      backups.push(created.body.backup.id);
      expect((await owner(n % 2 ? newYork : utc).post('os-vendor-backup-sharing', { shared: { backup_id: created.body.backup.id, to_project_ids: [DEMO_PROJECTS.other] } })).status).toBe(200);
    }
    const path = `os-vendor-backup-sharing/detail?sort_key=created_at&sort_dir=asc&to_project_id=${DEMO_PROJECTS.other}`;
    const lists = await Promise.all([utc, newYork].map((host) => owner(host).get(path)));
    expect(lists[0].body).toEqual(lists[1].body);
    expect(lists[0].body.shared.map((s: { backup_id: string }) => s.backup_id)).toEqual(backups);
    // A page after the first sharing, by its marker, from the other process.
    const marker = lists[0].body.shared[0].id;
    const pages = await Promise.all([utc, newYork].map((host) => owner(host).get(`${path}&marker=${marker}`)));
    expect(pages[0].body).toEqual(pages[1].body);
    expect(pages[0].body.shared.map((s: { backup_id: string }) => s.backup_id)).toEqual(backups.slice(1));
  });
});
