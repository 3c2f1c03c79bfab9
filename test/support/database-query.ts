import { DataSource } from 'typeorm';
import { sqlDialectOf } from '../../libs/backup-sharing/src/persistence/sql-dialect';

/**
 * The rows of one SELECT, written with `?` placeholders, on any of the databases the suite runs
 * on (PostgreSQL numbers its placeholders): how a test reads the tables straight. Rows are
 * untyped unless `T` says otherwise, as `dataSource.query` answers them.
 */
export function queryRows<T = any>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  return dataSource.query(sqlDialectOf(dataSource).statement(sql), params);
}
