import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export interface TestDatabase {
  url: string;
  kind: 'sqlite' | 'mysql';
  drop(): Promise<void>;
}

/** The database the e2e suite runs on: TEST_DATABASE_URL (MySQL) or a fresh in-memory SQLite. */
export const testDatabaseKind: 'sqlite' | 'mysql' = process.env.TEST_DATABASE_URL?.startsWith('mysql://')
  ? 'mysql'
  : 'sqlite';

/**
 * A fresh, empty database for one test file. On MySQL it is a new schema named after
 * TEST_DATABASE_URL's database plus a random suffix, dropped afterwards, so that test files can
 * run in parallel.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDatabaseKind === 'sqlite') return { url: 'sqlite::memory:', kind: 'sqlite', drop: async () => undefined };
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_${randomBytes(4).toString('hex')}`;
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
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return { url: url.toString(), kind: 'mysql', drop };
}
