import { DataSource } from 'typeorm';

/**
 * What differs between the databases for the repository's hand-written SQL: how a datetime is
 * bound and read. MySQL's driver binds and returns `Date`s (the data source's `timezone: 'Z'`
 * keeps them UTC); SQLite keeps datetimes as the UTC text TypeORM writes,
 * `YYYY-MM-DD HH:MM:SS.SSS`, and better-sqlite3 binds no `Date`.
 */
export interface SqlDialect {
  /** The value to bind for a datetime column. */
  toDatabase(date: Date): Date | string;
  /** A datetime column's value as a `Date` (`null` stays `null`). */
  toDate(value: unknown): Date | null;
}

const MYSQL: SqlDialect = {
  toDatabase: (date) => date,
  toDate: (value) => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value))),
};

/** TypeORM's SQLite text; read back as UTC, as TypeORM's own hydration reads it. */
const SQLITE: SqlDialect = {
  toDatabase: (date) => date.toISOString().replace('T', ' ').slice(0, 23),
  toDate: (value) => {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value;
    const text = String(value).replace(' ', 'T');
    return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
  },
};

export function isMysql(dataSource: DataSource): boolean {
  return ['mysql', 'mariadb'].includes(dataSource.options.type);
}

export function sqlDialectOf(dataSource: DataSource): SqlDialect {
  return isMysql(dataSource) ? MYSQL : SQLITE;
}
