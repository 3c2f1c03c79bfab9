import { TOKENS, TestHost, expectFault, startTestHost } from './support/test-host';
import {
  SHARING,
  activeRowsOf,
  as,
  createBackup,
  expectNothingWritten,
  expectRequestId,
  randomProjectId,
  shareOk,
  shareRequest,
} from './support/sharing-api';
import { LogCapture } from './support/log-capture';
import { expectNoInternals } from './support/no-internals';

// Faults that come from what the module depends on, on SQLite and on MySQL alike: a feature the
// host turned off (501), the host's backup catalog failing (502), the module's own table broken
// (500, generic). Each answers at once, writes nothing, says nothing of SQL, is logged with its
// request ID and its cause, and the next requests succeed once the cause is gone.

/** Moves a table away and back, as a broken migration or a wrong schema would leave it. */
async function withoutTable<T>(host: TestHost, table: string, work: () => Promise<T>): Promise<T> {
  await host.dataSource.query(`ALTER TABLE ${table} RENAME TO ${table}_away`);
  try {
    return await work();
  } finally {
    await host.dataSource.query(`ALTER TABLE ${table}_away RENAME TO ${table}`);
  }
}

describe('501 notImplemented: cancel-all turned off (CANCEL_ALL_ENABLED=false)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ CANCEL_ALL_ENABLED: 'false' });
  });
  afterAll(() => host.close());

  it.each([
    ['the path form', (backupId: string) => `${SHARING}/${backupId}?is_backup_id=true`],
    ['the collection form', (backupId: string) => `${SHARING}?backup_id=${backupId}`],
  ])('%s answers 501 and cancels nothing', async (_form, path) => {
    const backupId = await createBackup(host);
    await shareOk(host, backupId, [randomProjectId(), randomProjectId()]);
    const response = await expectNothingWritten(host, () => as(host, 'owner').delete(path(backupId)));
    expect(response.status).toBe(501);
    const fault = expectFault(response.body, 501, 'notImplemented');
    expect(fault.error_code).toBe('BackupSharing.FeatureDisabled');
    expect(fault.message).toMatch(/turned off.*by its ID/);
    expectRequestId(response);
    expect(await activeRowsOf(host, backupId)).toBe(2);
  });

  it('canceling one sharing by its ID still works', async () => {
    const backupId = await createBackup(host);
    const [sharing] = await shareOk(host, backupId, [randomProjectId()]);
    const response = await as(host, 'owner').delete(`${SHARING}/${sharing.id}`);
    expect(response.status).toBe(200);
    expect(await activeRowsOf(host, backupId)).toBe(0);
  });

  it("deleting a backup in the host still ends its sharings (the host's own rule)", async () => {
    const backupId = await createBackup(host);
    await shareOk(host, backupId, [randomProjectId()]);
    expect((await as(host, 'owner').delete(`backups/${backupId}`)).status).toBe(202);
    expect(await activeRowsOf(host, backupId)).toBe(0);
  });
});

describe("502 badGateway and 500 computeFault: the catalog's or the module's own storage broken", () => {
  let host: TestHost;
  const log = new LogCapture();
  beforeAll(async () => {
    host = await startTestHost({}, { logger: log });
  });
  afterAll(() => host.close());

  /** The error line of a 5xx: request ID, status and the cause, never a token. */
  function expectLoggedCause(requestId: string, status: number, cause: RegExp): void {
    const errors = log.ofRequest(requestId).filter((entry) => entry.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ message: expect.objectContaining({ request_id: requestId, status }) })]);
    expect(String(errors[0].message.cause)).toMatch(cause);
    const requestLine = log.ofRequest(requestId).filter((entry) => entry.level === 'log');
    expect(requestLine).toEqual([expect.objectContaining({ message: expect.objectContaining({ status, duration_ms: expect.any(Number) }) })]);
  }

  it("share: the catalog fails -> 502 BackupCatalogFailed, nothing written, the cause logged", async () => {
    const backupId = await createBackup(host);
    const response = await withoutTable(host, 'backups', () =>
      as(host, 'owner').post(SHARING, shareRequest(backupId, [randomProjectId()])),
    );
    expect(response.status).toBe(502);
    const fault = expectFault(response.body, 502, 'badGateway');
    expect(fault.error_code).toBe('BackupSharing.BackupCatalogFailed');
    expectNoInternals(response.text);
    expect(await activeRowsOf(host, backupId)).toBe(0);
    expectLoggedCause(expectRequestId(response), 502, /BackupCatalogFailedError.* <- .*(no such table|doesn't exist|does not exist)/i);
    expect(log.text()).not.toContain(TOKENS.owner);
  });

  it('list: the catalog fails after the rows were read -> 502; count needs no catalog -> 200', async () => {
    const backupId = await createBackup(host);
    await shareOk(host, backupId, [randomProjectId()]);
    const [list, count] = await withoutTable(host, 'backups', async () => [
      await as(host, 'owner').get(`${SHARING}/detail`),
      await as(host, 'owner').get(`${SHARING}/count`),
    ]);
    expect(list.status).toBe(502);
    expectFault(list.body, 502, 'badGateway');
    expectNoInternals(list.text);
    expect(count.status).toBe(200);
  });

  it('cancel-all: the catalog fails -> 502, nothing canceled', async () => {
    const backupId = await createBackup(host);
    await shareOk(host, backupId, [randomProjectId()]);
    const response = await withoutTable(host, 'backups', () => as(host, 'owner').delete(`${SHARING}/${backupId}?is_backup_id=true`));
    expect(response.status).toBe(502);
    expect(await activeRowsOf(host, backupId)).toBe(1);
  });

  it("the module's own table broken -> 500 with a generic message, no SQL; the cause logged", async () => {
    const response = await withoutTable(host, 'backup_sharings', () => as(host, 'owner').get(`${SHARING}/detail`));
    expect(response.status).toBe(500);
    const fault = expectFault(response.body, 500, 'computeFault');
    expect(fault.error_code).toBe('BackupSharing.InternalError');
    expect(fault.message).toBe('The server has either erred or is incapable of performing the requested operation.');
    expectNoInternals(response.text);
    expectLoggedCause(expectRequestId(response), 500, /(no such table|doesn't exist|does not exist)/i);
  });

  it('once the storage is back, the same requests succeed without a restart', async () => {
    const backupId = await createBackup(host);
    const target = randomProjectId();
    await shareOk(host, backupId, [target]);
    const list = await as(host, 'owner').get(`${SHARING}/detail?backup_id=${backupId}`);
    expect(list.status).toBe(200);
    expect(list.body.shared.map((sharing: { to_project_id: string }) => sharing.to_project_id)).toEqual([target]);
  });
});
