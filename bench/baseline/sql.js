'use strict';
// The baseline's database access: the statements the module and the demo host's catalog send for
// the bench's requests, written out, on mysql2 or pg (a pool of 10 connections, as TypeORM's
// default) or better-sqlite3 (one connection, statements prepared once).
const { randomUUID } = require('node:crypto');

const SHARING_COLUMNS =
  'id, backup_id, from_project_id, to_project_id, created_at, updated_at, deleted_at, ' +
  'backup_name, backup_status, backup_size, backup_volume_id, backup_availability_zone';
const EVENT_COLUMNS = 'event_id, type, sharing_id, backup_id, from_project_id, to_project_id, occurred_at, request_id, attempts';
const BACKUP_COLUMNS =
  'id, project_id, name, description, status, size, volume_id, availability_zone, snapshot_id, container, object_count, ' +
  'fail_reason, encryption_key_id, created_at, updated_at, data_timestamp, has_dependent_backups, is_incremental, service_metadata';

const FIND_VISIBLE = `SELECT ${SHARING_COLUMNS} FROM backup_sharings WHERE id = ? AND active = 1 AND (from_project_id = ? OR to_project_id = ?)`;
const COUNT = 'SELECT COUNT(*) AS n FROM backup_sharings WHERE from_project_id = ? AND active = 1';
const GUARD_INSERT =
  'INSERT INTO backup_sharing_guards (backup_id, owner_project_id, deleted, encrypted, backup_name, backup_status, backup_size, ' +
  'backup_volume_id, backup_availability_zone, active_count, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)';
const HOLD_GUARD = {
  mysql: `${GUARD_INSERT} ON DUPLICATE KEY UPDATE version = version + 1`,
  sqlite: `${GUARD_INSERT} ON CONFLICT (backup_id) DO UPDATE SET version = backup_sharing_guards.version + 1`,
};
HOLD_GUARD.postgres = HOLD_GUARD.sqlite;
const GUARD_AND_TARGETS =
  'SELECT g.owner_project_id, g.deleted, g.encrypted, g.backup_name, g.backup_status, g.backup_size, g.backup_volume_id, ' +
  'g.backup_availability_zone, g.active_count, s.to_project_id FROM backup_sharing_guards g ' +
  'LEFT JOIN backup_sharings s ON s.backup_id = g.backup_id AND s.active = 1 WHERE g.backup_id = ?';
const ADD_ACTIVE = 'UPDATE backup_sharing_guards SET active_count = active_count + ? WHERE backup_id = ? AND active_count + ? <= ?';
const SHARING_BACKUP = 'SELECT backup_id FROM backup_sharings WHERE id = ? AND from_project_id = ? AND active = 1';
const REMOVE_ACTIVE = 'UPDATE backup_sharing_guards SET active_count = active_count - ?, version = version + 1 WHERE backup_id = ? AND owner_project_id = ?';
const LIMIT = 10;
const CANCEL = 'UPDATE backup_sharings SET active = NULL, deleted_at = ?, updated_at = ? WHERE id = ? AND from_project_id = ? AND active = 1';
const CANCEL_EVENT =
  `INSERT INTO backup_sharing_events (${EVENT_COLUMNS}) ` +
  'SELECT ?, ?, id, backup_id, from_project_id, to_project_id, ?, ?, 0 FROM backup_sharings WHERE id = ? AND from_project_id = ?';
const FIND_OWNED_BACKUP = `SELECT ${BACKUP_COLUMNS} FROM backups WHERE id = ? AND project_id = ?`;

const list = (column, direction) =>
  `SELECT ${SHARING_COLUMNS} FROM backup_sharings WHERE from_project_id = ? AND active = 1 ` +
  `ORDER BY ${column === 'id' ? `id ${direction}` : `${column} ${direction}, id ${direction}`} LIMIT ? OFFSET ?`;
const describe = (count) => `SELECT ${BACKUP_COLUMNS} FROM backups WHERE id IN (${new Array(count).fill('?').join(', ')})`;
const placeholders = (rows, width) => new Array(rows).fill(`(${new Array(width).fill('?').join(', ')})`).join(', ');
const insertSharings = (count) => `INSERT INTO backup_sharings (${SHARING_COLUMNS}, active) VALUES ${placeholders(count, 13)}`;
const insertEvents = (count) => `INSERT INTO backup_sharing_events (${EVENT_COLUMNS}) VALUES ${placeholders(count, 9)}`;

const sharingParams = (rows, date) =>
  rows.flatMap((r) => [
    r.id, r.backup_id, r.from_project_id, r.to_project_id, date(r.created_at), date(r.updated_at), null,
    r.backup_name, r.backup_status, r.backup_size, r.backup_volume_id, r.backup_availability_zone, 1,
  ]);
const guardParams = (rows) => {
  const [r] = rows;
  return [r.backup_id, r.from_project_id, 0, 0, r.backup_name, r.backup_status, r.backup_size, r.backup_volume_id, r.backup_availability_zone];
};
const targetsOf = (records) => records.filter((row) => row.to_project_id !== null).map((row) => row.to_project_id);
const eventParams = (rows, type, at, requestId) =>
  rows.flatMap((r) => [randomUUID(), type, r.id, r.backup_id, r.from_project_id, r.to_project_id, at, requestId, 0]);

/** Rows as the module's mappers read them: dates as `Date`, flags as booleans, sizes as numbers. */
function backupOf(row, toDate) {
  return {
    ...row,
    created_at: toDate(row.created_at), updated_at: toDate(row.updated_at), data_timestamp: toDate(row.data_timestamp),
    has_dependent_backups: row.has_dependent_backups === null ? null : Boolean(row.has_dependent_backups),
    is_incremental: row.is_incremental === null ? null : Boolean(row.is_incremental),
  };
}
function sharingOf(row, toDate) {
  return { ...row, created_at: toDate(row.created_at), updated_at: toDate(row.updated_at), deleted_at: toDate(row.deleted_at) };
}

/** The reads of a server database, on its `query(text, params)` that answers rows. */
function reads(query, toDate) {
  return {
  async findVisible(projectId, id) {
    const [row] = await query(FIND_VISIBLE, [id, projectId, projectId]);
    return row ? sharingOf(row, toDate) : undefined;
  },
  async list(projectId, column, direction, limit, offset) {
    return (await query(list(column, direction), [projectId, limit, offset])).map((row) => sharingOf(row, toDate));
  },
  async count(projectId) {
    return Number((await query(COUNT, [projectId]))[0].n);
  },
  async describe(ids) {
    return new Map((await query(describe(ids.length), ids)).map((row) => [row.id, backupOf(row, toDate)]));
  },
  async findOwnedBackup(projectId, backupId) {
    const [row] = await query(FIND_OWNED_BACKUP, [backupId, projectId]);
    return row ? backupOf(row, toDate) : undefined;
  },
  };
}

function mysqlDatabase(url) {
  // mysql2's callback API under a promise of one's own: its promise API builds an Error (for the
  // stack) on every query, and the module's hot path does not pay that either.
  const mysql = require('mysql2');
  const pool = mysql.createPool({ uri: url, timezone: 'Z', charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true, connectionLimit: 10 });
  const toDate = (value) => value;
  const run = (connection, text, params) =>
    new Promise((resolve, reject) => connection.query(text, params, (error, rows) => (error ? reject(error) : resolve(rows))));
  const connect = () => new Promise((resolve, reject) => pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection))));
  const query = (text, params) => new Promise((resolve, reject) => pool.query(text, params, (error, rows) => (error ? reject(error) : resolve(rows))));

  /** A change: a READ COMMITTED transaction (which writes the backup's guard row first). */
  async function change(work) {
    const connection = await connect();
    try {
      await run(connection, 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', []);
      await run(connection, 'START TRANSACTION', []);
      try {
        const result = await work((text, params) => run(connection, text, params));
        await run(connection, 'COMMIT', []);
        return result;
      } catch (error) {
        await run(connection, 'ROLLBACK', []);
        throw error;
      }
    } finally {
      connection.release();
    }
  }

  return {
    ...reads(query, toDate),
    share(projectId, backupId, rows, requestId, decide) {
      return change(async (run) => {
        await run(HOLD_GUARD.mysql, guardParams(rows));
        const refusal = decide(targetsOf(await run(GUARD_AND_TARGETS, [backupId])));
        if (refusal) return refusal;
        await run(ADD_ACTIVE, [rows.length, backupId, rows.length, LIMIT]);
        await run(insertSharings(rows.length), sharingParams(rows, toDate));
        await run(insertEvents(rows.length), eventParams(rows, 'backup_sharing.created', rows[0].created_at, requestId));
        return undefined;
      });
    },
    cancel(projectId, id, requestId) {
      return change(async (run) => {
        const at = new Date();
        const [sharing] = await run(SHARING_BACKUP, [id, projectId]);
        if (!sharing) return false;
        await run(REMOVE_ACTIVE, [1, sharing.backup_id, projectId]);
        const result = await run(CANCEL, [at, at, id, projectId]);
        if (result.affectedRows === 0) return false;
        await run(CANCEL_EVENT, [randomUUID(), 'backup_sharing.canceled', at, requestId, id, projectId]);
        return true;
      });
    },
    close: () => new Promise((resolve) => pool.end(() => resolve())),
  };
}

function postgresDatabase(url) {
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: url, max: 10 });
  // PostgreSQL numbers its placeholders: each statement text once, as the module does.
  const numbered = new Map();
  const text = (sql) => {
    let result = numbered.get(sql);
    if (result === undefined) {
      let n = 0;
      numbered.set(sql, (result = sql.replace(/\?/g, () => `$${++n}`)));
    }
    return result;
  };
  const toDate = (value) => value;
  const query = async (sql, params) => (await pool.query(text(sql), params)).rows;

  /** A change: a READ COMMITTED transaction on one client (which writes the backup's guard row first). */
  async function change(work) {
    const client = await pool.connect();
    let broken;
    try {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      try {
        const result = await work((sql, params) => client.query(text(sql), params));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError) => (broken = rollbackError));
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  return {
    ...reads(query, toDate),
    share(projectId, backupId, rows, requestId, decide) {
      const iso = (date) => date.toISOString();
      return change(async (run) => {
        await run(HOLD_GUARD.postgres, guardParams(rows));
        const refusal = decide(targetsOf((await run(GUARD_AND_TARGETS, [backupId])).rows));
        if (refusal) return refusal;
        await run(ADD_ACTIVE, [rows.length, backupId, rows.length, LIMIT]);
        await run(insertSharings(rows.length), sharingParams(rows, iso));
        await run(insertEvents(rows.length), eventParams(rows, 'backup_sharing.created', iso(rows[0].created_at), requestId));
        return undefined;
      });
    },
    cancel(projectId, id, requestId) {
      return change(async (run) => {
        const at = new Date().toISOString();
        const [sharing] = (await run(SHARING_BACKUP, [id, projectId])).rows;
        if (!sharing) return false;
        await run(REMOVE_ACTIVE, [1, sharing.backup_id, projectId]);
        if ((await run(CANCEL, [at, at, id, projectId])).rowCount === 0) return false;
        await run(CANCEL_EVENT, [randomUUID(), 'backup_sharing.canceled', at, requestId, id, projectId]);
        return true;
      });
    },
    close: () => pool.end(),
  };
}

function sqliteDatabase(path) {
  const Database = require('better-sqlite3');
  const db = new Database(path);
  const toText = (date) => date.toISOString().replace('T', ' ').slice(0, 23);
  const toDate = (value) => (value === null || value === undefined ? null : new Date(`${String(value).replace(' ', 'T')}Z`));
  const statements = new Map();
  const prepared = (text) => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = db.prepare(text)));
    return statement;
  };
  const all = (text, params) => prepared(text).all(...params);

  return {
    async findVisible(projectId, id) {
      const row = prepared(FIND_VISIBLE).get(id, projectId, projectId);
      return row ? sharingOf(row, toDate) : undefined;
    },
    async list(projectId, column, direction, limit, offset) {
      return all(list(column, direction), [projectId, limit, offset]).map((row) => sharingOf(row, toDate));
    },
    async count(projectId) {
      return Number(prepared(COUNT).get(projectId).n);
    },
    async describe(ids) {
      return new Map(all(describe(ids.length), ids).map((row) => [row.id, backupOf(row, toDate)]));
    },
    async findOwnedBackup(projectId, backupId) {
      const row = prepared(FIND_OWNED_BACKUP).get(backupId, projectId);
      return row ? backupOf(row, toDate) : undefined;
    },
    async share(projectId, backupId, rows, requestId, decide) {
      return db.transaction(() => {
        prepared(HOLD_GUARD.sqlite).run(...guardParams(rows));
        const refusal = decide(targetsOf(all(GUARD_AND_TARGETS, [backupId])));
        if (refusal) return refusal;
        prepared(ADD_ACTIVE).run(rows.length, backupId, rows.length, LIMIT);
        prepared(insertSharings(rows.length)).run(...sharingParams(rows, toText));
        prepared(insertEvents(rows.length)).run(...eventParams(rows, 'backup_sharing.created', toText(rows[0].created_at), requestId));
        return undefined;
      })();
    },
    async cancel(projectId, id, requestId) {
      return db.transaction(() => {
        const at = toText(new Date());
        const sharing = prepared(SHARING_BACKUP).get(id, projectId);
        if (!sharing) return false;
        prepared(REMOVE_ACTIVE).run(1, sharing.backup_id, projectId);
        if (prepared(CANCEL).run(at, at, id, projectId).changes === 0) return false;
        prepared(CANCEL_EVENT).run(randomUUID(), 'backup_sharing.canceled', at, requestId, id, projectId);
        return true;
      })();
    },
    close: async () => db.close(),
  };
}

function open(url) {
  if (url.startsWith('mysql://')) return mysqlDatabase(url);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return postgresDatabase(url);
  if (url.startsWith('sqlite:')) return sqliteDatabase(url.slice('sqlite:'.length));
  throw new Error(`DATABASE_URL must be mysql://..., postgres://... or sqlite:<path>, not ${url}`);
}

module.exports = { open };
