import { DataSource, EntityManager } from 'typeorm';
import { ConcurrentChangeError } from '../backup-sharing.errors';

/** Tail of each SQLite data source's transaction queue. */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/** How long a change waits for another change of the same backup before answering 409. */
export const LOCK_WAIT_SECONDS = 10;

/** MySQL, MariaDB and PostgreSQL lock rows (`FOR UPDATE`, `SKIP LOCKED`); SQLite locks the whole database. */
export function supportsRowLocks(dataSource: DataSource): boolean {
  return ['mysql', 'mariadb', 'postgres'].includes(dataSource.options.type);
}

/**
 * Runs `work` in a transaction.
 *
 * MySQL: READ COMMITTED, so that InnoDB takes no gap locks, which would make concurrent changes
 * of unrelated backups deadlock each other. Changes that must see each other's results (sharing
 * one backup: duplicates and the per-backup limit) name a `lockKey`: a named lock (`GET_LOCK`),
 * taken before the transaction starts and released only after it commits, serialises them.
 *
 * SQLite: TypeORM gives every caller the same single connection, so two transactions in flight
 * would interleave their statements inside one BEGIN; they run one after another instead.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  lockKey?: string,
): Promise<T> {
  if (!supportsRowLocks(dataSource)) {
    const run = (sqliteQueues.get(dataSource) ?? Promise.resolve()).then(() => dataSource.transaction(work));
    sqliteQueues.set(
      dataSource,
      run.catch(() => undefined),
    );
    return run;
  }
  const runner = dataSource.createQueryRunner();
  let locked = false;
  try {
    await runner.connect();
    if (lockKey) {
      const [row] = await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [lockKey, LOCK_WAIT_SECONDS]);
      if (Number(row.acquired) !== 1) throw new ConcurrentChangeError();
      locked = true;
    }
    await runner.startTransaction('READ COMMITTED');
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  } finally {
    if (locked) await runner.query('DO RELEASE_LOCK(?)', [lockKey]).catch(() => undefined);
    await runner.release();
  }
}
