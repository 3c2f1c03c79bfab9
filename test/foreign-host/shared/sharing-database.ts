// A fresh MariaDB/MySQL schema per test file, named after FOREIGN_HOST_DATABASE_URL's database
// (set by scripts/test-foreign-host.js), dropped afterwards.
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export interface SharingDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createSharingDatabase(): Promise<SharingDatabase> {
  const configured = process.env.FOREIGN_HOST_DATABASE_URL;
  if (!configured?.startsWith('mysql://')) throw new Error('FOREIGN_HOST_DATABASE_URL must name a MySQL/MariaDB database (mysql://...).');
  const base = new URL(configured);
  const name = `${base.pathname.slice(1)}_${randomBytes(4).toString('hex')}`;
  const server = new URL(base.toString());
  server.pathname = '/';
  const admin = await createConnection({ uri: server.toString() });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
