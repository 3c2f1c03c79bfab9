import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BackupSharingService } from './backup-sharing.service';
import { BackupCatalogFailedError, DatabaseUnavailableError, FeatureDisabledError } from './dependency.errors';
import { toFault } from './http/fault.filter';
import { BackupSharingRepository } from './persistence/backup-sharing.repository';
import { InMemoryBackupCatalog } from './testing/in-memory-backup-catalog';
import { openInMemoryBackupSharingDatabase } from './testing/in-memory-database';

const OWNER = 'owner0000000000000000000000000001';
const BOB = 'bob00000000000000000000000000003';

/** A catalog that fails the way a remote service or a broken store would. */
class FailingCatalog extends InMemoryBackupCatalog {
  failure: unknown;
  override async findOwned(projectId: string, backupId: string) {
    if (this.failure) throw this.failure;
    return super.findOwned(projectId, backupId);
  }
  override async describe(backupIds: readonly string[]) {
    if (this.failure) throw this.failure;
    return super.describe(backupIds);
  }
}

describe('BackupSharingService: failures of its dependencies, features turned off (real SQLite)', () => {
  let dataSource: DataSource;
  let catalog: FailingCatalog;
  let backupId: string;
  const service = (options: { cancelAllEnabled?: boolean } = {}) =>
    new BackupSharingService(new BackupSharingRepository(dataSource), catalog, options as never);
  const activeRows = () => dataSource.query('SELECT COUNT(*) AS n FROM backup_sharings WHERE active = 1').then((rows) => Number(rows[0].n));

  beforeEach(async () => {
    dataSource = await openInMemoryBackupSharingDatabase();
    catalog = new FailingCatalog();
    backupId = catalog.add(OWNER, randomUUID()).id;
  });
  afterEach(() => dataSource.destroy());

  describe('cancelAllEnabled: false (module option)', () => {
    it('refuses cancel-all with FeatureDisabledError (501) and cancels nothing', async () => {
      await service().share(OWNER, backupId, [BOB]);
      await expect(service({ cancelAllEnabled: false }).cancelAllOfBackup(OWNER, backupId)).rejects.toBeInstanceOf(FeatureDisabledError);
      expect(await activeRows()).toBe(1);
      expect(toFault(new FeatureDisabledError('off')).status).toBe(501);
    });

    it('still cancels one sharing, and still ends the sharings of a deleted backup', async () => {
      const [sharing] = await service().share(OWNER, backupId, [BOB]);
      await service({ cancelAllEnabled: false }).cancel(OWNER, sharing.id);
      await service().share(OWNER, backupId, [BOB]);
      await service({ cancelAllEnabled: false }).backupDeleted(OWNER, backupId);
      expect(await activeRows()).toBe(0);
    });

    it('is on by default', async () => {
      await service().share(OWNER, backupId, [BOB]);
      await expect(service().cancelAllOfBackup(OWNER, backupId)).resolves.toBe(1);
    });
  });

  describe('the catalog failing', () => {
    it('share: BackupCatalogFailedError (502) with the cause, nothing written', async () => {
      const cause = new Error('catalog.example: connect ECONNREFUSED');
      catalog.failure = cause;
      const error = await service().share(OWNER, backupId, [BOB]).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(BackupCatalogFailedError);
      expect((error as Error).cause).toBe(cause);
      expect(toFault(error).status).toBe(502);
      expect(JSON.stringify(toFault(error).body)).not.toContain('ECONNREFUSED');
      expect(await activeRows()).toBe(0);
    });

    it('list: 502 once rows need the backup details', async () => {
      await service().share(OWNER, backupId, [BOB]);
      catalog.failure = new TypeError('cannot read properties of undefined');
      await expect(service().list(OWNER, {}, { sortKey: 'created_at', sortDir: 'desc', limit: 10, offset: 0 })).rejects.toBeInstanceOf(
        BackupCatalogFailedError,
      );
    });

    it("keeps the module's own errors a catalog throws (an outage of a shared database is a 503)", async () => {
      catalog.failure = new DatabaseUnavailableError(new Error('ECONNREFUSED'));
      await expect(service().share(OWNER, backupId, [BOB])).rejects.toBeInstanceOf(DatabaseUnavailableError);
    });
  });
});
