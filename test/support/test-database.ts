import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { DataSourceOptions } from 'typeorm';

export type TestDatabaseKind = 'sqlite' | 'mysql' | 'postgres';

export interface TestDatabase {
  url: string;
  kind: TestDatabaseKind;
  drop(): Promise<void>;
}

/**
 * The database the e2e suite runs on: TEST_DATABASE_URL (mysql://, or postgres:// and
 * postgresql://) or a fresh in-memory SQLite.
 */
export const testDatabaseKind: TestDatabaseKind = kindOf(process.env.TEST_DATABASE_URL);

function kindOf(url: string | undefined): TestDatabaseKind {
  if (url?.startsWith('mysql://')) return 'mysql';
  if (url?.startsWith('postgres://') || url?.startsWith('postgresql://')) return 'postgres';
  return 'sqlite';
}

/** TypeORM options that open the database at `url` (sqlite:<path>, mysql://, postgres://), as the host does. */
export function dataSourceOptionsFor(url: string): DataSourceOptions {
  if (url.startsWith('sqlite:')) return { type: 'better-sqlite3', database: url.slice('sqlite:'.length) };
  if (kindOf(url) === 'postgres') return { type: 'postgres', url };
  return { type: 'mysql', url, timezone: 'Z' };
}

/**
 * A fresh, empty database for one test file. On MySQL and PostgreSQL it is a new database named
 * after TEST_DATABASE_URL's database plus a random suffix, dropped afterwards, so that test files
 * can run in parallel.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDatabaseKind === 'sqlite') return { url: 'sqlite::memory:', kind: 'sqlite', drop: async () => undefined };
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_${randomBytes(4).toString('hex')}`;
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  if (testDatabaseKind === 'postgres') return createPostgresDatabase(base, name, url.toString());
  const server = new URL(base.toString());
  server.pathname = '/';
  const admin = await createConnection({ uri: server.toString() });
  // The admin connection is open until drop(), and closed whatever happens.
  const drop = async () => {
    try {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await admin.end().catch(() => admin.destroy());
    }
  };
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { url: url.toString(), kind: 'mysql', drop };
}

/**
 * PostgreSQL: created from the server's `postgres` database. The database's own locale is left as
 * the server's default on purpose: the module's project ID columns must compare bytes whatever it is.
 */
async function createPostgresDatabase(base: URL, name: string, url: string): Promise<TestDatabase> {
  const server = new URL(base.toString());
  server.pathname = '/postgres';
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  return {
    url,
    kind: 'postgres',
    drop: async () => {
      // FORCE ends the sessions a test left open (a stopped host's pool, a killed process).
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
