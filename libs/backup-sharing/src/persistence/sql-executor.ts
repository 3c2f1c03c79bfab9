import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { ConcurrentChangeError } from '../backup-sharing.errors';
import { isMysql } from './sql-dialect';
import { LOCK_WAIT_SECONDS, inTransaction } from './transaction';

/** Runs the repository's statements: rows of a SELECT, or the rows an INSERT/UPDATE changed. */
export interface SqlRunner {
  select<T>(sql: string, params: unknown[]): Promise<T[]>;
  change(sql: string, params: unknown[]): Promise<number>;
}

/** What the repository needs of a mysql2 connection (callback API). */
interface MysqlConnection {
  query(sql: string, params: unknown[], callback: (error: Error | null, result: unknown) => void): void;
  release(): void;
}

interface MysqlDriverLike {
  obtainMasterConnection(): Promise<MysqlConnection>;
}

/** The rows an INSERT/UPDATE changed, from either driver's result. */
function affected(result: unknown): number {
  const header = result as { affectedRows?: number; affected?: number } | undefined;
  return header?.affectedRows ?? header?.affected ?? 0;
}

/**
 * The statements of the sharings repository, on the host's data source.
 *
 * MySQL: straight on a pooled connection of the data source's own pool, with mysql2's callback
 * API. TypeORM's query runner costs about 20 µs of CPU per statement on top of the driver's
 * (a runner object, subscriber broadcasts, a promise wrapper per query), more than the work the
 * module's requests do per statement; a cancel sends six. Statements are still logged through
 * the data source's logger (so `logging` shows them) and fail as TypeORM's do, with a
 * `QueryFailedError` around the driver's error. A data source with entity subscribers, which
 * may listen to query events, keeps TypeORM's runner so that they still hear every statement.
 *
 * SQLite: TypeORM's runner (its driver is synchronous; transactions queue as in `inTransaction`).
 */
export class SqlExecutor implements SqlRunner {
  private readonly direct: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.direct = isMysql(dataSource) && dataSource.subscribers.length === 0;
  }

  select<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (!this.direct) return this.dataSource.query(sql, params);
    return this.withConnection((connection) => this.run(connection, sql, params)) as Promise<T[]>;
  }

  async change(sql: string, params: unknown[]): Promise<number> {
    if (this.direct) return affected(await this.withConnection((connection) => this.run(connection, sql, params)));
    const runner = this.dataSource.createQueryRunner();
    try {
      return affected(await runner.query(sql, params, true));
    } finally {
      await runner.release();
    }
  }

  /**
   * Runs `work` in a transaction, as `inTransaction` does (READ COMMITTED on MySQL, after the
   * named lock `lockKey` when given; one after another on SQLite).
   */
  transaction<T>(work: (runner: SqlRunner) => Promise<T>, lockKey?: string): Promise<T> {
    if (!this.direct) return inTransaction(this.dataSource, (manager) => work(managerRunner(manager)), lockKey);
    return this.withConnection(async (connection) => {
      const runner: SqlRunner = {
        select: (sql, params) => this.run(connection, sql, params) as Promise<never[]>,
        change: async (sql, params) => affected(await this.run(connection, sql, params)),
      };
      let locked = false;
      try {
        if (lockKey) {
          const [row] = (await this.run(connection, 'SELECT GET_LOCK(?, ?) AS acquired', [lockKey, LOCK_WAIT_SECONDS])) as { acquired: unknown }[];
          if (Number(row.acquired) !== 1) throw new ConcurrentChangeError();
          locked = true;
        }
        await this.run(connection, 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', []);
        await this.run(connection, 'START TRANSACTION', []);
        try {
          const result = await work(runner);
          await this.run(connection, 'COMMIT', []);
          return result;
        } catch (error) {
          await this.run(connection, 'ROLLBACK', []).catch(() => undefined);
          throw error;
        }
      } finally {
        if (locked) await this.run(connection, 'DO RELEASE_LOCK(?)', [lockKey]).catch(() => undefined);
      }
    });
  }

  private async withConnection<T>(use: (connection: MysqlConnection) => Promise<T>): Promise<T> {
    const connection = await (this.dataSource.driver as unknown as MysqlDriverLike).obtainMasterConnection();
    try {
      return await use(connection);
    } finally {
      connection.release();
    }
  }

  /** One statement, logged and failing as TypeORM's query runner logs and fails it. */
  private run(connection: MysqlConnection, sql: string, params: unknown[]): Promise<unknown> {
    const { logger } = this.dataSource;
    logger.logQuery(sql, params);
    return new Promise((resolve, reject) => {
      connection.query(sql, params, (error, result) => {
        if (!error) return resolve(result);
        logger.logQueryError(error, sql, params);
        reject(new QueryFailedError(sql, params, error));
      });
    });
  }
}

/** A transaction's entity manager as a `SqlRunner` (TypeORM's runner). */
function managerRunner(manager: EntityManager): SqlRunner {
  return {
    select: (sql, params) => manager.query(sql, params),
    change: async (sql, params) => affected(await manager.queryRunner!.query(sql, params, true)),
  };
}
