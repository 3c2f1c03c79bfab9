import * as mysql2 from 'mysql2';
import { driverDeadlines } from './deadlines';

/** The time limits the host puts on its MySQL pool (0 turns one off). */
export interface MysqlLimits {
  /** Longest wait for a pooled connection, connecting included. */
  acquireTimeoutMs: number;
  /** Longest statement: the server aborts it (MariaDB `max_statement_time`, MySQL `max_execution_time`). */
  statementTimeoutMs: number;
}

/**
 * How long past the statement limit the driver waits before it gives up on a server that stopped
 * answering (a network stall, a frozen server): the server's own limit normally fires first, and
 * then the connection stays usable.
 */
export const DEADLINE_GRACE_MS = 1000;

// What this file uses of mysql2's callback API, typed loosely: its overloads do not compose.
type Callback = (error: Error | null, ...results: unknown[]) => void;
interface PoolConnection {
  query: (...args: unknown[]) => unknown;
  promise?: (promiseImpl?: unknown) => unknown;
  release(): void;
  destroy(): void;
  stream?: { destroy?: () => void };
}
interface Pool {
  getConnection(callback: (error: Error | null, connection?: PoolConnection) => void): void;
}

function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code, fatal: true });
}

/**
 * Sets the statement limit on a new connection before anyone uses it. MariaDB counts seconds in
 * `max_statement_time` and covers every statement; MySQL has `max_execution_time` in ms, for
 * SELECTs only; the driver's deadline covers the rest.
 */
function limitSession(connection: PoolConnection, limits: MysqlLimits, done: (error: Error | null) => void): void {
  if (limits.statementTimeoutMs <= 0) return done(null);
  const mariaDb = `SET SESSION max_statement_time = ${limits.statementTimeoutMs / 1000}`;
  const mySql = `SET SESSION max_execution_time = ${limits.statementTimeoutMs}`;
  connection.query(mariaDb, (error: (Error & { code?: string }) | null) => {
    if (error?.code === 'ER_UNKNOWN_SYSTEM_VARIABLE') return connection.query(mySql, (fallback: Error | null) => done(fallback));
    done(error);
  });
}

/**
 * Gives every query of the connection a deadline. When it passes, the connection is dropped from
 * the pool and its socket closed, so that the caller and every statement queued behind it fail at
 * once instead of waiting on a server that does not answer.
 */
function withDeadline(connection: PoolConnection, deadlineMs: number): void {
  const query = connection.query.bind(connection);
  connection.query = (...args: unknown[]) => {
    const index = args.findIndex((arg) => typeof arg === 'function');
    if (index < 0) return query(...args);
    const callback = args[index] as Callback;
    let settled = false;
    const disarm = driverDeadlines.arm(deadlineMs, () => {
      settled = true;
      connection.destroy();
      connection.stream?.destroy?.();
      callback(codedError(`The database did not answer within ${deadlineMs} ms.`, 'QUERY_DEADLINE_EXCEEDED'));
    });
    args[index] = (error: Error | null, ...results: unknown[]) => {
      disarm();
      if (!settled) callback(error, ...results);
    };
    return query(...args);
  };
}

/**
 * mysql2's `PoolConnection.promise()` runs `require()` for its promise wrapper and builds a new
 * one on every call, and TypeORM calls it for every query: module resolution cost more CPU per
 * query than the rest of the driver's work. The wrapper holds nothing but the connection, so one
 * per connection serves every query.
 */
function reusePromiseWrapper(connection: PoolConnection): void {
  const promise = connection.promise?.bind(connection);
  if (!promise) return;
  let wrapper: unknown;
  connection.promise = (promiseImpl?: unknown) => (promiseImpl ? promise(promiseImpl) : (wrapper ??= promise()));
}

/**
 * A pool whose waits are bounded: `getConnection` fails after `acquireTimeoutMs` (mysql2 has no
 * acquire timeout; its queue waits forever when every connection hangs), and each new connection
 * gets the statement limit and the deadline before it is handed out.
 */
function boundedPool(pool: Pool, limits: MysqlLimits): Pool {
  const prepared = new WeakSet<object>();
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (callback: (error: Error | null, connection?: PoolConnection) => void) => {
    let answered = false;
    const disarm =
      limits.acquireTimeoutMs > 0
        ? driverDeadlines.arm(limits.acquireTimeoutMs, () => {
            answered = true;
            callback(codedError(`No database connection within ${limits.acquireTimeoutMs} ms.`, 'POOL_ACQUIRE_TIMEOUT'));
          })
        : undefined;
    const answer = (error: Error | null, connection?: PoolConnection) => {
      disarm?.();
      if (!answered) callback(error, connection);
      else connection?.release();
    };
    getConnection((error: Error | null, connection?: PoolConnection) => {
      if (error || !connection || prepared.has(connection)) return answer(error, connection);
      limitSession(connection, limits, (limitError) => {
        if (limitError) {
          connection.destroy();
          return answer(limitError);
        }
        if (limits.statementTimeoutMs > 0) withDeadline(connection, limits.statementTimeoutMs + DEADLINE_GRACE_MS);
        reusePromiseWrapper(connection);
        prepared.add(connection);
        answer(null, connection);
      });
    });
  };
  return pool;
}

/**
 * The mysql2 package as TypeORM loads it (`driver` option of the data source), with bounded
 * pools. TypeORM takes every connection through `pool.getConnection`.
 */
export function boundedMysqlDriver(limits: MysqlLimits): typeof mysql2 {
  const createPool = (config: mysql2.PoolOptions) => boundedPool(mysql2.createPool(config) as unknown as Pool, limits);
  return { ...mysql2, createPool } as unknown as typeof mysql2;
}
