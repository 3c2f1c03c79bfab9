/** How SQLite journals and syncs (`SQLITE_JOURNAL_MODE`, `SQLITE_SYNCHRONOUS`). */
export interface SqliteDurability {
  /**
   * `wal` (the default): readers never wait for a writer, and a commit appends to the log.
   * `delete`: SQLite's rollback journal, for file systems without shared memory (NFS, SMB).
   */
  journalMode: 'wal' | 'delete';
  /**
   * `normal` (the default): in WAL mode a commit is not synced, the log is at checkpoints; a
   * crash of the process loses nothing, a power loss or an OS crash may lose the last commits,
   * never part of one, and never corrupts the file. `full`: every commit is synced first.
   */
  synchronous: 'normal' | 'full';
}

/** How long a statement waits for another connection's lock (a second process) before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

interface PragmaTarget {
  pragma(source: string): unknown;
}

/**
 * The pragmas of the host's SQLite connection, run before TypeORM uses it (`prepareDatabase`).
 * SQLite's defaults (a rollback journal, every commit synced twice) made one tenant's writers
 * hold another tenant's reads for the length of their fsyncs.
 */
export function applySqlitePragmas(database: PragmaTarget, durability: SqliteDurability): void {
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // An in-memory database keeps its journal in memory whatever is asked.
  database.pragma(`journal_mode = ${durability.journalMode.toUpperCase()}`);
  database.pragma(`synchronous = ${durability.synchronous.toUpperCase()}`);
}
