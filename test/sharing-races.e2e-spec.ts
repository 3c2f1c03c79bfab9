import { Response } from 'supertest';
import { DEMO_PROJECTS, TestHost, startTestHost } from './support/test-host';
import { testDatabaseKind } from './support/test-database';
import { queryRows } from './support/database-query';
import { SHARING, as, createBackup, randomProjectId, shareRequest } from './support/sharing-api';
import { Query, caseVariant, shareRacingDelete, shareRacingReset } from './support/sharing-races';

const ROUNDS = 40;

// The rules of sharing hold whatever the timing and however a client spells a backup's ID: the
// limit, the backup's deletion and status are decided where the backup's changes are serialised.
describe(`sharing rules under races (${testDatabaseKind})`, () => {
  let host: TestHost;
  let query: Query;
  beforeAll(async () => {
    host = await startTestHost();
    query = (sql, params = []) => queryRows(host.dataSource, sql, params);
  });
  afterAll(() => host.close());

  const owner = () => as(host, 'owner');

  it('concurrent shares that spell one backup ID in 20 letter cases never pass the limit of 10', async () => {
    const backupId = await createBackup(host);
    const responses: Response[] = await Promise.all(
      Array.from({ length: 20 }, (_, variant) => owner().post(SHARING, shareRequest(caseVariant(backupId, variant + 1), [randomProjectId()]))),
    );
    const created = responses.filter((response) => response.status === 200);
    expect(created).toHaveLength(10);
    expect(responses.every((response) => [200, 400, 409].includes(response.status))).toBe(true);
    const [{ n }] = await query('SELECT COUNT(*) AS n FROM backup_sharings WHERE active = 1 AND LOWER(backup_id) = ?', [backupId]);
    expect(Number(n)).toBe(10);
    const [{ spelled }] = await query('SELECT COUNT(*) AS spelled FROM backup_sharings WHERE backup_id = ?', [backupId]);
    expect(Number(spelled)).toBe(10);

    // Answers in lower case, each with its nested backup, for the ID in any case.
    for (const response of created) {
      expect(response.body.shared[0].backup_id).toBe(backupId);
      const sharingId: string = response.body.shared[0].id;
      expect(sharingId).toBe(sharingId.toLowerCase());
      const shown = await owner().get(`${SHARING}/${sharingId.toUpperCase()}`);
      expect(shown.status).toBe(200);
      expect(shown.body.shared.id).toBe(sharingId);
      expect(shown.body.shared.backup?.id).toBe(backupId);
    }
    const listed = await owner().get(`${SHARING}/detail?backup_id=${backupId.toUpperCase()}`);
    expect(listed.body.shared).toHaveLength(10);
    expect(listed.body.shared.every((sharing: { backup: { id: string } | null }) => sharing.backup?.id === backupId)).toBe(true);
    expect((await owner().get(`${SHARING}/count?backup_id=${caseVariant(backupId, 5)}`)).body.count).toBe(10);
  });

  it('the recipient reads a backup shared by an upper-case ID, and loses it when canceled by another spelling', async () => {
    const backupId = await createBackup(host);
    const shared = await owner().post(SHARING, shareRequest(backupId.toUpperCase(), [DEMO_PROJECTS.recipient]));
    expect(shared.status).toBe(200);
    expect((await as(host, 'recipient').get(`backups/${backupId.toUpperCase()}`)).status).toBe(200);
    expect((await owner().delete(`${SHARING}/${caseVariant(backupId, 3)}?is_backup_id=true`)).status).toBe(200);
    expect((await as(host, 'recipient').get(`backups/${backupId}`)).status).toBe(404);
    const [{ n }] = await query('SELECT COUNT(*) AS n FROM backup_sharings WHERE backup_id = ? AND active = 1', [backupId]);
    expect(Number(n)).toBe(0);
  });

  it(`a share racing the deletion of its backup, ${ROUNDS} rounds: never an active sharing of a deleted backup`, async () => {
    const tally = await shareRacingDelete({ share: host, change: host, query }, ROUNDS);
    expect(tally.changes).toEqual({ 202: ROUNDS });
  });

  it(`a share racing a status reset, ${ROUNDS} rounds: refused after the reset, copies always the live status`, async () => {
    const tally = await shareRacingReset({ share: host, change: host, query }, ROUNDS);
    expect(tally.changes).toEqual({ 202: ROUNDS });
  });

  it('a share after the deletion, by a client that read the backup before: 404, nothing written', async () => {
    const backupId = await createBackup(host);
    expect((await owner().delete(`backups/${backupId}`)).status).toBe(202);
    const response = await owner().post(SHARING, shareRequest(backupId, [randomProjectId()]));
    expect(response.status).toBe(404);
    const [{ n }] = await query('SELECT COUNT(*) AS n FROM backup_sharings WHERE backup_id = ?', [backupId]);
    expect(Number(n)).toBe(0);
  });
});
