import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AlreadySharedError, InvalidRequestError, ShareLimitExceededError } from '../backup-sharing.errors';
import { BackupSharing } from '../backup-sharing.types';
import { randomUUID } from 'node:crypto';
import { BackupSharingEntity } from './backup-sharing.entity';
import { BackupGuardSql, GuardState, GuardedBackup } from './backup-guard.sql';
import { SqlExecutor, SqlRunner } from './sql-executor';
import { BACKUP_SHARING_CANCELED, BACKUP_SHARING_CREATED, BackupSharingEventType } from '../events/backup-sharing.event';
import { SqlDialect, sqlDialectOf } from './sql-dialect';
import { EVENT_COLUMNS, SHARING_COLUMNS, SharingRecord, insertSharings, placeholders, toSharing, toSharingEntity } from './sharing.sql';
import { boundToSpan } from '../telemetry/operation-trace';
import type { Span } from '@opentelemetry/api';

export const SORT_KEYS = ['created_at', 'updated_at', 'id', 'name', 'status', 'size'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** API sort key -> column; every one is NOT NULL, which keeps keyset paging simple. */
const SORT_COLUMNS: Record<SortKey, keyof SharingRecord> = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  id: 'id',
  name: 'backup_name',
  status: 'backup_status',
  size: 'backup_size',
};

/** Filters of exact match -> column. */
const EXACT_FILTERS: readonly [keyof SharingFilters, keyof SharingRecord][] = [
  ['backupId', 'backup_id'],
  ['fromProjectId', 'from_project_id'],
  ['toProjectId', 'to_project_id'],
  ['volumeId', 'backup_volume_id'],
  ['status', 'backup_status'],
  ['availabilityZone', 'backup_availability_zone'],
];

/** A WHERE clause and its parameters, in order. */
interface Condition {
  where: string;
  params: unknown[];
}

export interface SharingFilters {
  /** `true`: sharings received by the caller's project; otherwise those it made. */
  shareToMe?: boolean;
  backupId?: string;
  fromProjectId?: string;
  toProjectId?: string;
  volumeId?: string;
  status?: string;
  availabilityZone?: string;
  /** Substring of the backup's name, letters compared without case, accents with. */
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

/** When a change happens and which request made it, for the rows and their events. */
export interface ChangeContext {
  at: Date;
  requestId: string | null;
}

/** The outbox rows of a change, written by the change's own transaction in one INSERT. */
async function recordEvents(
  runner: SqlRunner,
  dialect: SqlDialect,
  type: BackupSharingEventType,
  sharings: BackupSharingEntity[],
  change: ChangeContext,
): Promise<void> {
  if (sharings.length === 0) return;
  const at = dialect.toDatabase(change.at);
  const params = sharings.flatMap((sharing) => [
    randomUUID(),
    type,
    sharing.id,
    sharing.backupId,
    sharing.fromProjectId,
    sharing.toProjectId,
    at,
    change.requestId,
    0,
  ]);
  await runner.change(`INSERT INTO backup_sharing_events (${EVENT_COLUMNS}) VALUES ${placeholders(sharings.length, 9)}`, params);
}

const SELECT_SHARINGS = `SELECT ${SHARING_COLUMNS} FROM backup_sharings`;
const CANCEL = 'UPDATE backup_sharings SET active = NULL, deleted_at = ?, updated_at = ?';

/** Ends a transaction that found nothing to change, rolling back what it wrote. */
class NothingToChange extends Error {}

/**
 * Every query of the sharings table. Each method takes the caller's project and puts it in the
 * WHERE clause: no row is read by bare ID and checked afterwards, so "not yours" and "not there"
 * cannot be told apart.
 */
export class BackupSharingRepository {
  private readonly dialect: SqlDialect;
  private readonly sql: SqlExecutor;
  private readonly guards: BackupGuardSql;

  constructor(dataSource: DataSource) {
    this.dialect = sqlDialectOf(dataSource);
    this.sql = new SqlExecutor(dataSource);
    this.guards = new BackupGuardSql(this.dialect);
  }

  /**
   * Creates sharings of one backup in one transaction, after the point that serialises the
   * backup's changes (its guard row, created from `seed` the first time). `decide` sees the
   * backup's state and the projects it is shared with as the database has them at that point,
   * and returns the rows to insert (or throws). The active count on the guard row is the last
   * word on the limit, and the unique index on duplicates.
   */
  async shareBackup(
    backupId: string,
    seed: GuardedBackup,
    decide: (state: GuardState, activeTargets: string[]) => BackupSharingEntity[],
    limit: number,
    change: ChangeContext,
  ): Promise<BackupSharingEntity[]> {
    try {
      return await this.sql.transaction(async (tx) => {
        const { state, activeTargets } = await this.guards.hold(tx, backupId, seed);
        const rows = decide(state, activeTargets);
        if (rows.length === 0) return rows;
        if (!(await this.guards.addActive(tx, backupId, rows.length, limit))) {
          throw new ShareLimitExceededError(`Backup ${backupId} may be shared with at most ${limit} projects at a time.`);
        }
        await tx.change(...insertSharings(rows, this.dialect));
        await recordEvents(tx, this.dialect, BACKUP_SHARING_CREATED, rows, change);
        return rows;
      });
    } catch (error) {
      throw translateDuplicate(error, backupId);
    }
  }

  /** An active sharing the project owns or receives. */
  async findVisible(projectId: string, id: string): Promise<BackupSharing | null> {
    const [record] = await this.sql.select<SharingRecord>(
      `${SELECT_SHARINGS} WHERE id = ? AND active = 1 AND (from_project_id = ? OR to_project_id = ?)`,
      [id, projectId, projectId],
    );
    return record ? toSharing(record, this.dialect) : null;
  }

  async list(projectId: string, filters: SharingFilters, page: SharingPage): Promise<BackupSharing[]> {
    const column = SORT_COLUMNS[page.sortKey];
    const direction = page.sortDir === 'asc' ? 'ASC' : 'DESC';
    const { where, params } = this.filtered(projectId, filters);
    let keyset = '';
    if (page.marker !== undefined) {
      // The marker must be a sharing of the same scope, as in Cinder; it is read with the scope
      // (not the filters) so that a filter change between pages still finds it.
      const [marker] = await this.sql.select<SharingRecord>(
        `${SELECT_SHARINGS} WHERE ${scopeColumn(filters.shareToMe)} = ? AND active = 1 AND id = ?`,
        [projectId, page.marker],
      );
      if (!marker) throw new InvalidRequestError(`Marker ${page.marker} could not be found.`);
      const op = direction === 'ASC' ? '>' : '<';
      // The marker's value as the driver returned it, so that it compares exactly as stored.
      if (column === 'id') {
        keyset = ` AND id ${op} ?`;
        params.push(marker.id);
      } else {
        keyset = ` AND (${column} ${op} ? OR (${column} = ? AND id ${op} ?))`;
        params.push(marker[column], marker[column], marker.id);
      }
    }
    const order = column === 'id' ? `id ${direction}` : `${column} ${direction}, id ${direction}`;
    const records = await this.sql.select<SharingRecord>(
      `${SELECT_SHARINGS} WHERE ${where}${keyset} ORDER BY ${order} LIMIT ? OFFSET ?`,
      [...params, page.limit, page.offset],
    );
    return records.map((record) => toSharing(record, this.dialect));
  }

  async count(projectId: string, filters: SharingFilters): Promise<number> {
    const { where, params } = this.filtered(projectId, filters);
    const [row] = await this.sql.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM backup_sharings WHERE ${where}`, params);
    return Number(row.n);
  }

  /**
   * Cancels a sharing the project owns; `false` when there is no such active sharing. The
   * backup's guard is held first; of concurrent cancels exactly one changes the row, the others
   * find it canceled and roll back.
   */
  async cancelOwned(ownerProjectId: string, id: string, change: ChangeContext): Promise<boolean> {
    return this.whenChanged(
      this.sql.transaction(async (tx) => {
        const [sharing] = await tx.select<{ backup_id: string }>(
          'SELECT backup_id FROM backup_sharings WHERE id = ? AND from_project_id = ? AND active = 1',
          [id, ownerProjectId],
        );
        if (!sharing) throw new NothingToChange();
        await this.guards.removeActive(tx, sharing.backup_id, ownerProjectId, 1);
        const at = this.dialect.toDatabase(change.at);
        const changed = await tx.change(`${CANCEL} WHERE id = ? AND from_project_id = ? AND active = 1`, [at, at, id, ownerProjectId]);
        if (changed === 0) throw new NothingToChange();
        // The event copies the row it ends, in the same statement that writes it.
        await tx.change(
          `INSERT INTO backup_sharing_events (${EVENT_COLUMNS}) ` +
            'SELECT ?, ?, id, backup_id, from_project_id, to_project_id, ?, ?, 0 FROM backup_sharings WHERE id = ? AND from_project_id = ?',
          [randomUUID(), BACKUP_SHARING_CANCELED, at, change.requestId, id, ownerProjectId],
        );
        return true;
      }),
      false,
    );
  }

  /** Whether the project receives this active sharing (and so may see but not cancel it). */
  isRecipientOf(projectId: string, id: string): Promise<boolean> {
    return this.exists('id = ? AND to_project_id = ? AND active = 1', [id, projectId]);
  }

  /**
   * Cancels every active sharing of one backup in one UPDATE, and records one event per sharing,
   * holding the backup's guard: the events name exactly the sharings the UPDATE ends.
   */
  async cancelAllOfBackup(ownerProjectId: string, backupId: string, change: ChangeContext): Promise<number> {
    return this.whenChanged(
      this.sql.transaction(async (tx) => {
        // No guard: the backup was never shared.
        if (!(await this.guards.removeAllActive(tx, backupId, ownerProjectId))) throw new NothingToChange();
        return this.cancelActive(tx, ownerProjectId, backupId, change);
      }),
      0,
    );
  }

  /**
   * The host changed or deleted a backup: runs `work` (the host's own writes, on `manager`, in
   * this transaction) and applies its outcome while holding the backup's guard — a deleted
   * backup's sharings end, a changed one's copies follow. Shares of the backup are ordered
   * before or after it, never in between. `work` runs again when the transaction loses a write
   * conflict.
   */
  async changeBackup(
    ownerProjectId: string,
    backupId: string,
    work: (manager: EntityManager) => Promise<GuardedBackup>,
    change: ChangeContext,
  ): Promise<number> {
    return this.sql.withManager(async (tx, manager) => {
      const backup = await work(manager);
      await this.guards.replace(tx, backupId, backup);
      if (backup.deleted) {
        await this.guards.removeAllActive(tx, backupId, ownerProjectId);
        return this.cancelActive(tx, ownerProjectId, backupId, change);
      }
      return tx.change(
        'UPDATE backup_sharings SET backup_name = ?, backup_status = ?, backup_size = ?, backup_volume_id = ?, backup_availability_zone = ? ' +
          'WHERE backup_id = ? AND from_project_id = ? AND active = 1',
        [backup.name, backup.status, backup.size, backup.volumeId, backup.availabilityZone, backupId, ownerProjectId],
      );
    });
  }

    isSharedWith(backupId: string, projectId: string): Promise<boolean> {
    return this.exists('backup_id = ? AND to_project_id = ? AND active = 1', [backupId, projectId]);
  }

  /** Ends the backup's active sharings, with their events; inside a transaction holding its guard. */
  private async cancelActive(tx: SqlRunner, ownerProjectId: string, backupId: string, change: ChangeContext): Promise<number> {
    const records = await tx.select<SharingRecord>(`${SELECT_SHARINGS} WHERE backup_id = ? AND from_project_id = ? AND active = 1`, [
      backupId,
      ownerProjectId,
    ]);
    if (records.length === 0) return 0;
    const active = records.map((record) => toSharingEntity(record, this.dialect));
    const at = this.dialect.toDatabase(change.at);
    const ids = active.map((row) => row.id);
    await tx.change(`${CANCEL} WHERE id IN (${ids.map(() => '?').join(', ')}) AND active = 1`, [at, at, ...ids]);
    await recordEvents(tx, this.dialect, BACKUP_SHARING_CANCELED, active, change);
    return active.length;
  }

  /** The result of a change, or `unchanged` when it ended finding nothing to change. */
  private async whenChanged<T>(changing: Promise<T>, unchanged: T): Promise<T> {
    try {
      return await changing;
    } catch (error) {
      if (error instanceof NothingToChange) return unchanged;
      throw error;
    }
  }

  private async exists(where: string, params: unknown[]): Promise<boolean> {
    const rows = await this.sql.select(`SELECT 1 AS found FROM backup_sharings WHERE ${where} LIMIT 1`, params);
    return rows.length > 0;
  }

  /** The caller's scope and the filters: every condition a bound parameter. */
  private filtered(projectId: string, filters: SharingFilters): Condition {
    let where = `${scopeColumn(filters.shareToMe)} = ? AND active = 1`;
    const params: unknown[] = [projectId];
    for (const [filter, column] of EXACT_FILTERS) {
      const value = filters[filter];
      if (value === undefined) continue;
      where += ` AND ${column} = ?`;
      params.push(value);
    }
    if (filters.name !== undefined) {
      // The same rule on every database: letters match whatever their case, every other
      // difference counts (accents included). '!' as the LIKE escape works everywhere.
      where += ` AND ${this.dialect.lowerCase('backup_name')} LIKE ? ESCAPE '!'`;
      params.push(`%${filters.name.toLowerCase().replace(/[!%_]/g, '!$&')}%`);
    }
    return { where, params };
  }
}

/** The repository bound to one operation's span (`operation-trace.ts`): its statements are that span's children. */
export function repositoryBoundToSpan(repository: BackupSharingRepository, span: object): BackupSharingRepository {
  return boundToSpan(repository, span as Span, { sql: boundToSpan(repository['sql'], span as Span) });
}

/** The side of the sharing the caller's project is on. */
function scopeColumn(shareToMe: boolean | undefined): 'to_project_id' | 'from_project_id' {
  return shareToMe ? 'to_project_id' : 'from_project_id';
}

/**
 * A concurrent share of the same target that slipped past the rules (it cannot while every
 * change holds the guard) still meets the unique index: a 409, never a 500.
 */
function translateDuplicate(error: unknown, backupId: string): unknown {
  if (!(error instanceof QueryFailedError)) return error;
  const code = (error.driverError as { code?: string } | undefined)?.code ?? '';
  // 23505: PostgreSQL's unique_violation.
  if (code === 'ER_DUP_ENTRY' || code === '23505' || code.startsWith('SQLITE_CONSTRAINT')) return new AlreadySharedError(backupId);
  return error;
}
