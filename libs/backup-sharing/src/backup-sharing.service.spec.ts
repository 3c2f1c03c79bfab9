import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AlreadySharedError,
  BackupNotFoundError,
  BackupNotShareableError,
  InvalidRequestError,
  InvalidShareTargetError,
  NotAuthorizedError,
  ShareLimitExceededError,
  ShareNotFoundError,
} from './backup-sharing.errors';
import { BackupSharingService } from './backup-sharing.service';
import { BackupSharingRepository } from './persistence/backup-sharing.repository';
import { InMemoryBackupCatalog } from './testing/in-memory-backup-catalog';
import { openInMemoryBackupSharingDatabase } from './testing/in-memory-database';

const OWNER = 'owner0000000000000000000000000001';
const ALICE = 'alice000000000000000000000000002';
const BOB = 'bob00000000000000000000000000003';
const EVE = 'eve00000000000000000000000000004';

describe('BackupSharingService (real SQLite, in-memory catalog)', () => {
  let dataSource: DataSource;
  let catalog: InMemoryBackupCatalog;
  let service: BackupSharingService;
  let backupId: string;

  beforeEach(async () => {
    dataSource = await openInMemoryBackupSharingDatabase();
    catalog = new InMemoryBackupCatalog();
    service = new BackupSharingService(new BackupSharingRepository(dataSource), catalog, { maxSharesPerBackup: 3 } as never);
    backupId = catalog.add(OWNER, randomUUID()).id;
  });
  afterEach(() => dataSource.destroy());

  const rowCount = () => dataSource.query('SELECT COUNT(*) AS n FROM backup_sharings').then((r) => Number(r[0].n));

  describe('share', () => {
    it('creates one sharing per target, in request order', async () => {
      const created = await service.share(OWNER, backupId, [BOB, ALICE]);
      expect(created.map((s) => s.toProjectId)).toEqual([BOB, ALICE]);
      expect(created.every((s) => s.fromProjectId === OWNER && s.backupId === backupId && s.deletedAt === null)).toBe(true);
      expect(await rowCount()).toBe(2);
    });

    it.each([
      ['its own project', [ALICE, OWNER], InvalidShareTargetError],
      ['a project twice', [ALICE, ALICE], InvalidShareTargetError],
    ])('refuses %s and writes nothing', async (_, targets, error) => {
      await expect(service.share(OWNER, backupId, targets)).rejects.toBeInstanceOf(error);
      expect(await rowCount()).toBe(0);
    });

    it('answers "not found" alike for an unknown backup and for another project\'s backup', async () => {
      const foreign = catalog.add(EVE, randomUUID()).id;
      await expect(service.share(OWNER, randomUUID(), [ALICE])).rejects.toBeInstanceOf(BackupNotFoundError);
      await expect(service.share(OWNER, foreign, [ALICE])).rejects.toBeInstanceOf(BackupNotFoundError);
      expect(await rowCount()).toBe(0);
    });

    it('refuses a backup that is not available, and an encrypted one', async () => {
      const failed = catalog.add(OWNER, randomUUID(), { status: 'error' }).id;
      const encrypted = catalog.add(OWNER, randomUUID(), { encrypted: true }).id;
      await expect(service.share(OWNER, failed, [ALICE])).rejects.toMatchObject({ code: 'BackupSharing.BackupNotAvailable' });
      await expect(service.share(OWNER, encrypted, [ALICE])).rejects.toMatchObject({ code: 'BackupSharing.BackupEncrypted' });
      await expect(service.share(OWNER, encrypted, [ALICE])).rejects.toBeInstanceOf(BackupNotShareableError);
      expect(await rowCount()).toBe(0);
    });

    it('is all or nothing when one target already has the backup', async () => {
      await service.share(OWNER, backupId, [ALICE]);
      await expect(service.share(OWNER, backupId, [BOB, ALICE])).rejects.toBeInstanceOf(AlreadySharedError);
      expect(await rowCount()).toBe(1);
      expect(await service.isSharedWith(backupId, BOB)).toBe(false);
    });

    it('enforces the per-backup limit across requests, counting only active sharings', async () => {
      await service.share(OWNER, backupId, [ALICE, BOB]);
      await expect(service.share(OWNER, backupId, [EVE, 'p4'])).rejects.toBeInstanceOf(ShareLimitExceededError);
      expect(await rowCount()).toBe(2);
      await service.cancelAllOfBackup(OWNER, backupId);
      await expect(service.share(OWNER, backupId, [ALICE, BOB, EVE])).resolves.toHaveLength(3);
    });

    it('shares again with a project after its sharing was canceled', async () => {
      const [first] = await service.share(OWNER, backupId, [ALICE]);
      await service.cancel(OWNER, first.id);
      const [second] = await service.share(OWNER, backupId, [ALICE]);
      expect(second.id).not.toBe(first.id);
      expect(await rowCount()).toBe(2);
    });
  });

  describe('get and cancel', () => {
    it('shows a sharing to its owner and its recipient only', async () => {
      const [sharing] = await service.share(OWNER, backupId, [ALICE]);
      await expect(service.get(OWNER, sharing.id)).resolves.toMatchObject({ id: sharing.id, backup: { id: backupId } });
      await expect(service.get(ALICE, sharing.id)).resolves.toMatchObject({ id: sharing.id });
      await expect(service.get(EVE, sharing.id)).rejects.toBeInstanceOf(ShareNotFoundError);
    });

    it('lets the owner cancel, refuses the recipient, hides it from others', async () => {
      const [sharing] = await service.share(OWNER, backupId, [ALICE]);
      await expect(service.cancel(ALICE, sharing.id)).rejects.toBeInstanceOf(NotAuthorizedError);
      await expect(service.cancel(EVE, sharing.id)).rejects.toBeInstanceOf(ShareNotFoundError);
      expect(await service.isSharedWith(backupId, ALICE)).toBe(true);
      await service.cancel(OWNER, sharing.id);
      expect(await service.isSharedWith(backupId, ALICE)).toBe(false);
      await expect(service.cancel(OWNER, sharing.id)).rejects.toBeInstanceOf(ShareNotFoundError);
      await expect(service.get(ALICE, sharing.id)).rejects.toBeInstanceOf(ShareNotFoundError);
      // Kept for audit, soft-deleted.
      const [row] = await dataSource.query('SELECT active, deleted_at FROM backup_sharings WHERE id = ?', [sharing.id]);
      expect(row.active).toBeNull();
      expect(row.deleted_at).not.toBeNull();
    });

    it('cancels every sharing of an owned backup, and 404s on a foreign one', async () => {
      await service.share(OWNER, backupId, [ALICE, BOB]);
      const foreign = catalog.add(EVE, randomUUID()).id;
      await expect(service.cancelAllOfBackup(OWNER, foreign)).rejects.toBeInstanceOf(BackupNotFoundError);
      await expect(service.cancelAllOfBackup(OWNER, backupId)).resolves.toBe(2);
      await expect(service.cancelAllOfBackup(OWNER, backupId)).resolves.toBe(0);
      expect(await service.count(OWNER, {})).toBe(0);
    });
  });

  describe('list and count', () => {
    it('reads the page of backups in one catalog call', async () => {
      const second = catalog.add(OWNER, randomUUID()).id;
      await service.share(OWNER, backupId, [ALICE, BOB]);
      await service.share(OWNER, second, [ALICE]);
      catalog.describeCalls = 0;
      const page = await service.list(OWNER, {}, { sortKey: 'created_at', sortDir: 'desc', limit: 10, offset: 0 });
      expect(page).toHaveLength(3);
      expect(catalog.describeCalls).toBe(1);
    });

    it('keeps the backup filters current through backupChanged', async () => {
      await service.share(OWNER, backupId, [ALICE]);
      expect(await service.count(OWNER, { status: 'available' })).toBe(1);
      const backup = catalog.backups.get(backupId)!;
      await service.backupChanged({ ...backup, status: 'error', name: 'Renamed' });
      expect(await service.count(OWNER, { status: 'available' })).toBe(0);
      expect(await service.count(OWNER, { status: 'error', name: 'rEnAm' })).toBe(1);
    });

    it('matches LIKE metacharacters in name literally', async () => {
      const percent = catalog.add(OWNER, randomUUID(), { name: '100%_done!' }).id;
      const plain = catalog.add(OWNER, randomUUID(), { name: '100xxdone' }).id;
      await service.share(OWNER, percent, [ALICE]);
      await service.share(OWNER, plain, [ALICE]);
      expect(await service.count(OWNER, { name: '%_' })).toBe(1);
      expect(await service.count(OWNER, { name: 'done!' })).toBe(1);
      expect(await service.count(OWNER, { name: '100' })).toBe(2);
    });

    it('separates what a project made from what it received', async () => {
      await service.share(OWNER, backupId, [ALICE]);
      expect(await service.count(ALICE, {})).toBe(0);
      expect(await service.count(ALICE, { shareToMe: true })).toBe(1);
      expect(await service.count(EVE, { shareToMe: true })).toBe(0);
    });

    it('rejects a marker outside the caller\'s scope', async () => {
      const [sharing] = await service.share(OWNER, backupId, [ALICE]);
      const page = { sortKey: 'created_at', sortDir: 'desc', limit: 10, offset: 0, marker: sharing.id } as const;
      await expect(service.list(OWNER, {}, page)).resolves.toEqual([]);
      await expect(service.list(EVE, {}, page)).rejects.toBeInstanceOf(InvalidRequestError);
    });
  });
});
