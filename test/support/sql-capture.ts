import { DataSource } from 'typeorm';

/** One statement sent to the database, as the data source's logger saw it. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Records the statements the host sends while `during` runs. Every statement goes through the
 * data source's logger (`logQuery`): TypeORM's query runners call it, and so does the module's
 * `SqlExecutor`, so nothing the module or the host's catalog sends is missed.
 */
export async function statementsDuring(dataSource: DataSource, during: () => Promise<unknown>): Promise<Statement[]> {
  const statements: Statement[] = [];
  const spy = jest.spyOn(dataSource.logger, 'logQuery').mockImplementation((sql: string, params?: unknown) => {
    statements.push({ sql, params: Array.isArray(params) ? params : [] });
  });
  try {
    await during();
  } finally {
    spy.mockRestore();
  }
  return statements;
}

/** The shape of a statement, for messages: its SQL with the whitespace folded. */
export function shapeOf(statement: Statement): string {
  return statement.sql.replace(/\s+/g, ' ').trim();
}
