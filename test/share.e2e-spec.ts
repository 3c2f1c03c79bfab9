import { randomUUID } from 'node:crypto';
import { Response } from 'supertest';
import { DEMO_BACKUPS, DEMO_PROJECTS, TestHost, startTestHost } from './support/test-host';
import {
  SHARING,
  activeRowsOf,
  as,
  createBackup,
  expectCreatedSharing,
  expectRefused,
  randomProjectId,
  shareOk,
  shareRequest,
  sharingRows,
} from './support/sharing-api';

const OWNER = DEMO_PROJECTS.owner;

describe('POST /os-vendor-backup-sharing (share a backup)', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  const share = (body: unknown) => as(host, 'owner').post(SHARING, body);

  /** A share that must fail with `status`, write nothing and say why in the fault shape. */
  const refused = (body: unknown, status: number, faultName: string, errorCode: string) =>
    expectRefused(host, () => share(body), status, faultName, errorCode);

  describe('success', () => {
    it('answers 200 with one sharing per target, in the order of the request, with every field', async () => {
      const backupId = await createBackup(host, { name: 'ordered' });
      const targets = ['zz-last-alphabetically', randomProjectId(), 'AA_first', '0123'];
      const response = await share(shareRequest(backupId, targets));

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(response.body)).toEqual(['shared']);
      expect(Array.isArray(response.body.shared)).toBe(true);
      expect(response.body.shared.map((s: { to_project_id: string }) => s.to_project_id)).toEqual(targets);
      for (const [index, sharing] of response.body.shared.entries()) {
        expectCreatedSharing(sharing, { backupId, from: OWNER, to: targets[index] });
        expect(sharing.updated_at).toBe(sharing.created_at);
      }
      // `deleted` is JSON null, never a boolean (the Go SDK decodes it into a string).
      expect(response.text).toContain('"deleted":null');
      expect(response.text).not.toMatch(/"deleted":(true|false)/);
      expect(new Set(response.body.shared.map((s: { id: string }) => s.id)).size).toBe(targets.length);

      expect(await activeRowsOf(host, backupId)).toBe(targets.length);
      // What was answered is what was stored: the recipient-visible record matches.
      for (const sharing of response.body.shared) {
        const got = await as(host, 'owner').get(`${SHARING}/${sharing.id}`);
        expect(got.status).toBe(200);
        expect(got.body.shared).toMatchObject({
          id: sharing.id,
          backup_id: backupId,
          from_project_id: OWNER,
          to_project_id: sharing.to_project_id,
          created_at: sharing.created_at,
          updated_at: sharing.updated_at,
        });
      }
    });

    it('accepts project IDs of 1 and 64 characters of letters, digits, "-" and "_"', async () => {
      const backupId = await createBackup(host);
      const targets = ['x', `A-_${'9'.repeat(61)}`];
      const created = await shareOk(host, backupId, targets);
      expect(created.map((s) => s.to_project_id)).toEqual(targets);
      expect(await activeRowsOf(host, backupId)).toBe(2);
    });

    it('shares a seeded available backup with the recipient project, which then sees it', async () => {
      const [created] = await shareOk(host, DEMO_BACKUPS.weekly, [DEMO_PROJECTS.recipient]);
      expectCreatedSharing(created, { backupId: DEMO_BACKUPS.weekly, from: OWNER, to: DEMO_PROJECTS.recipient });
      const got = await as(host, 'recipient').get(`${SHARING}/${created.id}`);
      expect(got.status).toBe(200);
      expect(got.body.shared.backup.name).toBe('web-weekly');
    });

    it('shares again with a project whose earlier sharing was canceled, keeping the canceled row', async () => {
      const backupId = await createBackup(host);
      const target = randomProjectId();
      const [first] = await shareOk(host, backupId, [target]);
      expect((await as(host, 'owner').delete(`${SHARING}/${first.id}`)).status).toBe(200);

      const [second] = await shareOk(host, backupId, [target]);
      expect(second.id).not.toBe(first.id);
      expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(2);
      expect(await activeRowsOf(host, backupId)).toBe(1);
      expect(await sharingRows(host, 'id = ? AND deleted_at IS NOT NULL AND active IS NULL', [first.id])).toBe(1);
    });
  });

  describe('rules of the operation, each a 4xx with nothing written', () => {
    it('404 for a backup that does not exist', async () => {
      const missing = randomUUID();
      const fault = await refused(shareRequest(missing, [randomProjectId()]), 404, 'itemNotFound', 'BackupSharing.BackupNotFound');
      expect(fault.message).toContain(missing);
    });

    it('404 for a backup of another project, the same answer as for a missing one', async () => {
      const fault = await refused(
        shareRequest(DEMO_BACKUPS.recipientOwn, [randomProjectId()]),
        404,
        'itemNotFound',
        'BackupSharing.BackupNotFound',
      );
      expect(fault.message).toBe(`Backup ${DEMO_BACKUPS.recipientOwn} could not be found.`);
      expect(await sharingRows(host, 'backup_id = ?', [DEMO_BACKUPS.recipientOwn])).toBe(0);
    });

    it('400 for a backup that is not available', async () => {
      const fault = await refused(
        shareRequest(DEMO_BACKUPS.failed, [randomProjectId()]),
        400,
        'badRequest',
        'BackupSharing.BackupNotAvailable',
      );
      expect(fault.message).toContain('error');
    });

    it('400 for an encrypted backup (seeded, and one created with an encryption key)', async () => {
      await refused(shareRequest(DEMO_BACKUPS.encrypted, [randomProjectId()]), 400, 'badRequest', 'BackupSharing.BackupEncrypted');
      const encrypted = await createBackup(host, { encryption_key_id: randomUUID() });
      const fault = await refused(shareRequest(encrypted, [randomProjectId()]), 400, 'badRequest', 'BackupSharing.BackupEncrypted');
      expect(fault.message).toMatch(/encrypted/);
    });

    it("400 when a target is the caller's own project, alone or among others", async () => {
      const backupId = await createBackup(host);
      await refused(shareRequest(backupId, [OWNER]), 400, 'badRequest', 'BackupSharing.InvalidTarget');
      const fault = await refused(shareRequest(backupId, [randomProjectId(), OWNER]), 400, 'badRequest', 'BackupSharing.InvalidTarget');
      expect(fault.message).toContain(OWNER);
      expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(0);
    });

    it('400 when a target appears twice in the request', async () => {
      const backupId = await createBackup(host);
      const twice = randomProjectId();
      const fault = await refused(shareRequest(backupId, [twice, randomProjectId(), twice]), 400, 'badRequest', 'BackupSharing.InvalidTarget');
      expect(fault.message).toContain(twice);
      expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(0);
    });

    it('409 when the backup is already shared with a target; the other targets get nothing (all or nothing)', async () => {
      const backupId = await createBackup(host);
      const existing = randomProjectId();
      await shareOk(host, backupId, [existing]);

      await refused(shareRequest(backupId, [existing]), 409, 'conflictingRequest', 'BackupSharing.AlreadyShared');
      const fresh = randomProjectId();
      const fault = await refused(shareRequest(backupId, [fresh, existing]), 409, 'conflictingRequest', 'BackupSharing.AlreadyShared');
      expect(fault.message).toContain(existing);
      expect(await sharingRows(host, 'backup_id = ? AND to_project_id = ?', [backupId, fresh])).toBe(0);
      expect(await activeRowsOf(host, backupId)).toBe(1);
    });

    it('400 past the limit of 10 projects per backup; canceled sharings do not count', async () => {
      const backupId = await createBackup(host);
      const first = await shareOk(host, backupId, Array.from({ length: 7 }, randomProjectId));
      await refused(
        shareRequest(backupId, Array.from({ length: 4 }, randomProjectId)),
        400,
        'badRequest',
        'BackupSharing.ShareLimitExceeded',
      );
      expect(await activeRowsOf(host, backupId)).toBe(7);

      await shareOk(host, backupId, Array.from({ length: 3 }, randomProjectId));
      expect(await activeRowsOf(host, backupId)).toBe(10);
      const fault = await refused(shareRequest(backupId, [randomProjectId()]), 400, 'badRequest', 'BackupSharing.ShareLimitExceeded');
      expect(fault.message).toContain('10');

      expect((await as(host, 'owner').delete(`${SHARING}/${first[0].id}`)).status).toBe(200);
      await shareOk(host, backupId, [randomProjectId()]);
      expect(await activeRowsOf(host, backupId)).toBe(10);
    });

    it('10 targets in one request is the most a request may name', async () => {
      const backupId = await createBackup(host);
      const created = await shareOk(host, backupId, Array.from({ length: 10 }, randomProjectId));
      expect(created).toHaveLength(10);
      expect(await activeRowsOf(host, backupId)).toBe(10);
    });
  });

  describe('validation: 400 in the fault shape, nothing written', () => {
    let backupId: string;
    beforeAll(async () => {
      backupId = await createBackup(host);
    });

    const project = () => randomProjectId();
    const bodies: [string, () => unknown, RegExp][] = [
      ['an empty object', () => ({}), /shared/],
      ['shared: null', () => ({ shared: null }), /shared/],
      ['shared as a string', () => ({ shared: 'x' }), /shared/],
      ['shared as an array', () => ({ shared: [{ backup_id: backupId, to_project_ids: [project()] }] }), /shared/],
      ['no backup_id', () => ({ shared: { to_project_ids: [project()] } }), /backup_id/],
      ['no to_project_ids', () => ({ shared: { backup_id: backupId } }), /to_project_ids/],
      ['backup_id that is not a UUID', () => shareRequest('not-a-uuid', [project()]), /backup_id/],
      ['backup_id as a number', () => shareRequest(12345 as unknown as string, [project()]), /backup_id/],
      ['no targets', () => shareRequest(backupId, []), /to_project_ids/],
      ['11 targets', () => shareRequest(backupId, Array.from({ length: 11 }, project)), /to_project_ids/],
      ['to_project_ids as a string', () => shareRequest(backupId, project()), /to_project_ids/],
      ['a target that is a number', () => shareRequest(backupId, [123]), /to_project_ids/],
      ['a target that is null', () => shareRequest(backupId, [project(), null]), /to_project_ids/],
      ['an empty target', () => shareRequest(backupId, ['']), /to_project_ids/],
      ['a target with a space', () => shareRequest(backupId, ['a b']), /to_project_ids/],
      ['a target with a slash', () => shareRequest(backupId, ['a/b']), /to_project_ids/],
      ['a target of 65 characters', () => shareRequest(backupId, ['a'.repeat(65)]), /to_project_ids/],
      ['a target with SQL in it', () => shareRequest(backupId, ["x' OR '1'='1"]), /to_project_ids/],
    ];

    const invalid = (send: () => PromiseLike<Response>) => expectRefused(host, send, 400, 'badRequest', 'BackupSharing.InvalidRequest');

    it.each(bodies)('%s', async (_, body, mentions) => {
      expect((await invalid(() => share(body()))).message).toMatch(mentions);
    });

    it('no body at all', async () => {
      expect((await invalid(() => as(host, 'owner').post(SHARING))).message).toMatch(/shared/);
    });

    const raw: [string, string][] = [
      ['malformed JSON', '{"shared": {"backup_id": '],
      ['a JSON array', '[]'],
      ['an array of share requests', JSON.stringify([shareRequest(DEMO_BACKUPS.nightly, ['p1'])])],
      ['a JSON string', '"shared"'],
      ['a JSON number', '42'],
      ['JSON null', 'null'],
      ['trailing garbage', '{"shared": {}} x'],
    ];

    it.each(raw)('%s', async (_, text) => {
      await invalid(() => as(host, 'owner').post(SHARING).set('Content-Type', 'application/json').send(text));
    });
  });
});

describe('share with MAX_SHARES_PER_BACKUP=3 on the host', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ MAX_SHARES_PER_BACKUP: '3' });
  });
  afterAll(() => host.close());

  const overLimit = (backupId: string, targets: string[]) =>
    expectRefused(
      host,
      () => as(host, 'owner').post(SHARING, shareRequest(backupId, targets)),
      400,
      'badRequest',
      'BackupSharing.ShareLimitExceeded',
    );

  it('applies the configured limit instead of 10', async () => {
    const backupId = await createBackup(host);
    await shareOk(host, backupId, [randomProjectId(), randomProjectId()]);

    const fault = await overLimit(backupId, [randomProjectId(), randomProjectId()]);
    expect(fault.message).toContain('3');

    await shareOk(host, backupId, [randomProjectId()]);
    expect(await activeRowsOf(host, backupId)).toBe(3);
    await overLimit(backupId, [randomProjectId()]);
    expect(await activeRowsOf(host, backupId)).toBe(3);
  });

  it('refuses 4 targets in one request on a backup with none', async () => {
    const backupId = await createBackup(host);
    await overLimit(backupId, Array.from({ length: 4 }, randomProjectId));
    expect(await sharingRows(host, 'backup_id = ?', [backupId])).toBe(0);
  });
});
