import { randomUUID } from 'node:crypto';
import { DEMO_PROJECTS, TestHost, expectFault, startTestHost } from './support/test-host';
import {
  SHARING,
  Who,
  activeRowsOf,
  as,
  createBackup,
  expectBackupView,
  expectNothingWritten,
  randomProjectId,
  shareOk,
  shareRequest,
  sharingRows,
} from './support/sharing-api';

const OWNER = DEMO_PROJECTS.owner;
const RECIPIENT = DEMO_PROJECTS.recipient;

describe('the host and the module together', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  const readBackup = (who: Who, backupId: string) => as(host, who).get(`backups/${backupId}`);
  const resetStatus = (backupId: string, status: string, who: Who = 'admin') =>
    as(host, who, 'owner').post(`backups/${backupId}/action`, { 'os-reset_status': { status } });

  async function expectBackupHidden(who: Who, backupId: string): Promise<void> {
    const response = await readBackup(who, backupId);
    expect(response.status).toBe(404);
    expect(expectFault(response.body, 404, 'itemNotFound').error_code).toBe('BackupSharing.BackupNotFound');
    expect(response.text).not.toContain(OWNER);
  }

  describe('the recipient reads a shared backup in the host', () => {
    const cancels: [string, (backupId: string, sharingId: string) => string][] = [
      ['by sharing ID', (_, sharingId) => `${SHARING}/${sharingId}`],
      ['with is_backup_id=true', (backupId) => `${SHARING}/${backupId}?is_backup_id=true`],
      ['in the collection form', (backupId) => `${SHARING}?backup_id=${backupId}`],
    ];

    it.each(cancels)('200 while shared, 404 right after a cancel %s', async (_, cancelPath) => {
      const backupId = await createBackup(host, { name: 'shared-read', size: 7 });
      await expectBackupHidden('recipient', backupId);

      const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
      const shown = await readBackup('recipient', backupId);
      expect(shown.status).toBe(200);
      expect(shown.body.backup).toMatchObject({ id: backupId, name: 'shared-read', size: 7, 'os-backup-project-attr:project_id': OWNER });
      const { ['os-backup-project-attr:project_id']: _owner, ...view } = shown.body.backup;
      expectBackupView(view, backupId);
      await expectBackupHidden('other', backupId);

      expect((await as(host, 'owner').delete(cancelPath(backupId, sharing.id))).status).toBe(200);
      await expectBackupHidden('recipient', backupId);
      expect((await readBackup('owner', backupId)).status).toBe(200);
    });

    it('a second recipient keeps access when the first one loses it', async () => {
      const backupId = await createBackup(host);
      const [toRecipient] = await shareOk(host, backupId, [RECIPIENT, DEMO_PROJECTS.other]);
      expect((await as(host, 'owner').delete(`${SHARING}/${toRecipient.id}`)).status).toBe(200);
      await expectBackupHidden('recipient', backupId);
      expect((await readBackup('other', backupId)).status).toBe(200);
    });

    it('the recipient may neither delete nor reset the backup', async () => {
      const backupId = await createBackup(host);
      await shareOk(host, backupId, [RECIPIENT]);
      const deleted = await expectNothingWritten(host, () => as(host, 'recipient').delete(`backups/${backupId}`));
      expect(deleted.status).toBe(404);
      const reset = await expectNothingWritten(host, () =>
        as(host, 'recipient').post(`backups/${backupId}/action`, { 'os-reset_status': { status: 'error' } }),
      );
      expect(reset.status).toBe(403);
      expect((await readBackup('recipient', backupId)).body.backup.status).toBe('available');
    });
  });

  describe('deleting a backup', () => {
    it('answers 202 and cancels every sharing of it, keeping the rows', async () => {
      const backupId = await createBackup(host);
      const keptBackup = await createBackup(host);
      const sharings = await shareOk(host, backupId, [RECIPIENT, randomProjectId(), randomProjectId()]);
      const [kept] = await shareOk(host, keptBackup, [RECIPIENT]);

      const deleted = await as(host, 'owner').delete(`backups/${backupId}`);
      expect(deleted.status).toBe(202);

      expect(await activeRowsOf(host, backupId)).toBe(0);
      expect(await sharingRows(host, 'backup_id = ? AND deleted_at IS NOT NULL', [backupId])).toBe(3);
      expect(await activeRowsOf(host, keptBackup)).toBe(1);
      await expectBackupHidden('recipient', backupId);
      await expectBackupHidden('owner', backupId);
      for (const who of ['owner', 'recipient'] as const) {
        expect((await as(host, who).get(`${SHARING}/${sharings[0].id}`)).status).toBe(404);
      }
      expect((await as(host, 'owner').get(`${SHARING}/count?backup_id=${backupId}`)).body).toEqual({ count: 0 });
      const received = await as(host, 'recipient').get(`${SHARING}/detail?share_to_me=true`);
      const receivedIds = received.body.shared.map((s: { id: string }) => s.id);
      expect(receivedIds).toContain(kept.id);
      expect(received.body.shared.some((s: { backup_id: string }) => s.backup_id === backupId)).toBe(false);
      expect((await as(host, 'owner').delete(`${SHARING}/${sharings[1].id}`)).status).toBe(404);

      // The backup is gone: sharing it or canceling its sharings is a 404 now.
      const again = await expectNothingWritten(host, () => as(host, 'owner').post(SHARING, shareRequest(backupId, [RECIPIENT])));
      expect(again.status).toBe(404);
      expect((await as(host, 'owner').delete(`${SHARING}/${backupId}?is_backup_id=true`)).status).toBe(404);
      expect((await as(host, 'owner').delete(`backups/${backupId}`)).status).toBe(404);
    });
  });

  describe('os-reset_status', () => {
    it('admin: 202; the backup can no longer be shared, and the list sees its new status', async () => {
      const backupId = await createBackup(host, { name: 'to-reset' });
      const [sharing] = await shareOk(host, backupId, [RECIPIENT]);
      const byStatus = async (status: string) =>
        (await as(host, 'owner').get(`${SHARING}/detail?backup_id=${backupId}&status=${status}`)).body.shared.map(
          (s: { id: string }) => s.id,
        );
      expect(await byStatus('available')).toEqual([sharing.id]);

      const reset = await resetStatus(backupId, 'error');
      expect(reset.status).toBe(202);
      expect(reset.text).toBe('');

      const refused = await expectNothingWritten(host, () => as(host, 'owner').post(SHARING, shareRequest(backupId, [randomProjectId()])));
      expect(refused.status).toBe(400);
      const fault = expectFault(refused.body, 400, 'badRequest');
      expect(fault.error_code).toBe('BackupSharing.BackupNotAvailable');
      expect(fault.message).toContain('error');

      expect(await byStatus('error')).toEqual([sharing.id]);
      expect(await byStatus('available')).toEqual([]);
      expect((await as(host, 'owner').get(`${SHARING}/count?status=error&backup_id=${backupId}`)).body).toEqual({ count: 1 });
      const received = await as(host, 'recipient').get(`${SHARING}/detail?share_to_me=true&status=error`);
      expect(received.body.shared.map((s: { id: string }) => s.id)).toEqual([sharing.id]);
      expect(received.body.shared[0].backup.status).toBe('error');
      expect((await as(host, 'recipient').get(`${SHARING}/${sharing.id}`)).body.shared.backup.status).toBe('error');
      // An existing sharing of a backup in error stays readable by the recipient.
      expect((await readBackup('recipient', backupId)).body.backup.status).toBe('error');

      expect((await resetStatus(backupId, 'available')).status).toBe(202);
      expect(await byStatus('available')).toEqual([sharing.id]);
      await shareOk(host, backupId, [randomProjectId()]);
    });

    it.each(['owner', 'recipient', 'other'] as const)('a member token (%s): 403, nothing changed', async (who) => {
      const backupId = await createBackup(host);
      await shareOk(host, backupId, [RECIPIENT]);
      const response = await expectNothingWritten(host, () =>
        as(host, who).post(`backups/${backupId}/action`, { 'os-reset_status': { status: 'error' } }),
      );
      expect(response.status).toBe(403);
      expectFault(response.body, 403, 'forbidden');
      expect((await readBackup('owner', backupId)).body.backup.status).toBe('available');
      await shareOk(host, backupId, [randomProjectId()]);
    });

    it.each([
      ['an unknown status', { 'os-reset_status': { status: 'sideways' } }],
      ['no status', { 'os-reset_status': {} }],
      ['another action', { 'os-force_delete': {} }],
      ['a non-object action', { 'os-reset_status': 'error' }],
    ])('admin with %s: 400, nothing changed', async (_, body) => {
      const backupId = await createBackup(host);
      const response = await expectNothingWritten(host, () => as(host, 'admin', 'owner').post(`backups/${backupId}/action`, body));
      expect(response.status).toBe(400);
      expectFault(response.body, 400, 'badRequest');
    });

    it("admin on a backup that is not the path project's: 404", async () => {
      for (const backupId of [randomUUID(), 'not-a-uuid']) {
        const response = await expectNothingWritten(host, () => resetStatus(backupId, 'error'));
        expect(response.status).toBe(404);
        expectFault(response.body, 404, 'itemNotFound');
      }
      const recipients = await createBackup(host, {}, 'recipient');
      expect((await resetStatus(recipients, 'error')).status).toBe(404);
      expect((await readBackup('recipient', recipients)).body.backup.status).toBe('available');
    });
  });
});
