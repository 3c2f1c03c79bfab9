'use strict';
// The MySQL/MariaDB and PostgreSQL servers the suites run on: their URLs (MYSQL_URL and
// POSTGRES_URL, else the defaults the README names) and connections to the server itself rather
// than to the suite's database, which may not exist yet.
const mysql = require('mysql2/promise');
const { Client } = require('pg');

const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/backup_sharing_test';
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/backup_sharing_test';

const mysqlUrl = () => new URL(process.env.MYSQL_URL || DEFAULT_MYSQL_URL);
const postgresUrl = () => new URL(process.env.POSTGRES_URL || DEFAULT_POSTGRES_URL);

/** A connection to the MySQL server of `url`, no database selected; the caller ends it. */
function connectMysqlServer(url, timeoutMs) {
  const server = new URL(url.toString());
  server.pathname = '/';
  return mysql.createConnection({ uri: server.toString(), connectTimeout: timeoutMs });
}

/** A connected client of the PostgreSQL server of `url`, on its `postgres` database; the caller ends it. */
async function connectPostgresServer(url, timeoutMs) {
  const server = new URL(url.toString());
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString(), connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

module.exports = { DEFAULT_MYSQL_URL, DEFAULT_POSTGRES_URL, mysqlUrl, postgresUrl, connectMysqlServer, connectPostgresServer };
