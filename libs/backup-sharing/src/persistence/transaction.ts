import { DataSource, EntityManager } from 'typeorm';

/** Tail of each SQLite data source's transaction queue. */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/** MySQL and MariaDB lock rows (`FOR UPDATE`, `SKIP LOCKED`); SQLite locks the whole database. */
export function supportsRowLocks(dataSource: DataSource): boolean {
  return ['mysql', 'mariadb'].includes(dataSource.options.type);
}

/**
 * Runs `work` in a transaction. TypeORM gives every caller the same single SQLite connection, so
 * two transactions in flight would interleave their statements inside one BEGIN: on SQLite they
 * run one after another. MySQL gives each its own pooled connection.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (supportsRowLocks(dataSource)) return dataSource.transaction(work);
  const run = (sqliteQueues.get(dataSource) ?? Promise.resolve()).then(() => dataSource.transaction(work));
  sqliteQueues.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}
