import { randomUUID } from 'node:crypto';
import { Response } from 'supertest';
import { DEMO_BACKUPS, DEMO_PROJECTS, TestHost, startTestHost } from './support/test-host';
import {
  SHARING,
  activeRowsOf,
  as,
  createBackup,
  expectNothingWritten,
  expectRefused,
  expectRequestId,
  randomProjectId,
  shareOk,
  sharingRows,
} from './support/sharing-api';
import { queryRows } from './support/database-query';

const RECIPIENT = DEMO_PROJECTS.recipient;

/** 200 with no body at all: the Go SDK rejects 202 and 204. */
function expectEmptyOk(response: Response): void {
  expect(response.status).toBe(200);
  expect(response.text).toBe('');
  expectRequestId(response);
}

describe('DELETE /os-vendor-backup-sharing (cancel)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  const owner = () => as(host, 'owner');
  const isCanceled = async (id: string) =>
    (await sharingRows(host, 'id = ? AND active IS NULL AND deleted_at IS NOT NULL', [id])) === 1;

  const refused = (send: () => PromiseLike<Response>, status: number, faultName: string, errorCode: string) =>
    expectRefused(host, send, status, faultName, errorCode);

  describe('by sharing ID', () => {
    it('the owner cancels: 200 without a body; the row is kept, soft-deleted, and leaves every answer', async () => {
      const backupId = await createBackup(host);
      const [sharing, kept] = await shareOk(host, backupId, [RECIPIENT, randomProjectId()]);

      expectEmptyOk(await owner().delete(`${SHARING}/${sharing.id}`));

      expect(await isCanceled(sharing.id)).toBe(true);
      expect(await isCanceled(kept.id)).toBe(false);
      const [row] = await queryRows(host.dataSource, 'SELECT created_at, updated_at, deleted_at FROM backup_sharings WHERE id = ?', [sharing.id]);
      expect(row.deleted_at).not.toBeNull();
      expect(new Date(row.updated_at).getTime()).toBeGreaterThanOrEqual(new Date(row.created_at).getTime());
      expect((await owner().get(`${SHARING}/${sharing.id}`)).status).toBe(404);
      expect((await as(host, 'recipient').get(`${SHARING}/${sharing.id}`)).status).toBe(404);
      const listed = await owner().get(`${SHARING}/detail?backup_id=${backupId}`);
      expect(listed.body.shared.map((s: { id: string }) => s.id)).toEqual([kept.id]);
      expect((await owner().get(`${SHARING}/count?backup_id=${backupId}`)).body).toEqual({ count: 1 });
      expect((await as(host, 'recipient').get(`${SHARING}/count?share_to_me=true&backup_id=${backupId}`)).body).toEqual({ count: 0 });
    });

    it.each(['false', '0', 'FALSE', 'False'])('is_backup_id=%s means a sharing ID', async (value) => {
      const backupId = await createBackup(host);
      const [sharing] = await shareOk(host, backupId, [randomProjectId()]);
      expectEmptyOk(await owner().delete(`${SHARING}/${sharing.id}?is_backup_id=${value}`));
      expect(await isCanceled(sharing.id)).toBe(true);
      // A backup ID is not a sharing ID when is_backup_id is false.
      await refused(() => owner().delete(`${SHARING}/${backupId}?is_backup_id=${value}`), 404, 'itemNotFound', 'BackupSharing.ShareNotFound');
    });

    it('the recipient may not cancel: 403, and the sharing stays', async () => {
      const backupId = await createBackup(host);
      const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
      const fault = await refused(
        () => as(host, 'recipient').delete(`${SHARING}/${sharing.id}`),
        403,
        'forbidden',
        'BackupSharing.Forbidden',
      );
      expect(fault.message).toContain(sharing.id);
      expect(await activeRowsOf(host, backupId)).toBe(1);
      expect((await as(host, 'recipient').get(`${SHARING}/${sharing.id}`)).status).toBe(200);
    });

    it('an unrelated project gets 404, the same as for a sharing that does not exist', async () => {
      const backupId = await createBackup(host);
      const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
      const unrelated = await refused(() => as(host, 'other').delete(`${SHARING}/${sharing.id}`), 404, 'itemNotFound', 'BackupSharing.ShareNotFound');
      expect(unrelated.message).toBe(`Backup sharing ${sharing.id} could not be found.`);
      const missing = randomUUID();
      const unknown = await refused(() => owner().delete(`${SHARING}/${missing}`), 404, 'itemNotFound', 'BackupSharing.ShareNotFound');
      expect(unknown.message).toBe(`Backup sharing ${missing} could not be found.`);
      expect(await activeRowsOf(host, backupId)).toBe(1);
    });

    it('a sharing already canceled: 404, to the owner and to the recipient', async () => {
      const backupId = await createBackup(host);
      const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
      expectEmptyOk(await owner().delete(`${SHARING}/${sharing.id}`));
      const [before] = await queryRows(host.dataSource, 'SELECT deleted_at FROM backup_sharings WHERE id = ?', [sharing.id]);

      await refused(() => owner().delete(`${SHARING}/${sharing.id}`), 404, 'itemNotFound', 'BackupSharing.ShareNotFound');
      await refused(() => as(host, 'recipient').delete(`${SHARING}/${sharing.id}`), 404, 'itemNotFound', 'BackupSharing.ShareNotFound');
      const [after] = await queryRows(host.dataSource, 'SELECT deleted_at FROM backup_sharings WHERE id = ?', [sharing.id]);
      expect(after).toEqual(before);
    });

    it.each(['not-a-uuid', '42', 'x'.repeat(300)])('a malformed ID %#: 404', async (id) => {
      await refused(() => owner().delete(`${SHARING}/${id}`), 404, 'itemNotFound', 'BackupSharing.ShareNotFound');
    });
  });

  describe('every sharing of a backup (is_backup_id=true)', () => {
    it.each(['true', 'TRUE', 'True', '1'])('is_backup_id=%s cancels them all in one request', async (value) => {
      const backupId = await createBackup(host);
      const other = await createBackup(host);
      const sharings = await shareOk(host, backupId, [RECIPIENT, randomProjectId(), randomProjectId()]);
      const [untouched] = await shareOk(host, other, [RECIPIENT]);

      expectEmptyOk(await owner().delete(`${SHARING}/${backupId}?is_backup_id=${value}`));

      expect(await activeRowsOf(host, backupId)).toBe(0);
      for (const sharing of sharings) expect(await isCanceled(sharing.id)).toBe(true);
      expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(3);
      expect(await isCanceled(untouched.id)).toBe(false);
      expect((await owner().get(`${SHARING}/count?backup_id=${backupId}`)).body).toEqual({ count: 0 });
      // Each canceled sharing now answers 404 on its own.
      await refused(() => owner().delete(`${SHARING}/${sharings[0].id}`), 404, 'itemNotFound', 'BackupSharing.ShareNotFound');
    });

    it('200 also for an owned backup with no sharings, and again when repeated', async () => {
      const backupId = await createBackup(host);
      expectEmptyOk(await expectNothingWritten(host, () => owner().delete(`${SHARING}/${backupId}?is_backup_id=true`)));
      await shareOk(host, backupId, [randomProjectId()]);
      expectEmptyOk(await owner().delete(`${SHARING}/${backupId}?is_backup_id=true`));
      expectEmptyOk(await owner().delete(`${SHARING}/${backupId}?is_backup_id=true`));
      expect(await activeRowsOf(host, backupId)).toBe(0);
    });

    it('404 for a backup that does not exist or is not the caller\'s, nothing canceled', async () => {
      const [received] = await shareOk(host, DEMO_BACKUPS.nightly, [RECIPIENT]);
      // The recipient names the owner's backup: not its own, so not found, and the sharing stays.
      const fault = await refused(
        () => as(host, 'recipient').delete(`${SHARING}/${DEMO_BACKUPS.nightly}?is_backup_id=true`),
        404,
        'itemNotFound',
        'BackupSharing.BackupNotFound',
      );
      expect(fault.message).toBe(`Backup ${DEMO_BACKUPS.nightly} could not be found.`);
      expect(await isCanceled(received.id)).toBe(false);

      await refused(() => owner().delete(`${SHARING}/${DEMO_BACKUPS.recipientOwn}?is_backup_id=true`), 404, 'itemNotFound', 'BackupSharing.BackupNotFound');
      await refused(() => owner().delete(`${SHARING}/${randomUUID()}?is_backup_id=true`), 404, 'itemNotFound', 'BackupSharing.BackupNotFound');
      await refused(() => owner().delete(`${SHARING}/not-a-uuid?is_backup_id=true`), 404, 'itemNotFound', 'BackupSharing.BackupNotFound');
      // A sharing ID is not a backup ID.
      await refused(() => owner().delete(`${SHARING}/${received.id}?is_backup_id=true`), 404, 'itemNotFound', 'BackupSharing.BackupNotFound');
      expect(await isCanceled(received.id)).toBe(false);
    });

    it.each(['yes', 'no', '', '2', 'truee', 'null', 'true&is_backup_id=false'])('is_backup_id=%p: 400', async (value) => {
      const backupId = await createBackup(host);
      const [sharing] = await shareOk(host, backupId, [randomProjectId()]);
      for (const id of [backupId, sharing.id]) {
        const fault = await refused(() => owner().delete(`${SHARING}/${id}?is_backup_id=${value}`), 400, 'badRequest', 'BackupSharing.InvalidRequest');
        expect(fault.message).toMatch(/is_backup_id/);
      }
      expect(await activeRowsOf(host, backupId)).toBe(1);
    });
  });

  describe('collection form: DELETE /os-vendor-backup-sharing?backup_id=', () => {
    it('cancels every sharing of the backup, like is_backup_id=true', async () => {
      const backupId = await createBackup(host);
      const other = await createBackup(host);
      await shareOk(host, backupId, [RECIPIENT, randomProjectId()]);
      const [untouched] = await shareOk(host, other, [RECIPIENT]);

      expectEmptyOk(await owner().delete(`${SHARING}?backup_id=${backupId}`));
      expect(await activeRowsOf(host, backupId)).toBe(0);
      expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(2);
      expect(await isCanceled(untouched.id)).toBe(false);
      expectEmptyOk(await owner().delete(`${SHARING}?backup_id=${backupId}`));
    });

    it('404 for a backup that is not the caller\'s', async () => {
      const [received] = await shareOk(host, DEMO_BACKUPS.weekly, [RECIPIENT]);
      await refused(() => as(host, 'recipient').delete(`${SHARING}?backup_id=${DEMO_BACKUPS.weekly}`), 404, 'itemNotFound', 'BackupSharing.BackupNotFound');
      await refused(() => as(host, 'other').delete(`${SHARING}?backup_id=${DEMO_BACKUPS.weekly}`), 404, 'itemNotFound', 'BackupSharing.BackupNotFound');
      await refused(() => owner().delete(`${SHARING}?backup_id=${randomUUID()}`), 404, 'itemNotFound', 'BackupSharing.BackupNotFound');
      expect(await isCanceled(received.id)).toBe(false);
    });

    it.each(['nope', 'x'.repeat(5000), `${DEMO_BACKUPS.weekly}x`])('400 for a backup_id that is not a UUID (%#): a query value, not a path', async (value) => {
      const [received] = await shareOk(host, DEMO_BACKUPS.weekly, [randomProjectId()]);
      const fault = await refused(() => owner().delete(`${SHARING}?backup_id=${value}`), 400, 'badRequest', 'BackupSharing.InvalidRequest');
      expect(fault.message).toBe('backup_id must be a UUID.');
      expect(await isCanceled(received.id)).toBe(false);
    });

    it.each(['', '?backup_id=', '?backupid=x', '?is_backup_id=true'])('without backup_id (%p): 400 naming both correct forms', async (query) => {
      const fault = await refused(() => owner().delete(`${SHARING}${query}`), 400, 'badRequest', 'BackupSharing.InvalidRequest');
      expect(fault.message).toContain('os-vendor-backup-sharing/{sharing_id}');
      expect(fault.message).toContain('os-vendor-backup-sharing/{backup_id}?is_backup_id=true');
    });

    it('backup_id given twice: 400', async () => {
      const backupId = await createBackup(host);
      await shareOk(host, backupId, [randomProjectId()]);
      await refused(() => owner().delete(`${SHARING}?backup_id=${backupId}&backup_id=${backupId}`), 400, 'badRequest', 'BackupSharing.InvalidRequest');
      expect(await activeRowsOf(host, backupId)).toBe(1);
    });
  });
});
