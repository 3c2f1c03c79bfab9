import { DataSource, EntityManager } from 'typeorm';

/** Tail of each SQLite data source's transaction queue. */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/** MySQL, MariaDB and PostgreSQL lock rows (`FOR UPDATE`, `SKIP LOCKED`); SQLite locks the whole database. */
export function supportsRowLocks(dataSource: DataSource): boolean {
  return ['mysql', 'mariadb', 'postgres'].includes(dataSource.options.type);
}

/**
 * Runs `work` in one transaction of TypeORM's, once (retries are the caller's).
 *
 * MySQL: READ COMMITTED, so that InnoDB takes no gap locks, which would make concurrent changes
 * of unrelated backups deadlock each other. Changes that must see each other's results write the
 * backup's guard row first (`backup-guard.sql.ts`), which serialises them.
 *
 * SQLite: TypeORM gives every caller the same single connection, so two transactions in flight
 * would interleave their statements inside one BEGIN; they run one after another instead.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (!supportsRowLocks(dataSource)) {
    const run = (sqliteQueues.get(dataSource) ?? Promise.resolve()).then(() => dataSource.transaction(work));
    sqliteQueues.set(
      dataSource,
      run.catch(() => undefined),
    );
    return run;
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.startTransaction('READ COMMITTED');
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}
