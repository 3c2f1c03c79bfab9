import { DataSource, EntityManager, QueryFailedError, SelectQueryBuilder } from 'typeorm';
import { AlreadySharedError, ConcurrentChangeError, InvalidRequestError } from '../backup-sharing.errors';
import { randomUUID } from 'node:crypto';
import { BackupSharingEntity } from './backup-sharing.entity';
import { inTransaction, supportsRowLocks } from './transaction';
import { BackupSharingEventEntity } from '../events/backup-sharing-event.entity';
import { BACKUP_SHARING_CANCELED, BACKUP_SHARING_CREATED, BackupSharingEventType } from '../events/backup-sharing.event';

export const SORT_KEYS = ['created_at', 'updated_at', 'id', 'name', 'status', 'size'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** API sort key -> entity property; every one is NOT NULL, which keeps keyset paging simple. */
const SORT_PROPERTIES: Record<SortKey, keyof BackupSharingEntity> = {
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  id: 'id',
  name: 'backupName',
  status: 'backupStatus',
  size: 'backupSize',
};

export interface SharingFilters {
  /** `true`: sharings received by the caller's project; otherwise those it made. */
  shareToMe?: boolean;
  backupId?: string;
  fromProjectId?: string;
  toProjectId?: string;
  volumeId?: string;
  status?: string;
  availabilityZone?: string;
  /** Case-insensitive substring of the backup's name. */
  name?: string;
}

export interface SharingPage {
  sortKey: SortKey;
  sortDir: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** ID of the last sharing of the previous page. */
  marker?: string;
}

/** The backup attributes copied on each sharing row for filtering and sorting. */
export interface BackupCopy {
  backupName: string;
  backupStatus: string;
  backupSize: number;
  backupVolumeId: string | null;
  backupAvailabilityZone: string | null;
}

const ALIAS = 's';

/** The named lock that serialises the changes of one backup's sharings (MySQL: 64 characters at most). */
function backupLock(backupId: string): string {
  return `backup-sharing:${backupId}`;
}

/** When a change happens and which request made it, for the rows and their events. */
export interface ChangeContext {
  at: Date;
  requestId: string | null;
}

/** The outbox rows of a change, written by the change's own transaction. */
async function recordEvents(
  manager: EntityManager,
  type: BackupSharingEventType,
  sharings: BackupSharingEntity[],
  change: ChangeContext,
): Promise<void> {
  if (sharings.length === 0) return;
  await manager.insert(
    BackupSharingEventEntity,
    sharings.map((sharing) => ({
      eventId: randomUUID(),
      type,
      sharingId: sharing.id,
      backupId: sharing.backupId,
      fromProjectId: sharing.fromProjectId,
      toProjectId: sharing.toProjectId,
      occurredAt: change.at,
      requestId: change.requestId,
      attempts: 0,
    })),
  );
}

/**
 * Every query of the sharings table. Each method takes the caller's project and puts it in the
 * WHERE clause: no row is read by bare ID and checked afterwards, so "not yours" and "not there"
 * cannot be told apart.
 */
export class BackupSharingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates sharings of one backup in one transaction. `decide` sees the projects the backup is
   * shared with now and returns the rows to insert (or throws). Changes of one backup are
   * serialised (a named lock on MySQL), so concurrent shares cannot both pass the per-backup
   * limit; the unique index stays the last word on duplicates.
   */
  async shareBackup(
    ownerProjectId: string,
    backupId: string,
    decide: (activeTargets: string[]) => BackupSharingEntity[],
    change: ChangeContext,
  ): Promise<BackupSharingEntity[]> {
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        const query = manager
          .createQueryBuilder(BackupSharingEntity, ALIAS)
          .select(`${ALIAS}.toProjectId`)
          .where(`${ALIAS}.backupId = :backupId AND ${ALIAS}.fromProjectId = :ownerProjectId AND ${ALIAS}.active = 1`, {
            backupId,
            ownerProjectId,
          });
        const active = await query.getMany();
        const rows = decide(active.map((row) => row.toProjectId));
        await manager.insert(BackupSharingEntity, rows);
        await recordEvents(manager, BACKUP_SHARING_CREATED, rows, change);
        return rows;
      }, backupLock(backupId));
    } catch (error) {
      throw translateWriteConflict(error, backupId);
    }
  }

  /** An active sharing the project owns or receives. */
  findVisible(projectId: string, id: string): Promise<BackupSharingEntity | null> {
    return this.dataSource
      .createQueryBuilder(BackupSharingEntity, ALIAS)
      .where(`${ALIAS}.id = :id AND ${ALIAS}.active = 1`, { id })
      .andWhere(`(${ALIAS}.fromProjectId = :projectId OR ${ALIAS}.toProjectId = :projectId)`, { projectId })
      .getOne();
  }

  async list(projectId: string, filters: SharingFilters, page: SharingPage): Promise<BackupSharingEntity[]> {
    const property = SORT_PROPERTIES[page.sortKey];
    const direction = page.sortDir === 'asc' ? 'ASC' : 'DESC';
    const query = this.filtered(projectId, filters).orderBy(`${ALIAS}.${property}`, direction);
    if (property !== 'id') query.addOrderBy(`${ALIAS}.id`, direction);

    if (page.marker !== undefined) {
      // The marker must be a sharing of the same scope, as in Cinder; it is read with the scope
      // (not the filters) so that a filter change between pages still finds it.
      const marker = await this.scoped(this.dataSource.manager, projectId, filters.shareToMe)
        .andWhere(`${ALIAS}.id = :markerId`, { markerId: page.marker })
        .getOne();
      if (!marker) throw new InvalidRequestError(`Marker ${page.marker} could not be found.`);
      const op = direction === 'ASC' ? '>' : '<';
      if (property === 'id') {
        query.andWhere(`${ALIAS}.id ${op} :markerId`, { markerId: marker.id });
      } else {
        query.andWhere(
          `(${ALIAS}.${property} ${op} :markerValue OR (${ALIAS}.${property} = :markerValue AND ${ALIAS}.id ${op} :markerId))`,
          { markerValue: marker[property], markerId: marker.id },
        );
      }
    }
    return query.offset(page.offset).limit(page.limit).getMany();
  }

  count(projectId: string, filters: SharingFilters): Promise<number> {
    return this.filtered(projectId, filters).getCount();
  }

  /**
   * Cancels a sharing the project owns; `false` when there is no such active sharing. The
   * conditional UPDATE decides races: of concurrent cancels exactly one changes the row.
   */
  async cancelOwned(ownerProjectId: string, id: string, change: ChangeContext): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(BackupSharingEntity)
        .set({ active: null, deletedAt: change.at, updatedAt: change.at })
        .where('id = :id AND from_project_id = :ownerProjectId AND active = 1', { id, ownerProjectId })
        .execute();
      if ((result.affected ?? 0) === 0) return false;
      const canceled = await manager.findOneByOrFail(BackupSharingEntity, { id, fromProjectId: ownerProjectId });
      await recordEvents(manager, BACKUP_SHARING_CANCELED, [canceled], change);
      return true;
    });
  }

  /** Whether the project receives this active sharing (and so may see but not cancel it). */
  async isRecipientOf(projectId: string, id: string): Promise<boolean> {
    const found = await this.dataSource.getRepository(BackupSharingEntity).exists({
      where: { id, toProjectId: projectId, active: 1 },
    });
    return found;
  }

  /**
   * Cancels every active sharing of one backup in one UPDATE, and records one event per sharing.
   * The rows are read and locked first so that the events name exactly the sharings the UPDATE
   * ends, even while another request cancels one of them.
   */
  async cancelAllOfBackup(ownerProjectId: string, backupId: string, change: ChangeContext): Promise<number> {
    return inTransaction(this.dataSource, async (manager) => {
      const query = manager
        .createQueryBuilder(BackupSharingEntity, ALIAS)
        .where(`${ALIAS}.backupId = :backupId AND ${ALIAS}.fromProjectId = :ownerProjectId AND ${ALIAS}.active = 1`, {
          backupId,
          ownerProjectId,
        });
      if (supportsRowLocks(this.dataSource)) query.setLock('pessimistic_write');
      const active = await query.getMany();
      if (active.length === 0) return 0;
      await manager
        .createQueryBuilder()
        .update(BackupSharingEntity)
        .set({ active: null, deletedAt: change.at, updatedAt: change.at })
        .where('id IN (:...ids) AND active = 1', { ids: active.map((row) => row.id) })
        .execute();
      await recordEvents(manager, BACKUP_SHARING_CANCELED, active, change);
      return active.length;
    }, backupLock(backupId));
  }

  isSharedWith(backupId: string, projectId: string): Promise<boolean> {
    return this.dataSource.getRepository(BackupSharingEntity).exists({
      where: { backupId, toProjectId: projectId, active: 1 },
    });
  }

  /** Refreshes the copied backup attributes on the backup's active sharings. */
  async updateBackupCopy(ownerProjectId: string, backupId: string, copy: BackupCopy): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(BackupSharingEntity)
      .set(copy)
      .where('backup_id = :backupId AND from_project_id = :ownerProjectId AND active = 1', { backupId, ownerProjectId })
      .execute();
  }

  private scoped(manager: EntityManager, projectId: string, shareToMe?: boolean): SelectQueryBuilder<BackupSharingEntity> {
    const side = shareToMe ? 'toProjectId' : 'fromProjectId';
    return manager
      .createQueryBuilder(BackupSharingEntity, ALIAS)
      .where(`${ALIAS}.${side} = :projectId AND ${ALIAS}.active = 1`, { projectId });
  }

  private filtered(projectId: string, filters: SharingFilters): SelectQueryBuilder<BackupSharingEntity> {
    const query = this.scoped(this.dataSource.manager, projectId, filters.shareToMe);
    const exact: [keyof SharingFilters, keyof BackupSharingEntity][] = [
      ['backupId', 'backupId'],
      ['fromProjectId', 'fromProjectId'],
      ['toProjectId', 'toProjectId'],
      ['volumeId', 'backupVolumeId'],
      ['status', 'backupStatus'],
      ['availabilityZone', 'backupAvailabilityZone'],
    ];
    for (const [filter, property] of exact) {
      const value = filters[filter];
      if (value !== undefined) query.andWhere(`${ALIAS}.${property} = :${filter}`, { [filter]: value });
    }
    if (filters.name !== undefined) {
      // '!' as the LIKE escape works the same on MySQL and SQLite (a backslash does not).
      // Only ASCII letters are lowered: SQLite's LOWER() folds nothing else, so a fully lowered
      // pattern would miss 'Ä' even when spelled exactly; MySQL's collation ignores case anyway.
      const lowered = filters.name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
      const pattern = `%${lowered.replace(/[!%_]/g, '!$&')}%`;
      query.andWhere(`LOWER(${ALIAS}.backupName) LIKE :namePattern ESCAPE '!'`, { namePattern: pattern });
    }
    return query;
  }
}

/**
 * A concurrent share of the same backup surfaces as a unique-index violation (the other request
 * committed first) or, on MySQL, as a deadlock or lock timeout between the two transactions.
 * Both are 409s for the client, never a 500.
 */
function translateWriteConflict(error: unknown, backupId: string): unknown {
  if (!(error instanceof QueryFailedError)) return error;
  const code = (error.driverError as { code?: string } | undefined)?.code ?? '';
  if (code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT')) return new AlreadySharedError(backupId);
  if (['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY'].includes(code)) return new ConcurrentChangeError();
  return error;
}
