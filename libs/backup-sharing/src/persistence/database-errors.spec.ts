import { QueryFailedError } from 'typeorm';
import { AlreadySharedError } from '../backup-sharing.errors';
import { DatabaseTimeoutError, DatabaseUnavailableError } from '../dependency.errors';
import { translateDatabaseError, withDatabaseErrorsTranslated } from './database-errors';

/** A driver error as mysql2 raises it: code and errno, and for a query TypeORM's wrapper. */
function driverError(fields: { code?: string; errno?: number; message?: string }): Error {
  return Object.assign(new Error(fields.message ?? 'driver failure'), fields);
}
const queryFailed = (error: Error) => new QueryFailedError('SELECT 1', [], error);

describe('translateDatabaseError', () => {
  it.each([
    ['a refused connect', driverError({ code: 'ECONNREFUSED', errno: -111 })],
    ['a lost connection', driverError({ code: 'PROTOCOL_CONNECTION_LOST' })],
    ['a connect past connectTimeout', driverError({ code: 'ETIMEDOUT' })],
    ['a pool without a free connection in time', driverError({ code: 'POOL_ACQUIRE_TIMEOUT' })],
    ['too many connections', queryFailed(driverError({ code: 'ER_CON_COUNT_ERROR', errno: 1040 }))],
    ['a server shutting down', queryFailed(driverError({ code: 'ER_SERVER_SHUTDOWN', errno: 1053 }))],
    ['a connection killed (MariaDB, no mysql2 name)', queryFailed(driverError({ errno: 1927 }))],
    ['a Galera node not synced', queryFailed(driverError({ code: 'ER_UNKNOWN_COM_ERROR', errno: 1047, message: 'WSREP has not yet prepared node for application use' }))],
    ['a closed pool', new Error('Pool is closed.')],
    ['a command on a closed connection', new Error("Can't add new command when connection is in closed state")],
    ['SQLite unable to open its file', driverError({ code: 'SQLITE_CANTOPEN' })],
    ['SQLite I/O failure', driverError({ code: 'SQLITE_IOERR_READ' })],
    ['PostgreSQL refusing the connect', driverError({ code: 'ECONNREFUSED', errno: -111 })],
    ['PostgreSQL admin shutdown (pg_terminate_backend, fast shutdown)', queryFailed(driverError({ code: '57P01' }))],
    ['PostgreSQL crash shutdown', queryFailed(driverError({ code: '57P02' }))],
    ['PostgreSQL starting up', driverError({ code: '57P03', message: 'the database system is starting up' })],
    ['PostgreSQL too many connections', driverError({ code: '53300' })],
    ['PostgreSQL connection failure (class 08)', queryFailed(driverError({ code: '08006' }))],
    ['PostgreSQL unable to connect (class 08)', driverError({ code: '08001' })],
    ['a pg connection that ended under a query', queryFailed(new Error('Connection terminated unexpectedly'))],
    ['a pg connect past connectionTimeoutMillis', new Error('Connection terminated due to connection timeout')],
    ['a pg pool wait past connectionTimeoutMillis', new Error('timeout exceeded when trying to connect')],
    ['a pg client after its connection failed', new Error('Client has encountered a connection error and is not queryable')],
  ])('%s -> DatabaseUnavailableError (503), keeping the cause', (_what, error) => {
    const translated = translateDatabaseError(error);
    expect(translated).toBeInstanceOf(DatabaseUnavailableError);
    expect((translated as Error).cause).toBe(error);
    expect((translated as Error).message).not.toMatch(/SELECT|ECONN|ER_/);
  });

  it.each([
    ['MariaDB max_statement_time', queryFailed(driverError({ errno: 1969, message: 'Query execution was interrupted (max_statement_time exceeded)' }))],
    ['MySQL max_execution_time', queryFailed(driverError({ code: 'ER_QUERY_TIMEOUT', errno: 3024 }))],
    ['a lock wait past innodb_lock_wait_timeout', queryFailed(driverError({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }))],
    ['the driver deadline of a silent server', queryFailed(driverError({ code: 'QUERY_DEADLINE_EXCEEDED' }))],
    ["mysql2's own query timeout", queryFailed(driverError({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }))],
    ['PostgreSQL statement_timeout', queryFailed(driverError({ code: '57014', message: 'canceling statement due to statement timeout' }))],
    ['PostgreSQL lock_timeout', queryFailed(driverError({ code: '55P03' }))],
  ])('%s -> DatabaseTimeoutError (504)', (_what, error) => {
    expect(translateDatabaseError(error)).toBeInstanceOf(DatabaseTimeoutError);
  });

  it.each([
    ['a missing table', queryFailed(driverError({ code: 'ER_NO_SUCH_TABLE', errno: 1146 }))],
    ['a syntax error', queryFailed(driverError({ code: 'ER_PARSE_ERROR', errno: 1064 }))],
    ['a duplicate key', queryFailed(driverError({ code: 'ER_DUP_ENTRY', errno: 1062 }))],
    ['a PostgreSQL unique violation', queryFailed(driverError({ code: '23505' }))],
    ['a PostgreSQL missing table', queryFailed(driverError({ code: '42P01' }))],
    ['a PostgreSQL serialization failure (retried elsewhere)', queryFailed(driverError({ code: '40001' }))],
    ['a programming error', new TypeError('x is undefined')],
    ['a domain error', new AlreadySharedError('b1')],
    ['not an error at all', 'text'],
  ])('%s stays what it is', (_what, error) => {
    expect(translateDatabaseError(error)).toBe(error);
  });
});

describe('withDatabaseErrorsTranslated', () => {
  class Store {
    readonly calls: string[] = [];
    async read(): Promise<string> {
      this.calls.push('read');
      throw driverError({ code: 'ECONNREFUSED' });
    }
    async other(): Promise<string> {
      throw driverError({ code: 'ER_NO_SUCH_TABLE' });
    }
    sync(): number {
      throw driverError({ errno: 1969 });
    }
    async ok(): Promise<string> {
      return `ok after ${this.calls.length}`;
    }
  }

  it('translates the rejections and throws of every method, and passes results through', async () => {
    const store = withDatabaseErrorsTranslated(new Store());
    await expect(store.read()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(store.other()).rejects.toMatchObject({ code: 'ER_NO_SUCH_TABLE' });
    expect(() => store.sync()).toThrow(DatabaseTimeoutError);
    await expect(store.ok()).resolves.toBe('ok after 1');
    expect(store.calls).toEqual(['read']);
  });
});
