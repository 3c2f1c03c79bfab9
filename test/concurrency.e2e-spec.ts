import { Response } from 'supertest';
import { DEMO_PROJECTS, TestHost, expectFault, startTestHost } from './support/test-host';
import { testDatabaseKind } from './support/test-database';
import {
  SHARING,
  activeRowsOf,
  as,
  createBackup,
  expectRequestId,
  randomProjectId,
  shareOk,
  shareRequest,
  sharingRows,
} from './support/sharing-api';
import { queryRows } from './support/database-query';

const PARALLEL = 20;

/** Statuses of all answers, counted: e.g. {200: 1, 409: 19}. */
function tally(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

/** Fires every request at once, each on its own connection, and waits for all answers. */
function together(count: number, send: (index: number) => PromiseLike<Response>): Promise<Response[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => send(index)));
}

describe(`concurrent requests (${testDatabaseKind})`, () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  const owner = () => as(host, 'owner');

  it(`${PARALLEL} identical shares: exactly one 200 and ${PARALLEL - 1} 409, one row`, async () => {
    const backupId = await createBackup(host);
    const responses = await together(PARALLEL, () => owner().post(SHARING, shareRequest(backupId, [DEMO_PROJECTS.recipient])));

    expect(tally(responses)).toEqual({ 200: 1, 409: PARALLEL - 1 });
    for (const response of responses) {
      expectRequestId(response);
      if (response.status === 409) expectFault(response.body, 409, 'conflictingRequest');
    }
    const winner = responses.find((response) => response.status === 200)!;
    expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(1);
    expect(await sharingRows(host, 'id = ? AND active = 1', [winner.body.shared[0].id])).toBe(1);
    expect((await as(host, 'recipient').get(`backups/${backupId}`)).status).toBe(200);
  });

  it(`${PARALLEL} identical shares with several targets: one 200, all or nothing for the rest`, async () => {
    const backupId = await createBackup(host);
    const targets = [randomProjectId(), randomProjectId(), randomProjectId()];
    const responses = await together(PARALLEL, () => owner().post(SHARING, shareRequest(backupId, targets)));

    expect(tally(responses)).toEqual({ 200: 1, 409: PARALLEL - 1 });
    expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(3);
    expect(await activeRowsOf(host, backupId)).toBe(3);
  });

  it(`${PARALLEL} cancels of one sharing: exactly one 200 and ${PARALLEL - 1} 404`, async () => {
    const backupId = await createBackup(host);
    const [sharing] = await shareOk(host, backupId, [DEMO_PROJECTS.recipient]);
    const [before] = await queryRows(host.dataSource, 'SELECT created_at FROM backup_sharings WHERE id = ?', [sharing.id]);

    const responses = await together(PARALLEL, () => owner().delete(`${SHARING}/${sharing.id}`));

    expect(tally(responses)).toEqual({ 200: 1, 404: PARALLEL - 1 });
    for (const response of responses.filter((r) => r.status === 404)) {
      expect(expectFault(response.body, 404, 'itemNotFound').error_code).toBe('BackupSharing.ShareNotFound');
    }
    expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(1);
    const [after] = await queryRows(host.dataSource, 'SELECT created_at, active, deleted_at FROM backup_sharings WHERE id = ?', [sharing.id]);
    expect(after).toMatchObject({ created_at: before.created_at, active: null });
    expect(after.deleted_at).not.toBeNull();
    expect((await as(host, 'recipient').get(`backups/${backupId}`)).status).toBe(404);
  });

  it(`${PARALLEL} cancels of every sharing of one backup: all 200, each sharing canceled once`, async () => {
    const backupId = await createBackup(host);
    await shareOk(host, backupId, Array.from({ length: 5 }, randomProjectId));
    const responses = await together(PARALLEL, (index) =>
      owner().delete(index % 2 === 0 ? `${SHARING}/${backupId}?is_backup_id=true` : `${SHARING}?backup_id=${backupId}`),
    );
    expect(tally(responses)).toEqual({ 200: PARALLEL });
    expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(5);
    expect(await activeRowsOf(host, backupId)).toBe(0);
  });

  it(`${PARALLEL} shares of one backup with different projects never pass the limit of 10`, async () => {
    const backupId = await createBackup(host);
    const responses = await together(PARALLEL, () => owner().post(SHARING, shareRequest(backupId, [randomProjectId()])));

    const counts = tally(responses);
    // Each request either wins or is refused whole: over the limit (400) or, on MySQL, a
    // concurrent change (409) the client may retry.
    expect(Object.keys(counts).every((status) => ['200', '400', '409'].includes(status))).toBe(true);
    expect(counts[200]).toBeGreaterThanOrEqual(1);
    expect(counts[200]).toBeLessThanOrEqual(10);
    expect(await activeRowsOf(host, backupId)).toBe(counts[200]);
    expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(counts[200]);
    if (testDatabaseKind === 'sqlite') expect(counts).toEqual({ 200: 10, 400: PARALLEL - 10 });
  });

  it(`${PARALLEL} shares of ${PARALLEL} different backups all succeed`, async () => {
    const backupIds: string[] = [];
    for (let index = 0; index < PARALLEL; index += 1) backupIds.push(await createBackup(host));
    const responses = await together(PARALLEL, (index) =>
      owner().post(SHARING, shareRequest(backupIds[index], [DEMO_PROJECTS.recipient, randomProjectId()])),
    );
    expect(tally(responses)).toEqual({ 200: PARALLEL });
    for (const backupId of backupIds) expect(await activeRowsOf(host, backupId)).toBe(2);
  });

  it('shares and cancels of one backup interleaved: the table ends consistent with the answers', async () => {
    const backupId = await createBackup(host);
    const target = DEMO_PROJECTS.recipient;
    const responses = await together(PARALLEL, (index) =>
      index % 2 === 0
        ? owner().post(SHARING, shareRequest(backupId, [target]))
        : owner().delete(`${SHARING}/${backupId}?is_backup_id=true`),
    );
    const shares = responses.filter((_, index) => index % 2 === 0);
    const cancels = responses.filter((_, index) => index % 2 === 1);
    expect(cancels.every((response) => response.status === 200)).toBe(true);
    expect(shares.every((response) => [200, 409].includes(response.status))).toBe(true);
    const created = shares.filter((response) => response.status === 200).length;
    expect(created).toBeGreaterThanOrEqual(1);
    // Every sharing created is a row; at most one of them is still active.
    expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(created);
    expect(await activeRowsOf(host, backupId)).toBeLessThanOrEqual(1);
    const visible = (await owner().get(`${SHARING}/count?backup_id=${backupId}`)).body.count;
    expect(visible).toBe(await activeRowsOf(host, backupId));
  });
});
