import { Response } from 'supertest';
import { backupSharingMigrations } from '../../libs/backup-sharing/src';
import { MIGRATION_ROWS, expectEachMigrationOnce, migrateAtOnce } from '../support/migrating-instances';
import { DEMO_PROJECTS, TestHost } from '../support/test-host';
import { SHARING, as, createBackup, randomProjectId, shareOk, shareRequest } from '../support/sharing-api';
import { shareRacingDelete, shareRacingReset } from '../support/sharing-races';
import { GaleraDatabase, causalQuery, createGaleraDatabase, startHostsOnEveryNode } from '../support/galera-hosts';
import { GALERA_NODES, killNode, restartNode, waitNodeSynced } from '../support/galera-cluster';
import { LogCapture } from '../support/log-capture';

// The rules of sharing on a 3-node MariaDB Galera cluster with a host on every node, each
// writing to its own node: what holds on one server holds across the cluster.

/** Statuses of all answers, counted: e.g. {200: 1, 409: 20}. */
function tally(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

describe('a host on every node of a Galera cluster', () => {
  let database: GaleraDatabase;
  let hosts: TestHost[];
  let check: Awaited<ReturnType<typeof causalQuery>>;
  const logs = [new LogCapture(), new LogCapture(), new LogCapture()];

  beforeAll(async () => {
    database = await createGaleraDatabase();
    // First started at once, on an empty database.
    hosts = await startHostsOnEveryNode(database, { EVENTS_POLL_INTERVAL_MS: '50' }, (node) => logs[node - 1]);
    check = await causalQuery(database, 3);
  }, 120_000);
  afterAll(async () => {
    await check?.close();
    await Promise.all((hosts ?? []).map((host) => host.close()));
    await database?.drop();
  });

  /** Request `index` goes to the host on node (index mod 3) + 1. */
  const on = (index: number) => hosts[index % hosts.length];
  const activeOf = async (backupId: string) =>
    Number((await check.query('SELECT COUNT(*) AS n FROM backup_sharings WHERE backup_id = ? AND active = 1', [backupId]))[0].n);

  it('three hosts first started at once on one empty database all came up; the migrations ran once', async () => {
    expectEachMigrationOnce(await check.query(MIGRATION_ROWS), hosts[0].dataSource.migrations.length);
    for (const host of hosts) expect((await host.http.get('/health')).status).toBe(200);
  });

  it('21 identical shares over three nodes: one 200 and twenty 409, one row', async () => {
    const backupId = await createBackup(hosts[0]);
    const responses = await Promise.all(
      Array.from({ length: 21 }, (_, i) => as(on(i), 'owner').post(SHARING, shareRequest(backupId, [DEMO_PROJECTS.recipient]))),
    );
    expect(tally(responses)).toEqual({ 200: 1, 409: 20 });
    expect(await activeOf(backupId)).toBe(1);
  });

  it('15 shares to distinct projects over three nodes with a limit of 10: at most 10 active, no 5xx', async () => {
    for (let round = 0; round < 4; round++) {
      const backupId = await createBackup(hosts[0]);
      const responses = await Promise.all(
        Array.from({ length: 15 }, (_, i) => as(on(i), 'owner').post(SHARING, shareRequest(backupId, [randomProjectId()]))),
      );
      const counts = tally(responses);
      expect(Object.keys(counts).every((status) => ['200', '400', '409'].includes(status))).toBe(true);
      expect(counts[200]).toBeLessThanOrEqual(10);
      expect(await activeOf(backupId)).toBe(counts[200]);
      const [guard] = await check.query('SELECT active_count FROM backup_sharing_guards WHERE backup_id = ?', [backupId]);
      expect(Number(guard.active_count)).toBe(counts[200]);
    }
  });

  it('20 racing cancels of one sharing over three nodes: one 200 and nineteen 404', async () => {
    const backupId = await createBackup(hosts[0]);
    const [sharing] = await shareOk(hosts[0], backupId, [DEMO_PROJECTS.recipient]);
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => as(on(i), 'owner').delete(`${SHARING}/${sharing.id}`)));
    expect(tally(responses)).toEqual({ 200: 1, 404: 19 });
    expect(await activeOf(backupId)).toBe(0);
  });

  it('shares against cancel-all over three nodes: no 5xx, the table consistent with the answers', async () => {
    for (let round = 0; round < 3; round++) {
      const backupId = await createBackup(hosts[0]);
      const responses = await Promise.all(
        Array.from({ length: 18 }, (_, i) =>
          i % 2 === 0
            ? as(on(i), 'owner').post(SHARING, shareRequest(backupId, [randomProjectId()]))
            : as(on(i), 'owner').delete(`${SHARING}/${backupId}?is_backup_id=true`),
        ),
      );
      const shares = responses.filter((_, i) => i % 2 === 0);
      const cancels = responses.filter((_, i) => i % 2 === 1);
      expect(tally(cancels)).toEqual({ 200: cancels.length });
      expect(shares.every((response) => [200, 409].includes(response.status))).toBe(true);
      const created = shares.filter((response) => response.status === 200).length;
      const [{ n }] = await check.query('SELECT COUNT(*) AS n FROM backup_sharings WHERE backup_id = ?', [backupId]);
      expect(Number(n)).toBe(created);
      const [guard] = await check.query('SELECT active_count FROM backup_sharing_guards WHERE backup_id = ?', [backupId]);
      expect(Number(guard.active_count)).toBe(await activeOf(backupId));
    }
  });

  it('after a 200 on one node every other node answers as if the change is done, at once', async () => {
    for (let round = 0; round < 30; round++) {
      const writer = on(round);
      const readers = [on(round + 1), on(round + 2)];
      const backupId = await createBackup(writer);
      const [sharing] = await shareOk(writer, backupId, [DEMO_PROJECTS.recipient]);
      for (const reader of readers) {
        expect({ round, shared: (await as(reader, 'recipient').get(`${SHARING}/${sharing.id}`)).status }).toEqual({ round, shared: 200 });
        expect({ round, backup: (await as(reader, 'recipient').get(`backups/${backupId}`)).status }).toEqual({ round, backup: 200 });
      }
      expect((await as(writer, 'owner').delete(`${SHARING}/${sharing.id}`)).status).toBe(200);
      for (const reader of readers) {
        expect({ round, canceled: (await as(reader, 'recipient').get(`${SHARING}/${sharing.id}`)).status }).toEqual({ round, canceled: 404 });
        expect({ round, backup: (await as(reader, 'recipient').get(`backups/${backupId}`)).status }).toEqual({ round, backup: 404 });
      }
    }
  });

  it('a share racing the deletion of its backup on another node, 30 rounds: never an active sharing of a deleted backup', async () => {
    const tally = await shareRacingDelete({ share: hosts[0], change: hosts[1], query: check.query }, 30);
    expect(tally.changes).toEqual({ 202: 30 });
  });

  it('a share racing a status reset on another node, 30 rounds: copies always the live status', async () => {
    const tally = await shareRacingReset({ share: hosts[1], change: hosts[2], query: check.query }, 30);
    expect(tally.changes).toEqual({ 202: 30 });
  });

  it('the outbox: every event delivered once, by dispatchers on three nodes, with no warning', async () => {
    const backupIds: string[] = [];
    for (let i = 0; i < 12; i++) backupIds.push(await createBackup(on(i)));
    await Promise.all(backupIds.map((backupId, i) => as(on(i), 'owner').post(SHARING, shareRequest(backupId, [randomProjectId(), randomProjectId()]))));
    await Promise.all(backupIds.map((backupId, i) => as(on(i + 1), 'owner').delete(`${SHARING}/${backupId}?is_backup_id=true`)));
    const ids = (await check.query(`SELECT event_id FROM backup_sharing_events WHERE backup_id IN (${backupIds.map(() => '?').join(', ')})`, backupIds)).map(
      (row) => String(row.event_id),
    );
    expect(ids).toHaveLength(48);
    const deadline = Date.now() + 30_000;
    const deliveredOf = () => logs.flatMap((log) => log.entries.map((entry) => String(entry.message))).filter((line) => ids.some((id) => line.includes(`event=${id}`)));
    while (deliveredOf().length < ids.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const delivered = deliveredOf().map((line) => /event=(\S+)/.exec(line)![1]);
    expect(delivered.sort()).toEqual([...ids].sort());
    const warnings = logs.flatMap((log) => log.entries.filter((entry) => entry.level === 'warn' || entry.level === 'error'));
    expect(warnings.map((entry) => String(entry.message))).toEqual([]);
  });

  // The migration lock's first moments, many times: every node creates the lock table and inserts
  // its row at the same instant, each certified against the others.
  it('six instances, two per node, migrating one empty database at once, 8 rounds: every migration applied once', async () => {
    for (let round = 0; round < 8; round++) {
      const fresh = await createGaleraDatabase();
      try {
        const applied = await migrateAtOnce([...GALERA_NODES, ...GALERA_NODES].map((node) => fresh.urlOn(node)));
        expect(applied.sort((a, b) => a - b)).toEqual([0, 0, 0, 0, 0, backupSharingMigrations.length]);
        const reader = await causalQuery(fresh, 3);
        try {
          expectEachMigrationOnce(await reader.query(MIGRATION_ROWS), backupSharingMigrations.length);
        } finally {
          await reader.close();
        }
      } finally {
        await fresh.drop();
      }
    }
  }, 120_000);

  it('kill -9 of one node under load: the other nodes serve without error, its host answers 503, then recovers by itself', async () => {
    const backupId = await createBackup(hosts[0]);
    const [sharing] = await shareOk(hosts[0], backupId, [DEMO_PROJECTS.recipient]);
    let loading = true;
    const statuses: number[] = [];
    const load = (async () => {
      for (let i = 0; loading; i++) {
        const host = hosts[i % 2];
        const answers = await Promise.all([
          as(host, 'recipient').get(`${SHARING}/${sharing.id}`),
          as(host, 'owner').get(`${SHARING}/count`),
          as(host, 'owner').post(SHARING, shareRequest(await createBackup(host), [randomProjectId()])),
        ]);
        statuses.push(...answers.map((answer) => answer.status));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await killNode(3);
    let unavailable: Response | undefined;
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const answer = await as(hosts[2], 'recipient').get(`${SHARING}/${sharing.id}`);
      if (answer.status === 503) {
        unavailable = answer;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(unavailable?.body.serviceUnavailable?.code).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    loading = false;
    await load;
    // Commits on the other nodes wait until the cluster has evicted the killed node (about 5 s).
    expect(statuses.length).toBeGreaterThan(10);
    expect(tally(statuses.map((status) => ({ status }) as Response))).toEqual({ 200: statuses.length });

    await restartNode(3);
    await waitNodeSynced(3);
    const back = Date.now() + 60_000;
    let status = 0;
    while (Date.now() < back && status !== 200) {
      status = (await as(hosts[2], 'recipient').get(`${SHARING}/${sharing.id}`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    expect((await hosts[2].http.get('/health')).status).toBe(200);
    const [created] = await shareOk(hosts[2], await createBackup(hosts[2]), [DEMO_PROJECTS.recipient]);
    expect((await as(hosts[0], 'recipient').get(`${SHARING}/${created.id}`)).status).toBe(200);
  }, 300_000);
});
