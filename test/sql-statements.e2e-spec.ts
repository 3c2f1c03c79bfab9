import { SHARING, as, createBackup, randomProjectId, shareOk } from './support/sharing-api';
import { Statement, shapeOf, statementsDuring } from './support/sql-capture';
import { TestDatabaseKind, testDatabaseKind } from './support/test-database';
import { TestHost, startTestHost } from './support/test-host';

// The statements one request sends do not grow with the rows it touches or the page it reads:
// no query per row (N+1), no page read row by row, no event written per sharing. Each operation
// is measured on a small project and again once it holds ten times the sharings, with pages and
// changes of every size, and must send the same statements every time. The counts are also
// pinned per database, so that a statement added to a request shows here.

/**
 * Statements per request. A change writes the backup's guard row first (share: its upsert, then
 * its state and the active targets in one SELECT, then the conditional count); MySQL sets the
 * isolation level before its transaction; PostgreSQL starts it with its isolation level in one
 * statement.
 */
const EXPECTED: Record<TestDatabaseKind, Record<string, number>> = {
  mysql: { get: 2, list: 2, 'list after a marker': 3, count: 1, share: 9, cancel: 8, 'cancel all': 8 },
  sqlite: { get: 2, list: 2, 'list after a marker': 3, count: 1, share: 8, cancel: 7, 'cancel all': 7 },
  postgres: { get: 2, list: 2, 'list after a marker': 3, count: 1, share: 8, cancel: 7, 'cancel all': 7 },
};

describe('SQL statements per request', () => {
  let host: TestHost;
  const measured = new Map<string, { label: string; statements: Statement[] }[]>();

  /** Sends a request and records, under `operation`, the statements it caused. */
  async function measure(operation: string, label: string, send: () => Promise<{ status: number }>): Promise<void> {
    let status = 0;
    const statements = await statementsDuring(host.dataSource, async () => {
      status = (await send()).status;
    });
    expect({ operation, label, status }).toEqual({ operation, label, status: 200 });
    measured.set(operation, [...(measured.get(operation) ?? []), { label, statements }]);
  }

  /** Shares `backups` new backups of the owner with `targets` projects each. */
  async function grow(backups: number, targets: number): Promise<{ backupIds: string[]; sharingIds: string[] }> {
    const backupIds: string[] = [];
    const sharingIds: string[] = [];
    for (let n = 0; n < backups; n++) {
      const backupId = await createBackup(host, { name: `backup-${n}` });
      backupIds.push(backupId);
      const created = await shareOk(host, backupId, Array.from({ length: targets }, () => randomProjectId()));
      sharingIds.push(...created.map((sharing) => sharing.id));
    }
    return { backupIds, sharingIds };
  }

  /** Every read of the owner's sharings, with pages of several sizes. */
  async function measureReads(size: string, sharingIds: string[]): Promise<void> {
    const owner = as(host, 'owner');
    await measure('get', `one of ${size}`, () => owner.get(`${SHARING}/${sharingIds[0]}`));
    for (const limit of [1, 5, 100, 1000]) {
      await measure('list', `limit=${limit} of ${size}`, () => owner.get(`${SHARING}/detail?limit=${limit}`));
      await measure('list', `sorted by name, limit=${limit} of ${size}`, () => owner.get(`${SHARING}/detail?limit=${limit}&sort_key=name&status=available`));
    }
    // The highest ID: the pages after it, sorted by ID downwards, hold every other sharing.
    const marker = [...sharingIds].sort().at(-1);
    for (const limit of [1, 5, 1000]) {
      await measure('list after a marker', `limit=${limit} of ${size}`, () => owner.get(`${SHARING}/detail?limit=${limit}&sort_key=id&sort_dir=desc&marker=${marker}`));
    }
    await measure('count', `all of ${size}`, () => owner.get(`${SHARING}/count`));
    await measure('count', `filtered, of ${size}`, () => owner.get(`${SHARING}/count?status=available&name=backup`));
  }

  beforeAll(async () => {
    // No outbox delivery: its polling would add statements to the requests measured.
    host = await startTestHost({ EVENTS_DISPATCH: 'false' });

    const small = await grow(2, 3);
    await measureReads('6 sharings', small.sharingIds);
    const large = await grow(12, 10);
    await measureReads('126 sharings', [...small.sharingIds, ...large.sharingIds]);

    // Changes of one sharing and of ten.
    const owner = as(host, 'owner');
    for (const targets of [1, 10]) {
      const backupId = await createBackup(host);
      await measure('share', `${targets} target(s)`, () => owner.post(SHARING, { shared: { backup_id: backupId, to_project_ids: Array.from({ length: targets }, () => randomProjectId()) } }));
      await measure('cancel all', `a backup with ${targets} sharing(s)`, () => owner.delete(`${SHARING}/${backupId}?is_backup_id=true`));
    }
    await measure('cancel', 'one of 6', () => owner.delete(`${SHARING}/${small.sharingIds[1]}`));
    await measure('cancel', 'one of 126', () => owner.delete(`${SHARING}/${large.sharingIds[50]}`));
  }, 120_000);
  afterAll(() => host.close());

  it.each(Object.keys(EXPECTED[testDatabaseKind]))('%s sends the same statements whatever the rows and the page size', (operation) => {
    const runs = measured.get(operation)!;
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const counts = Object.fromEntries(runs.map((run) => [run.label, run.statements.length]));
    const expected = Object.fromEntries(runs.map((run) => [run.label, EXPECTED[testDatabaseKind][operation]]));
    // On a mismatch, the statements of the first run say what was sent.
    expect({ counts, statements: runs[0].statements.map(shapeOf) }).toEqual({ counts: expected, statements: runs[0].statements.map(shapeOf) });
  });

  it('reads the backups of a page with one catalog query, whatever the page size', () => {
    for (const run of measured.get('list')!) {
      const catalog = run.statements.filter((statement) => /\bFROM backups\b/.test(statement.sql));
      expect({ label: run.label, catalogQueries: catalog.length }).toEqual({ label: run.label, catalogQueries: 1 });
    }
  });
});
