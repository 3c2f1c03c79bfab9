import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  BackupSharingEvent,
  BackupSharingEventDispatcher,
  BackupSharingEventListener,
  BackupSharingEvents,
  BackupSharingModule,
  BackupSharingService,
  StaticTokenVerifier,
  backupSharingEntities,
  backupSharingMigrations,
} from '../libs/backup-sharing/src';
import { InMemoryBackupCatalog } from '../libs/backup-sharing/src/testing/in-memory-backup-catalog';
import { createTestDatabase, dataSourceOptionsFor, TestDatabase, testDatabaseKind } from './support/test-database';
import { DEMO_PROJECTS, TOKENS, TestHost, startTestHost, v2 } from './support/test-host';
import { queryRows } from './support/database-query';

describe('outbox under concurrent load through the demo host', () => {
  let host: TestHost;
  const events: BackupSharingEvent[] = [];

  beforeAll(async () => {
    host = await startTestHost();
    host.app.get(BackupSharingEvents).subscribe((event) => {
      events.push(event);
    });
  });
  afterAll(() => host.close());

  it('delivers exactly one event per change, and none for refused requests', async () => {
    const owner = (path: string) => `${v2('owner')}${path}`;
    const backups = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const created = await host.http
          .post(owner('/backups'))
          .set('X-Auth-Token', TOKENS.owner)
          .send({ backup: { volume_id: randomUUID(), name: `load-${i}` } });
        expect(created.status).toBe(202);
        return created.body.backup.id as string;
      }),
    );
    const targets = [DEMO_PROJECTS.recipient, DEMO_PROJECTS.other, 'extra-project-1'];
    // Each backup is shared twice at once with the same targets: one 200, one 409.
    const shares = await Promise.all(
      [...backups, ...backups].map((backupId) =>
        host.http
          .post(owner('/os-vendor-backup-sharing'))
          .set('X-Auth-Token', TOKENS.owner)
          .send({ shared: { backup_id: backupId, to_project_ids: targets } }),
      ),
    );
    expect(shares.filter((r) => r.status === 200)).toHaveLength(8);
    expect(shares.filter((r) => r.status === 409)).toHaveLength(8);
    const sharingIds: string[] = shares.filter((r) => r.status === 200).flatMap((r) => r.body.shared.map((s: { id: string }) => s.id));

    // Cancel: every sharing of the first half one by one, twice at once; the rest by backup.
    const byId = sharingIds.slice(0, 12);
    const cancels = await Promise.all([
      ...[...byId, ...byId].map((id) =>
        host.http.delete(owner(`/os-vendor-backup-sharing/${id}`)).set('X-Auth-Token', TOKENS.owner),
      ),
      ...backups.slice(4).map((backupId) =>
        host.http.delete(owner(`/os-vendor-backup-sharing/${backupId}?is_backup_id=true`)).set('X-Auth-Token', TOKENS.owner),
      ),
    ]);
    expect(cancels.slice(0, 24).filter((r) => r.status === 200)).toHaveLength(12);
    expect(cancels.slice(0, 24).filter((r) => r.status === 404)).toHaveLength(12);
    expect(cancels.slice(24).every((r) => r.status === 200)).toBe(true);

    await host.app.get(BackupSharingEventDispatcher).flush();
    const created = events.filter((e) => e.type === 'backup_sharing.created').map((e) => e.sharingId);
    const canceled = events.filter((e) => e.type === 'backup_sharing.canceled').map((e) => e.sharingId);
    expect(created.sort()).toEqual([...sharingIds].sort());
    expect(canceled.sort()).toEqual([...sharingIds].sort());
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });
});

const OWNER = 'owner0000000000000000000000000001';

/** A module instance of its own (own pool, own dispatcher) on a shared database. */
async function instance(
  databaseUrl: string,
  instanceId: string,
  catalog: InMemoryBackupCatalog,
  events: { leaseMs: number; pollIntervalMs: number; batchSize?: number },
  /** Subscribed before the instance starts dispatching, so that it hears every event it delivers. */
  listener?: BackupSharingEventListener,
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...dataSourceOptionsFor(databaseUrl),
        entities: backupSharingEntities,
        migrations: backupSharingMigrations,
        migrationsRun: true,
      }),
      BackupSharingModule.forRoot({
        backupCatalog: catalog,
        tokenVerifier: new StaticTokenVerifier({}),
        events: { instanceId, ...events },
      }),
    ],
  }).compile();
  if (listener) moduleRef.get(BackupSharingEvents).subscribe(listener);
  return moduleRef.init();
}

async function undelivered(app: INestApplicationContext): Promise<number> {
  const [row] = await queryRows(app.get(DataSource), 'SELECT COUNT(*) AS n FROM backup_sharing_events WHERE delivered_at IS NULL');
  return Number(row.n);
}

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// SQLite runs in one process: several instances on one database need a server.
(testDatabaseKind === 'sqlite' ? describe.skip : describe)(`several instances on one ${testDatabaseKind} database`, () => {
  let database: TestDatabase;
  const catalog = new InMemoryBackupCatalog();
  const backupIds = Array.from({ length: 20 }, () => catalog.add(OWNER, randomUUID()).id);
  const apps: INestApplicationContext[] = [];
  let releaseStuck: () => void = () => undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    releaseStuck();
    await Promise.all(apps.map((app) => app.close()));
    await database.drop();
  });

  it('delivers every event, each by one instance at a time', async () => {
    const settings = { leaseMs: 10_000, pollIntervalMs: 20, batchSize: 5 };
    const a = await instance(database.url, 'instance-a', catalog, settings);
    const b = await instance(database.url, 'instance-b', catalog, settings);
    apps.push(a, b);
    const deliveries: { instance: string; eventId: string }[] = [];
    const inFlight = new Map<string, string>();
    const overlaps: string[] = [];
    for (const [app, name] of [
      [a, 'instance-a'],
      [b, 'instance-b'],
    ] as const) {
      app.get(BackupSharingEvents).subscribe(async (event) => {
        if (inFlight.has(event.id)) overlaps.push(event.id);
        inFlight.set(event.id, name);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        inFlight.delete(event.id);
        deliveries.push({ instance: name, eventId: event.id });
      });
    }

    // 20 backups x 5 targets = 100 sharings, written through both instances at once.
    const targets = ['t1', 't2', 't3', 't4', 't5'];
    await Promise.all(
      backupIds.map((backupId, i) => (i % 2 ? a : b).get(BackupSharingService).share(OWNER, backupId, targets)),
    );
    await until(async () => (await undelivered(a)) === 0);

    const [{ n: total }] = await queryRows(a.get(DataSource), 'SELECT COUNT(*) AS n FROM backup_sharing_events');
    expect(Number(total)).toBe(100);
    expect(deliveries).toHaveLength(100);
    expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(100);
    expect(overlaps).toEqual([]);
    // Both instances took part.
    expect(new Set(deliveries.map((d) => d.instance))).toEqual(new Set(['instance-a', 'instance-b']));
  });

  it('hands the events of an instance that stopped mid-delivery to another once its lease lapses', async () => {
    // The stuck instance claims alone: a live one, polling every 20 ms, could take the event first.
    await Promise.all(apps.splice(0).map((app) => app.close()));
    // A listener that never finishes: the instance claims, then hangs like a dead process.
    const stuck = await instance(database.url, 'instance-stuck', catalog, { leaseMs: 300, pollIntervalMs: 20 }, () =>
      new Promise<void>((resolve) => (releaseStuck = resolve)),
    );
    apps.push(stuck);

    const backupId = catalog.add(OWNER, randomUUID()).id;
    await stuck.get(BackupSharingService).share(OWNER, backupId, ['t1']);
    const claimed = async () => {
      const rows = await queryRows(stuck.get(DataSource), 'SELECT claimed_by, delivered_at, event_id FROM backup_sharing_events WHERE backup_id = ?', [backupId]);
      return rows[0];
    };
    await until(async () => (await claimed())?.claimed_by === 'instance-stuck');
    // Live instances, listening from their start: their leases are 10 s, but the stuck claim
    // lapses after 300 ms: one of them takes the event over and delivers it.
    const rescued: string[] = [];
    for (const name of ['instance-c', 'instance-d']) {
      apps.push(await instance(database.url, name, catalog, { leaseMs: 10_000, pollIntervalMs: 20 }, (event) => void rescued.push(event.id)));
    }
    await until(async () => (await claimed()).delivered_at !== null);
    const row = await claimed();
    expect(['instance-c', 'instance-d']).toContain(row.claimed_by);
    expect(rescued).toContain(row.event_id);
  });
});
