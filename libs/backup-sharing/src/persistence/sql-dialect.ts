import { DataSource } from 'typeorm';
import { numberedStatement } from './numbered-placeholders';

/**
 * What differs between the databases for the repository's hand-written SQL: how a datetime is
 * bound and read, and how a statement written with `?` placeholders is sent. MySQL's driver binds
 * and returns `Date`s (the data source's `timezone: 'Z'` keeps them UTC); SQLite keeps datetimes
 * as the UTC text TypeORM writes, `YYYY-MM-DD HH:MM:SS.SSS`, and better-sqlite3 binds no `Date`;
 * PostgreSQL numbers its placeholders and keeps instants (`timestamptz`).
 */
export interface SqlDialect {
  /** The value to bind for a datetime column. */
  toDatabase(date: Date): Date | string;
  /** A datetime column's value as a `Date` (`null` stays `null`). */
  toDate(value: unknown): Date | null;
  /** The statement text to send for `sql`, written with `?` placeholders. */
  statement(sql: string): string;
  /**
   * A text expression with every letter in lower case, as JavaScript's `toLowerCase()` has it,
   * compared byte for byte: `LIKE` on it ignores case but never accents, on every database.
   */
  lowerCase(expression: string): string;
  /**
   * The tail of an `INSERT INTO table (...) VALUES (...)` that, when a row with the same `key`
   * exists, updates it instead: `version` is counted up (so the row is written, and locked, either
   * way) and each column of `replace` takes the inserted row's value.
   */
  onConflict(table: string, key: string, replace: readonly string[]): string;
}

/** MySQL and MariaDB: `VALUES(column)` is the inserted row's value (MariaDB has no row alias). */
function onDuplicateKey(_table: string, _key: string, replace: readonly string[]): string {
  return ` ON DUPLICATE KEY UPDATE ${[...replace.map((column) => `${column} = VALUES(${column})`), 'version = version + 1'].join(', ')}`;
}

/** SQLite (3.24+) and PostgreSQL. */
function onConflictDoUpdate(table: string, key: string, replace: readonly string[]): string {
  const set = [...replace.map((column) => `${column} = excluded.${column}`), `version = ${table}.version + 1`];
  return ` ON CONFLICT (${key}) DO UPDATE SET ${set.join(', ')}`;
}

const asWritten = (sql: string) => sql;

const MYSQL: SqlDialect = {
  // The column's collation would also make 'é' equal 'e': the lowered text compares as bytes.
  lowerCase: (expression) => `CONVERT(LOWER(${expression}) USING utf8mb4) COLLATE utf8mb4_bin`,
  toDatabase: (date) => date,
  toDate: (value) => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value))),
  statement: asWritten,
  onConflict: onDuplicateKey,
};

/** TypeORM's SQLite text; read back as UTC, as TypeORM's own hydration reads it. */
const SQLITE: Omit<SqlDialect, 'lowerCase'> = {
  toDatabase: (date) => date.toISOString().replace('T', ' ').slice(0, 23),
  toDate: (value) => {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value;
    const text = String(value).replace(' ', 'T');
    return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
  },
  statement: asWritten,
  onConflict: onConflictDoUpdate,
};

/**
 * PostgreSQL: datetimes are `timestamptz` columns, bound as ISO text with its `Z` and read by pg
 * as the instant they are, so neither the process's nor the session's time zone can shift them.
 */
const POSTGRES: SqlDialect = {
  toDatabase: (date) => date.toISOString(),
  toDate: MYSQL.toDate,
  statement: numberedStatement,
  // Its LOWER() folds every letter the database's character type knows (Ä as well as A), and
  // LIKE compares the result as written: accents count.
  lowerCase: (expression) => `LOWER(${expression})`,
  onConflict: onConflictDoUpdate,
};

export function isMysql(dataSource: DataSource): boolean {
  return ['mysql', 'mariadb'].includes(dataSource.options.type);
}

export function isPostgres(dataSource: DataSource): boolean {
  return dataSource.options.type === 'postgres';
}

/** SQLite's own LOWER() folds ASCII letters only: this function folds every letter. */
const SQLITE_LOWER = 'backup_sharing_lower';

interface FunctionRegistry {
  function(name: string, options: { deterministic: boolean }, fn: (value: unknown) => unknown): unknown;
}

const withLower = new WeakSet<object>();

/**
 * Registers `backup_sharing_lower()` on a better-sqlite3 connection (once); `false` when the
 * driver offers no user functions, and SQLite's ASCII-only `LOWER()` has to do.
 */
function registerSqliteLower(dataSource: DataSource): boolean {
  const connection = (dataSource.driver as { databaseConnection?: Partial<FunctionRegistry> }).databaseConnection;
  if (!connection || typeof connection.function !== 'function') return false;
  if (!withLower.has(connection)) {
    connection.function(SQLITE_LOWER, { deterministic: true }, (value) => (typeof value === 'string' ? value.toLowerCase() : value));
    withLower.add(connection);
  }
  return true;
}

export function sqlDialectOf(dataSource: DataSource): SqlDialect {
  if (isMysql(dataSource)) return MYSQL;
  if (isPostgres(dataSource)) return POSTGRES;
  const lower = registerSqliteLower(dataSource) ? SQLITE_LOWER : 'LOWER';
  return { ...SQLITE, lowerCase: (expression) => `${lower}(${expression})` };
}
