import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { ConcurrentChangeError } from '../backup-sharing.errors';

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
  if (supportsRowLocks(dataSource)) return retryingDeadlocks(() => dataSource.transaction(work));
  const run = (sqliteQueues.get(dataSource) ?? Promise.resolve()).then(() => dataSource.transaction(work));
  sqliteQueues.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}

const DEADLOCK_ATTEMPTS = 5;

/**
 * InnoDB picks a deadlock victim and rolls its whole transaction back; running it again is the
 * remedy MySQL documents. Its gap locks make this happen between requests on unrelated backups
 * of one project too, so without a retry those would fail. Still deadlocked after a few tries:
 * a 409 the client may retry, never a 500.
 */
async function retryingDeadlocks<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const code = error instanceof QueryFailedError ? (error.driverError as { code?: string } | undefined)?.code : undefined;
      if (code !== 'ER_LOCK_DEADLOCK') throw error;
      if (attempt >= DEADLOCK_ATTEMPTS) throw new ConcurrentChangeError();
      // A short random pause keeps the same transactions from colliding again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
