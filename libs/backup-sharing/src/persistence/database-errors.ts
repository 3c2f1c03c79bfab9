import { BackupSharingError } from '../backup-sharing.errors';
import { DatabaseTimeoutError, DatabaseUnavailableError } from '../dependency.errors';

// The one place where database driver failures become domain errors. Only failures of reaching
// the database or of its time limits are translated; anything else (a missing table, a syntax
// error) stays what it is and ends as a 500 with a generic message, since the client can do
// nothing about it. The driver's text never reaches the client: it stays in `cause`, for the log.

/** Driver codes (mysql2, pg, Node sockets, SQLite) meaning the database cannot be reached now. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  // mysql2 reports a connect that ran past `connectTimeout` as ETIMEDOUT (syscall "connect").
  'ETIMEDOUT',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'PROTOCOL_ENQUEUE_AFTER_DESTROY',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_ACCESS_DENIED_ERROR',
  'ER_QUERY_INTERRUPTED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  // A pool that found no free connection within its acquire limit (see the host's MySQL driver).
  'POOL_ACQUIRE_TIMEOUT',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_BUSY',
  // PostgreSQL SQLSTATEs: too many connections; the server shutting down (smart/fast, after a
  // crash) or not accepting connections yet; a refused login. Class 08 (connection exceptions)
  // is matched as a class.
  '53300',
  '57P01',
  '57P02',
  '57P03',
  '28000',
  '28P01',
]);

/** PostgreSQL's class 08: connection exceptions (`08006` connection failure, `08001` unable to connect, ...). */
const UNAVAILABLE_SQLSTATE_CLASS = /^08[0-9A-Z]{3}$/;

/**
 * MySQL/MariaDB error numbers of the same, for servers whose codes mysql2 does not name; 1047:
 * a MariaDB Galera node that is joining or out of the cluster ("WSREP has not yet prepared node
 * for application use").
 */
const UNAVAILABLE_ERRNOS = new Set([1040, 1047, 1053, 1317, 1927, 2002, 2003, 2006, 2013, 4031]);

/** A statement the database (or the driver's deadline) abandoned for running too long. */
const TIMEOUT_CODES = new Set([
  // PostgreSQL: `statement_timeout` (query_canceled) and `lock_timeout` (lock_not_available).
  '57014',
  '55P03',
  'ER_QUERY_TIMEOUT',
  'ER_STATEMENT_TIMEOUT',
  'ER_LOCK_WAIT_TIMEOUT',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'QUERY_DEADLINE_EXCEEDED',
]);

/** 1969: MariaDB `max_statement_time`; 3024: MySQL `max_execution_time`; 1205: lock wait. */
const TIMEOUT_ERRNOS = new Set([1969, 3024, 1205]);

/**
 * Messages of driver and TypeORM errors that come without a code: mysql2's closed pool and
 * connection; pg's ended connection, connect past `connectionTimeoutMillis`, pool wait past it,
 * client or pool no longer usable.
 */
const UNAVAILABLE_MESSAGES = [
  /^Pool is closed\./,
  /connection is in closed state/i,
  /^No connections available/,
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /is not queryable$/,
  /^Cannot use a pool after calling end/,
];
const UNAVAILABLE_NAMES = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError', 'ConnectionNotFoundError']);

interface DriverErrorLike {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  name?: unknown;
  driverError?: unknown;
}

/**
 * The domain error for a database failure the client should retry later (503 or 504), or the
 * error itself when it is not one. TypeORM wraps driver errors (`QueryFailedError.driverError`).
 */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof BackupSharingError || !error || typeof error !== 'object') return error;
  const outer = error as DriverErrorLike;
  const driver = (outer.driverError && typeof outer.driverError === 'object' ? outer.driverError : outer) as DriverErrorLike;
  const code = typeof driver.code === 'string' ? driver.code : '';
  const errno = typeof driver.errno === 'number' ? driver.errno : undefined;
  if (TIMEOUT_CODES.has(code) || (errno !== undefined && TIMEOUT_ERRNOS.has(errno))) return new DatabaseTimeoutError(error);
  if (
    UNAVAILABLE_CODES.has(code) ||
    UNAVAILABLE_SQLSTATE_CLASS.test(code) ||
    code.startsWith('SQLITE_IOERR') ||
    (errno !== undefined && UNAVAILABLE_ERRNOS.has(errno)) ||
    UNAVAILABLE_NAMES.has(String(outer.name)) ||
    UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(String(driver.message ?? '')))
  ) {
    return new DatabaseUnavailableError(error);
  }
  return error;
}

/**
 * `target` with every method's failures passed through `translateDatabaseError`, so that each
 * query of a repository (or of a host's catalog on the same database) maps outages the same way
 * without a try/catch in every method.
 */
export function withDatabaseErrorsTranslated<T extends object>(target: T): T {
  const proxy: T = new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return function translated(this: unknown, ...args: unknown[]) {
        try {
          // Called on the proxy: on the target itself. Called on an object made from the proxy
          // (a view bound to an operation's span, `operation-trace.ts`): on that object.
          const result = value.apply(this === proxy ? object : this, args);
          return isPromise(result)
            ? result.catch((error: unknown) => {
                throw translateDatabaseError(error);
              })
            : result;
        } catch (error) {
          throw translateDatabaseError(error);
        }
      };
    },
  });
  return proxy;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | null)?.then === 'function' && typeof (value as Promise<unknown>).catch === 'function';
}
