import { DataSource } from 'typeorm';
import { sqlDialectOf } from './sql-dialect';
import { SqlExecutor } from './sql-executor';

/**
 * Reads for a host's `BackupCatalog` on the data source the module's tables are in. The module
 * asks the catalog on every get, list and share, so its queries are on the hot path: `select`
 * runs on the data source's own pool as the module's statements do (without a TypeORM query
 * runner around each, which costs more than such a query; with causal reads on a MariaDB Galera
 * node, so that a backup another node just wrote is seen), with `?` placeholders.
 */
export interface CatalogReader {
  /** The rows of one SELECT, as the driver returns them. */
  select<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /** A datetime column's value, as the data source's driver returns it, as a `Date` (`null` stays `null`). */
  toDate(value: unknown): Date | null;
}

/** A `CatalogReader` on `dataSource` (an initialized TypeORM data source, e.g. `repository.manager.connection`). */
export function catalogReader(dataSource: DataSource): CatalogReader {
  const sql = new SqlExecutor(dataSource);
  const dialect = sqlDialectOf(dataSource);
  return {
    select: (statement, params) => sql.select(statement, [...params]),
    toDate: (value) => dialect.toDate(value),
  };
}
