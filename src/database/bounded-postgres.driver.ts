import * as pg from 'pg';
import { DEADLINE_GRACE_MS } from './bounded-mysql.driver';
import { driverDeadlines } from './deadlines';

/** The time limit the host puts on its PostgreSQL statements (0 turns it off). */
export interface PostgresLimits {
  /** Longest statement: the server aborts it (`statement_timeout`, SQLSTATE 57014). */
  statementTimeoutMs: number;
}

type Callback = (error: Error | null, result?: unknown) => void;

function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * A pg client whose every query has a deadline, past the server's own statement limit: a server
 * that stopped answering (a network stall, a frozen host) never answers that limit's error. When
 * the deadline passes the connection is closed, which fails the query and everything queued on
 * the client at once; the pool then drops the client, as it drops any whose connection ended.
 */
function clientWithDeadline(deadlineMs: number): typeof pg.Client {
  return class BoundedClient extends pg.Client {
    override query(...args: unknown[]): never {
      const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
      const submittable = typeof (args[0] as { submit?: unknown } | null)?.submit === 'function';
      if (submittable) return query.apply(this, args) as never;
      let expired = false;
      const disarm = driverDeadlines.arm(deadlineMs, () => {
        expired = true;
        (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      });
      const failure = (error: Error) =>
        expired ? Object.assign(codedError(`The database did not answer within ${deadlineMs} ms.`, 'QUERY_DEADLINE_EXCEEDED'), { cause: error }) : error;
      const index = args.findIndex((arg) => typeof arg === 'function');
      if (index >= 0) {
        const callback = args[index] as Callback;
        args[index] = (error: Error | null, result?: unknown) => {
          disarm();
          callback(error ? failure(error) : null, result);
        };
        return query.apply(this, args) as never;
      }
      return (query.apply(this, args) as Promise<unknown>).then(
        (result) => {
          disarm();
          return result;
        },
        (error: Error) => {
          disarm();
          throw failure(error);
        },
      ) as never;
    }
  };
}

/**
 * The pg package as TypeORM loads it (`driver` option of the data source), with bounded
 * statements: each connection opens with `statement_timeout` (so the server aborts a statement,
 * a lock wait included, with 57014), and each query has the client-side deadline a little later.
 * The connect and pool-wait limit is TypeORM's own `connectTimeoutMS`.
 */
export function boundedPostgresDriver(limits: PostgresLimits): typeof pg {
  if (limits.statementTimeoutMs <= 0) return pg;
  const Client = clientWithDeadline(limits.statementTimeoutMs + DEADLINE_GRACE_MS);
  class BoundedPool extends pg.Pool {
    constructor(options: pg.PoolConfig = {}) {
      super({ ...options, Client, statement_timeout: limits.statementTimeoutMs });
    }
  }
  return { ...pg, Client, Pool: BoundedPool } as unknown as typeof pg;
}
