import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { SqlDialect, isMysql, isPostgres, sqlDialectOf } from './sql-dialect';
import { inTransaction } from './transaction';
import { retryWriteConflicts } from './write-conflict.retry';
import { SqlBatch, telemetry } from '../telemetry/backup-sharing.telemetry';
import { operationSpanOf } from '../telemetry/operation-trace';

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

/** What the repository needs of a pooled pg client, and how it goes back to the pool. */
interface PgClient {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}
/** `release(error)` tells the pool to drop the client instead of handing it out again. */
type PgRelease = (error?: Error | boolean) => void;
interface PgDriverLike {
  obtainMasterConnection(): Promise<[PgClient, PgRelease]>;
}

/** What the repository needs of better-sqlite3. */
interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

/** Prepared statements kept per SQLite connection, oldest dropped first (as TypeORM's cache). */
const STATEMENT_CACHE_SIZE = 100;

/**
 * Whether the data source's server is a node of a MariaDB Galera cluster, asked once per data
 * source: `@@wsrep_on` is ON there, OFF on a single MariaDB, and unknown to MySQL.
 */
const galeraOf = new WeakMap<DataSource, Promise<boolean>>();
/** Pooled connections already set up for causal reads (or known not to need it). */
const causalConnections = new WeakSet<object>();
const CAUSAL_READS = 'SET SESSION wsrep_sync_wait = 1';

/** `db.system.name` of a data source, as OpenTelemetry's semantic conventions spell it. */
function dbSystemOf(dataSource: DataSource): string {
  const type = dataSource.options.type;
  if (type === 'postgres') return 'postgresql';
  if (type === 'better-sqlite3' || type === 'sqljs' || type === 'capacitor') return 'sqlite';
  return type;
}

/** A transaction's runner that counts its statements on the batch (one more attempt each time it is made). */
function counted(runner: SqlRunner, batch: SqlBatch | undefined): SqlRunner {
  if (!batch) return runner;
  batch.attempts++;
  return {
    select: (sql, params) => {
      batch.count(sql);
      return runner.select(sql, params);
    },
    change: (sql, params) => {
      batch.count(sql);
      return runner.change(sql, params);
    },
  };
}

/** The rows an INSERT/UPDATE changed, from any driver's result. */
function affected(result: unknown): number {
  const header = result as { affectedRows?: number; affected?: number; rowCount?: number | null } | undefined;
  return header?.affectedRows ?? header?.affected ?? header?.rowCount ?? 0;
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
 * PostgreSQL: as on MySQL, straight on a pooled client of the data source's own pg pool, each
 * statement with its placeholders numbered (`sql-dialect.ts`). A client whose connection failed
 * goes back to the pool as broken, which drops it.
 *
 * SQLite (better-sqlite3): a statement outside a transaction runs on the data source's one
 * connection, prepared once, as TypeORM's runner would run it, without the runner around it;
 * transactions go through TypeORM (`inTransaction`), which queues them.
 *
 * MariaDB Galera: a node applies the other nodes' commits a moment after they were acknowledged,
 * so a read there could miss a sharing another node just created or canceled. Every connection
 * the executor uses reads causally (`wsrep_sync_wait = 1`: a read first waits until the node has
 * applied every commit the cluster had when it was sent), so that after any answer every node
 * decides access as if the change is done.
 */
export class SqlExecutor implements SqlRunner {
  private readonly mode: 'mysql' | 'postgres' | 'better-sqlite3' | 'typeorm';
  private readonly dialect: SqlDialect;
  /** `db.system.name` of the statements' spans. */
  private readonly system: string;
  private statements = new Map<string, SqliteStatement>();
  private statementsOf: SqliteDatabase | undefined;

  constructor(private readonly dataSource: DataSource) {
    const subscribed = dataSource.subscribers.length > 0;
    this.dialect = sqlDialectOf(dataSource);
    this.system = dbSystemOf(dataSource);
    this.mode = subscribed
      ? 'typeorm'
      : isMysql(dataSource)
        ? 'mysql'
        : isPostgres(dataSource)
          ? 'postgres'
          : dataSource.options.type === 'better-sqlite3'
            ? 'better-sqlite3'
            : 'typeorm';
  }

  /** One statement outside a transaction (a span of its own under a recording operation). */
  select<T>(sql: string, params: unknown[]): Promise<T[]> {
    return telemetry.sqlStatement(this.system, sql, () => this.selectNow<T>(sql, params), operationSpanOf(this));
  }

  change(sql: string, params: unknown[]): Promise<number> {
    return telemetry.sqlStatement(this.system, sql, () => this.changeNow(sql, params), operationSpanOf(this));
  }

  private async selectNow<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (this.mode === 'mysql') return (await this.withConnection((connection) => this.run(connection, sql, params))) as T[];
    if (this.mode === 'postgres') return (await this.withPgClient((client) => this.runPg(client, sql, params))).rows as T[];
    if (this.mode === 'better-sqlite3') return this.runSqlite(sql, params) as T[];
    return this.dataSource.query(this.dialect.statement(sql), params);
  }

  private async changeNow(sql: string, params: unknown[]): Promise<number> {
    if (this.mode === 'mysql') return affected(await this.withConnection((connection) => this.run(connection, sql, params)));
    if (this.mode === 'postgres') return affected(await this.withPgClient((client) => this.runPg(client, sql, params)));
    if (this.mode === 'better-sqlite3') return (this.runSqlite(sql, params) as { changes: number }).changes;
    const runner = this.dataSource.createQueryRunner();
    try {
      return affected(await runner.query(this.dialect.statement(sql), params, true));
    } finally {
      await runner.release();
    }
  }

  /**
   * Runs `work` in a transaction (READ COMMITTED on MySQL and PostgreSQL; one after another on SQLite), again
   * from the start when it loses a write conflict, a bounded number of times, then 409. One span
   * for all of it, with the kinds and number of its statements.
   */
  transaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    return telemetry.sqlTransaction(this.system, (batch) => this.transactionOf((runner) => work(counted(runner, batch))), operationSpanOf(this));
  }

  /**
   * As `transaction`, on a TypeORM query runner whose entity manager `work` also gets: for a
   * host's own writes that must commit or fail with the module's, in one transaction.
   */
  withManager<T>(work: (runner: SqlRunner, manager: EntityManager) => Promise<T>): Promise<T> {
    return telemetry.sqlTransaction(
      this.system,
      (batch) => this.managerTransaction((runner, manager) => work(counted(runner, batch), manager)),
      operationSpanOf(this),
    );
  }

  private transactionOf<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    if (this.mode === 'postgres') return retryWriteConflicts(() => this.pgTransaction(work));
    if (this.mode !== 'mysql') return this.managerTransaction((runner) => work(runner));
    return retryWriteConflicts(() =>
      this.withConnection((connection) =>
        committed(
          (sql) => this.run(connection, sql, []),
          ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'START TRANSACTION'],
          () =>
            work({
              select: (sql, params) => this.run(connection, sql, params) as Promise<never[]>,
              change: async (sql, params) => affected(await this.run(connection, sql, params)),
            }),
          () => undefined,
        ),
      ),
    );
  }

  private managerTransaction<T>(work: (runner: SqlRunner, manager: EntityManager) => Promise<T>): Promise<T> {
    return retryWriteConflicts(() =>
      inTransaction(this.dataSource, async (manager) => {
        await this.readCausally(manager.queryRunner!);
        return work(managerRunner(manager, this.dialect), manager);
      }),
    );
  }

  /**
   * A READ COMMITTED transaction on one pooled pg client. A client that could not roll back may
   * still be inside the transaction: it is never handed out again.
   */
  private pgTransaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    return this.withPgClient((client, discard) =>
      committed(
        (sql) => this.runPg(client, sql, []),
        ['BEGIN ISOLATION LEVEL READ COMMITTED'],
        () =>
          work({
            select: async (sql, params) => (await this.runPg(client, sql, params)).rows as never[],
            change: async (sql, params) => affected(await this.runPg(client, sql, params)),
          }),
        discard,
      ),
    );
  }

  /**
   * `use` on a pooled pg client. The pool drops a client whose connection failed by itself;
   * `discard` drops one that is connected but not fit to be handed out again. A connection that
   * fails while the client is out is reported on the client (its statement fails too): heard
   * here, as the pool hears it on idle clients, or it would end the process.
   */
  private async withPgClient<T>(use: (client: PgClient, discard: () => void) => Promise<T>): Promise<T> {
    const [client, release] = await (this.dataSource.driver as unknown as PgDriverLike).obtainMasterConnection();
    let discarded = false;
    const discard = () => {
      discarded = true;
    };
    client.on('error', discard);
    try {
      return await use(client, discard);
    } finally {
      client.removeListener('error', discard);
      release(discarded);
    }
  }

  /** One PostgreSQL statement, numbered, logged and failing as TypeORM's runner does it. */
  private async runPg(client: PgClient, sql: string, params: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }> {
    const { logger } = this.dataSource;
    const text = this.dialect.statement(sql);
    logger.logQuery(text, params);
    try {
      return await client.query(text, params);
    } catch (error) {
      logger.logQueryError(error as Error, text, params);
      throw new QueryFailedError(text, params, error as Error);
    }
  }

  private async withConnection<T>(use: (connection: MysqlConnection) => Promise<T>): Promise<T> {
    const connection = await (this.dataSource.driver as unknown as MysqlDriverLike).obtainMasterConnection();
    try {
      if (!causalConnections.has(connection)) {
        if (await this.isGalera((sql) => this.run(connection, sql, [], false))) await this.run(connection, CAUSAL_READS, []);
        causalConnections.add(connection);
      }
      return await use(connection);
    } finally {
      connection.release();
    }
  }

  /** Sets up the connection of a TypeORM query runner for causal reads (Galera only). */
  private async readCausally(queryRunner: { query(sql: string): Promise<unknown>; databaseConnection?: unknown }): Promise<void> {
    const connection = queryRunner.databaseConnection as object | undefined;
    if (!isMysql(this.dataSource) || !connection || causalConnections.has(connection)) return;
    if (await this.isGalera((sql) => queryRunner.query(sql))) await queryRunner.query(CAUSAL_READS);
    causalConnections.add(connection);
  }

  /** Asked once per data source; a failure to ask (an outage) is asked again next time. */
  private isGalera(ask: (sql: string) => Promise<unknown>): Promise<boolean> {
    let known = galeraOf.get(this.dataSource);
    if (!known) {
      known = ask('SELECT @@wsrep_on AS wsrep').then(
        (rows) => ['1', 'ON'].includes(String((rows as { wsrep: unknown }[])[0]?.wsrep).toUpperCase()),
        (error: unknown) => {
          // MySQL has no such variable: not Galera. Anything else: the question stays open.
          if (String((error as { driverError?: { code?: string } }).driverError?.code) === 'ER_UNKNOWN_SYSTEM_VARIABLE') return false;
          galeraOf.delete(this.dataSource);
          throw error;
        },
      );
      galeraOf.set(this.dataSource, known);
    }
    return known;
  }

  /** One SQLite statement, logged, prepared and failing as TypeORM's runner does it. */
  private runSqlite(sql: string, params: unknown[]): unknown {
    const { logger } = this.dataSource;
    // better-sqlite3 binds no booleans.
    const values = params.map((value) => (typeof value === 'boolean' ? Number(value) : value));
    logger.logQuery(sql, values);
    try {
      const statement = this.prepared(sql);
      return statement.reader ? statement.all(...values) : statement.run(...values);
    } catch (error) {
      logger.logQueryError(error as Error, sql, values);
      throw new QueryFailedError(sql, values, error as Error);
    }
  }

  private prepared(sql: string): SqliteStatement {
    const database = (this.dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
    // A data source initialized again has another connection: its statements start afresh.
    if (database !== this.statementsOf) {
      this.statements = new Map();
      this.statementsOf = database;
    }
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      this.statements.set(sql, statement);
      if (this.statements.size > STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    return statement;
  }

  /**
   * One statement, logged and failing as TypeORM's query runner logs and fails it (`logged`
   * false: the executor's own question about the server, not a statement of the caller's).
   */
  private run(connection: MysqlConnection, sql: string, params: unknown[], logged = true): Promise<unknown> {
    const { logger } = this.dataSource;
    if (logged) logger.logQuery(sql, params);
    return new Promise((resolve, reject) => {
      connection.query(sql, params, (error, result) => {
        if (!error) return resolve(result);
        if (logged) logger.logQueryError(error, sql, params);
        reject(new QueryFailedError(sql, params, error));
      });
    });
  }
}

/**
 * `work` inside a transaction opened by the `begin` statements: committed when it succeeds, rolled
 * back when it fails (`rollbackFailed` hears a rollback that failed too; the error is `work`'s).
 */
async function committed<T>(
  run: (sql: string) => Promise<unknown>,
  begin: string[],
  work: () => Promise<T>,
  rollbackFailed: () => void,
): Promise<T> {
  for (const statement of begin) await run(statement);
  try {
    const result = await work();
    await run('COMMIT');
    return result;
  } catch (error) {
    await run('ROLLBACK').catch(rollbackFailed);
    throw error;
  }
}

/** A transaction's entity manager as a `SqlRunner` (TypeORM's runner). */
function managerRunner(manager: EntityManager, dialect: SqlDialect): SqlRunner {
  return {
    select: (sql, params) => manager.query(dialect.statement(sql), params),
    change: async (sql, params) => affected(await manager.queryRunner!.query(dialect.statement(sql), params, true)),
  };
}
