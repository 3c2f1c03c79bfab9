'use strict';
// A fresh database for a benchmark (a MariaDB schema or a PostgreSQL database of its own, or a
// SQLite file), migrated by the host's own migrations from the compiled build, and the bulk
// writes that fill it.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
/** The MariaDB server the benches create their schemas on (`BENCH_MYSQL_URL`). */
const mysqlServer = () => process.env.BENCH_MYSQL_URL || 'mysql://root@127.0.0.1:3306/';
/** The PostgreSQL server the benches create their databases on (`BENCH_POSTGRES_URL`). */
const postgresServer = () => process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** SQLite stores datetimes as TypeORM writes them: UTC text, `YYYY-MM-DD HH:MM:SS.SSS`. */
function sqliteValue(value) {
  if (value instanceof Date) return value.toISOString().replace('T', ' ').slice(0, 23);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

async function migrate(url) {
  const { DataSource } = require('typeorm');
  const { hostMigrations } = require(join(ROOT, 'dist/src/backups/backups.migration'));
  const { backupSharingMigrations } = require(join(ROOT, 'dist/libs/backup-sharing/src'));
  const options = url.startsWith('sqlite:')
    ? { type: 'better-sqlite3', database: url.slice('sqlite:'.length) }
    : url.startsWith('postgres')
      ? { type: 'postgres', url }
      : { type: 'mysql', url, timezone: 'Z', charset: 'utf8mb4' };
  const dataSource = new DataSource({ ...options, migrations: [...hostMigrations, ...backupSharingMigrations], logging: false });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
}

class MysqlBench {
  constructor(name) {
    this.kind = 'mysql';
    this.name = name;
    const url = new URL(mysqlServer());
    url.pathname = `/${name}`;
    this.url = url.toString();
  }

  async open() {
    const mysql = require('mysql2/promise');
    const server = new URL(mysqlServer());
    server.pathname = '/';
    const admin = await mysql.createConnection({ uri: server.toString() });
    await admin.query(`DROP DATABASE IF EXISTS \`${this.name}\``);
    await admin.query(`CREATE DATABASE \`${this.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    await migrate(this.url);
    this.connection = await mysql.createConnection({ uri: this.url, timezone: 'Z', charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true });
    return this;
  }

  async query(sql, params = []) {
    const [rows] = await this.connection.query(sql, params);
    return rows;
  }

  /** Multi-row INSERTs of `batch` rows each. */
  async insert(table, columns, rows, batch = 1000) {
    const row = `(${columns.map(() => '?').join(', ')})`;
    for (let start = 0; start < rows.length; start += batch) {
      const chunk = rows.slice(start, start + batch);
      const params = chunk.flatMap((r) => columns.map((column) => r[column]));
      await this.connection.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`, params);
    }
  }

  async truncate(...tables) {
    for (const table of tables) await this.connection.query(`TRUNCATE TABLE ${table}`);
  }

  async close() {
    await this.connection?.end();
  }

  async drop() {
    await this.query(`DROP DATABASE IF EXISTS \`${this.name}\``);
    await this.close();
  }
}

class PostgresBench {
  constructor(name) {
    this.kind = 'postgres';
    this.name = name;
    const url = new URL(postgresServer());
    url.pathname = `/${name}`;
    this.url = url.toString();
  }

  async open() {
    const { Client } = require('pg');
    this.admin = new Client({ connectionString: postgresServer() });
    await this.admin.connect();
    await this.admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    await this.admin.query(`CREATE DATABASE "${this.name}"`);
    await migrate(this.url);
    this.client = new Client({ connectionString: this.url });
    await this.client.connect();
    return this;
  }

  /** A statement written with `?`, numbered as the module numbers it. */
  async query(sql, params = []) {
    const { numberedStatement } = require(join(ROOT, 'dist/libs/backup-sharing/src/persistence/numbered-placeholders'));
    return (await this.client.query(numberedStatement(sql), params)).rows;
  }

  /** Multi-row INSERTs of `batch` rows each (PostgreSQL binds 65,535 parameters at most). */
  async insert(table, columns, rows, batch = 1000) {
    for (let start = 0; start < rows.length; start += batch) {
      const chunk = rows.slice(start, start + batch);
      const values = chunk.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
      await this.client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, chunk.flatMap((r) => columns.map((column) => r[column])));
    }
  }

  async truncate(...tables) {
    await this.client.query(`TRUNCATE TABLE ${tables.join(', ')}`);
  }

  async close() {
    await this.client?.end();
    this.client = undefined;
  }

  async drop() {
    await this.close();
    await this.admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    await this.admin.end();
  }
}

class SqliteBench {
  constructor(name) {
    this.kind = 'sqlite';
    this.folder = mkdtempSync(join(tmpdir(), `${name}-`));
    this.path = join(this.folder, 'bench.sqlite');
    this.url = `sqlite:${this.path}`;
  }

  async open() {
    await migrate(this.url);
    const Database = require('better-sqlite3');
    this.db = new Database(this.path);
    return this;
  }

  async query(sql, params = []) {
    const statement = this.db.prepare(sql);
    const values = params.map(sqliteValue);
    return statement.reader ? statement.all(...values) : statement.run(...values);
  }

  async insert(table, columns, rows) {
    const statement = this.db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    this.db.transaction(() => {
      for (const row of rows) statement.run(...columns.map((column) => sqliteValue(row[column])));
    })();
  }

  async truncate(...tables) {
    for (const table of tables) this.db.prepare(`DELETE FROM ${table}`).run();
  }

  async close() {
    this.db?.close();
    this.db = undefined;
  }

  async drop() {
    await this.close();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

const BENCHES = { mysql: MysqlBench, postgres: PostgresBench, sqlite: SqliteBench };

/** A fresh, migrated database of `kind` (`mysql`, `postgres` or `sqlite`) named `name`. */
function openBenchDatabase(kind, name) {
  const Bench = BENCHES[kind];
  if (!Bench) throw new Error(`--db takes mysql, postgres or sqlite, not ${kind}`);
  return new Bench(name).open();
}

module.exports = { openBenchDatabase, ROOT };
