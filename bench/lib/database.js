'use strict';
// A fresh database for a benchmark (a MariaDB schema of its own, or a SQLite file), migrated by
// the host's own migrations from the compiled build, and the bulk writes that fill it.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
/** The MariaDB server the benches create their schemas on (`BENCH_MYSQL_URL`). */
const mysqlServer = () => process.env.BENCH_MYSQL_URL || 'mysql://root@127.0.0.1:3306/';

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

/** A fresh, migrated database of `kind` (`mysql` or `sqlite`) named `name`. */
function openBenchDatabase(kind, name) {
  return (kind === 'mysql' ? new MysqlBench(name) : new SqliteBench(name)).open();
}

module.exports = { openBenchDatabase, ROOT };
