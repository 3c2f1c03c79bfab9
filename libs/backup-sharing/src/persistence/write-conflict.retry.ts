import { ConcurrentChangeError } from '../backup-sharing.errors';
import { telemetry } from '../telemetry/backup-sharing.telemetry';

// Two transactions that change the same rows at the same moment are a normal outcome of
// concurrency, not a failure: InnoDB picks a deadlock victim (1213), a MariaDB Galera cluster
// refuses the later of two conflicting commits at certification (also 1213), PostgreSQL aborts a
// serialization failure (40001) or a deadlock (40P01), SQLite answers SQLITE_BUSY when another
// process holds its file. The transaction is run again from the start, a few times, after a
// random pause that spreads the contenders apart; the client sees a 409 only when it kept losing.

/** Driver codes (mysql2, better-sqlite3, pg) of a transaction that lost a write conflict. */
const CONFLICT_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', '40001', '40P01']);
/** 1213: deadlock or Galera certification failure; 1205: lock wait timeout. */
const CONFLICT_ERRNOS = new Set([1213, 1205]);

export interface RetryPolicy {
  /** Runs in all, the first one included. */
  attempts: number;
  /** The pause before the n-th retry is random in [0, min(baseDelayMs * 2^(n-1), maxDelayMs)). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * On a multi-writer cluster every contender for one backup's guard row but one loses each round
 * of certification: 20 concurrent changes of one backup need room for many rounds. Twelve runs
 * with pauses that double from 5 ms up to 200 ms wait about 1.5 s at most.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 12, baseDelayMs: 5, maxDelayMs: 200 };

/** Whether `error` (a driver error, or TypeORM's `QueryFailedError` around one) is a lost write conflict. */
export function isWriteConflict(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const outer = error as { driverError?: unknown };
  const driver = (outer.driverError && typeof outer.driverError === 'object' ? outer.driverError : outer) as { code?: unknown; errno?: unknown };
  return (typeof driver.code === 'string' && CONFLICT_CODES.has(driver.code)) || (typeof driver.errno === 'number' && CONFLICT_ERRNOS.has(driver.errno));
}

/**
 * Runs `attempt` until it does not lose a write conflict, at most `policy.attempts` times; then
 * `ConcurrentChangeError` (409). Any other failure is passed on at once. `attempt` must be safe to
 * run again: a transaction that lost a conflict was rolled back, so it is.
 */
export async function retryWriteConflicts<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  pause: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      if (run >= policy.attempts) throw new ConcurrentChangeError(error);
      telemetry.writeConflictRetry();
      await pause(Math.random() * Math.min(policy.baseDelayMs * 2 ** (run - 1), policy.maxDelayMs));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
