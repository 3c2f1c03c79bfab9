import { SqlDialect } from './sql-dialect';
import { SqlRunner } from './sql-executor';

// The serialisation point of one backup's sharings: a row of `backup_sharing_guards` that every
// change of those sharings writes first, inside its own transaction — share, cancel, cancel-all,
// and the host's delete, status or attribute change of the backup. Writing it takes the row's
// lock on a single server (the second writer waits for the first to commit, then reads what the
// first wrote) and is a write that every node of a multi-writer cluster (MariaDB Galera) certifies
// (the second of two conflicting commits is refused and retried). A named lock would do neither
// across nodes, and a read before the change would decide on a state that may be gone.
//
// The row also holds what the rules of a share are decided on: the owner, whether the backup was
// deleted, its status and encryption, the attributes copied onto new sharings, and the number of
// active sharings, on which the limit is enforced by a conditional UPDATE.

const TABLE = 'backup_sharing_guards';

/** The backup as sharing sees it, on the guard row. */
export interface GuardedBackup {
  ownerProjectId: string;
  deleted: boolean;
  encrypted: boolean;
  name: string;
  status: string;
  size: number;
  volumeId: string | null;
  availabilityZone: string | null;
}

export interface GuardState extends GuardedBackup {
  activeCount: number;
}

/** The columns the host's changes replace on an existing row. */
const STATE_COLUMNS = [
  'owner_project_id',
  'deleted',
  'encrypted',
  'backup_name',
  'backup_status',
  'backup_size',
  'backup_volume_id',
  'backup_availability_zone',
] as const;

const INSERT = `INSERT INTO ${TABLE} (backup_id, ${STATE_COLUMNS.join(', ')}, active_count, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`;

interface GuardRecord {
  owner_project_id: string;
  deleted: number | string;
  encrypted: number | string;
  backup_name: string;
  backup_status: string;
  backup_size: number | string;
  backup_volume_id: string | null;
  backup_availability_zone: string | null;
  active_count: number | string;
}

function stateParams(backupId: string, backup: GuardedBackup): unknown[] {
  return [
    backupId,
    backup.ownerProjectId,
    backup.deleted ? 1 : 0,
    backup.encrypted ? 1 : 0,
    backup.name,
    backup.status,
    backup.size,
    backup.volumeId,
    backup.availabilityZone,
  ];
}

/** A guard row's state; `active` are the targets of its active sharings, read in the same statement. */
function toState(record: GuardRecord): GuardState {
  return {
    ownerProjectId: record.owner_project_id,
    deleted: Number(record.deleted) === 1,
    encrypted: Number(record.encrypted) === 1,
    name: record.backup_name,
    status: record.backup_status,
    size: Number(record.backup_size),
    volumeId: record.backup_volume_id,
    availabilityZone: record.backup_availability_zone,
    activeCount: Number(record.active_count),
  };
}

/** The guard's statements, in the dialect of the data source. */
export class BackupGuardSql {
  private readonly holdSql: string;
  private readonly replaceSql: string;

  constructor(dialect: SqlDialect) {
    // A share holds the row as it is, creating it from the catalog's answer the first time only:
    // once the row exists it is the newer word on the backup's state.
    this.holdSql = INSERT + dialect.onConflict(TABLE, 'backup_id', []);
    // The host's change replaces the state.
    this.replaceSql = INSERT + dialect.onConflict(TABLE, 'backup_id', STATE_COLUMNS);
  }

  /**
   * Holds the guard (creating it from `seed` when the backup has none yet) and returns its state
   * with the targets of the backup's active sharings, as the database has them now.
   */
  async hold(tx: SqlRunner, backupId: string, seed: GuardedBackup): Promise<{ state: GuardState; activeTargets: string[] }> {
    await tx.change(this.holdSql, stateParams(backupId, seed));
    const records = await tx.select<GuardRecord & { to_project_id: string | null }>(
      `SELECT g.owner_project_id, g.deleted, g.encrypted, g.backup_name, g.backup_status, g.backup_size, g.backup_volume_id, ` +
        `g.backup_availability_zone, g.active_count, s.to_project_id FROM ${TABLE} g ` +
        'LEFT JOIN backup_sharings s ON s.backup_id = g.backup_id AND s.active = 1 WHERE g.backup_id = ?',
      [backupId],
    );
    return {
      state: toState(records[0]),
      activeTargets: records.flatMap((record) => (record.to_project_id === null ? [] : [record.to_project_id])),
    };
  }

  /** Writes the host's new state of the backup, holding the guard; active sharings are the caller's. */
  async replace(tx: SqlRunner, backupId: string, backup: GuardedBackup): Promise<void> {
    await tx.change(this.replaceSql, stateParams(backupId, backup));
  }

  /**
   * Counts `added` more active sharings, only while that keeps within `limit`: `false` when it
   * would not (the database decides, whatever the caller read).
   */
  async addActive(tx: SqlRunner, backupId: string, added: number, limit: number): Promise<boolean> {
    const changed = await tx.change(
      `UPDATE ${TABLE} SET active_count = active_count + ? WHERE backup_id = ? AND active_count + ? <= ?`,
      [added, backupId, added, limit],
    );
    return changed === 1;
  }

  /** Holds the guard of a backup `ownerProjectId` owns and counts `removed` fewer active sharings. */
  async removeActive(tx: SqlRunner, backupId: string, ownerProjectId: string, removed: number): Promise<boolean> {
    const changed = await tx.change(
      `UPDATE ${TABLE} SET active_count = active_count - ?, version = version + 1 WHERE backup_id = ? AND owner_project_id = ?`,
      [removed, backupId, ownerProjectId],
    );
    return changed === 1;
  }

  /** Holds the guard of a backup `ownerProjectId` owns and counts none active: every one is ending. */
  async removeAllActive(tx: SqlRunner, backupId: string, ownerProjectId: string): Promise<boolean> {
    const changed = await tx.change(
      `UPDATE ${TABLE} SET active_count = 0, version = version + 1 WHERE backup_id = ? AND owner_project_id = ?`,
      [backupId, ownerProjectId],
    );
    return changed === 1;
  }
}
