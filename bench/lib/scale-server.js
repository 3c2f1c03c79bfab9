'use strict';
// What the scale bench asks of the database server itself, on MariaDB or PostgreSQL: its
// settings, the pages it read from outside its cache, the sharings table's size, how it plans a
// statement, and the secondary indexes dropped during the big load and built again after it.
const { serverSettings: mariadbSettings } = require('./private-mariadb');

const MARIADB = {
  name: 'MariaDB',
  settings: async (database) => {
    const settings = await mariadbSettings(database);
    return {
      ...settings,
      cache: `buffer pool ${settings.buffer_pool_mb} MB, flush method ${settings.flush_method}, change buffering ${settings.change_buffering}`,
    };
  },
  /** Pages InnoDB has read from disk so far (a miss of the buffer pool each). */
  pageReads: async (database) => Number((await database.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'"))[0].Value),
  tableSize: async (database) => {
    const [row] = await database.query(
      "SELECT data_length, index_length FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'backup_sharings'",
    );
    return { data_mb: Math.round(Number(row.data_length ?? row.DATA_LENGTH) / 2 ** 20), indexes_mb: Math.round(Number(row.index_length ?? row.INDEX_LENGTH) / 2 ** 20) };
  },
  explain: async (database, sql, params) => {
    const [row] = await database.query(`EXPLAIN ${sql}`, params);
    return { type: row.type, key: row.key, rows: Number(row.rows), extra: row.Extra };
  },
  analyze: (database) => database.query('ANALYZE TABLE backup_sharings, backups'),
  /** Secondary indexes of a table, as statements to drop and to build them again. */
  secondaryIndexes: async (database, table) => {
    const rows = await database.query(
      'SELECT index_name, non_unique, column_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? ' +
        "AND index_name <> 'PRIMARY' ORDER BY index_name, seq_in_index",
      [table],
    );
    const indexes = new Map();
    for (const row of rows) {
      const name = row.index_name ?? row.INDEX_NAME;
      const entry = indexes.get(name) ?? { unique: Number(row.non_unique ?? row.NON_UNIQUE) === 0, columns: [] };
      entry.columns.push(row.column_name ?? row.COLUMN_NAME);
      indexes.set(name, entry);
    }
    return {
      drop: [`ALTER TABLE ${table} ${[...indexes.keys()].map((name) => `DROP INDEX \`${name}\``).join(', ')}`],
      add: [`ALTER TABLE ${table} ${[...indexes].map(([name, { unique, columns }]) => `ADD ${unique ? 'UNIQUE ' : ''}INDEX \`${name}\` (${columns.map((c) => `\`${c}\``).join(', ')})`).join(', ')}`],
    };
  },
};

/** The first node of a PostgreSQL plan that reads a table, with the index it (or its bitmap) uses. */
function scanOf(node) {
  const indexes = (n) => [...(n['Index Name'] ? [n['Index Name']] : []), ...(n.Plans ?? []).filter((child) => !child['Relation Name']).flatMap(indexes)];
  if (node['Relation Name']) return { type: node['Node Type'], key: indexes(node).join(',') || null, rows: node['Plan Rows'] };
  for (const child of node.Plans ?? []) {
    const scan = scanOf(child);
    if (scan) return scan;
  }
  return undefined;
}

const POSTGRES = {
  name: 'PostgreSQL',
  settings: async (database) => {
    const [row] = await database.query(
      "SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers, " +
        "current_setting('effective_cache_size') AS effective_cache_size, current_setting('work_mem') AS work_mem",
    );
    return { ...row, cache: `shared_buffers ${row.shared_buffers} (the operating system's cache behind it), effective_cache_size ${row.effective_cache_size}` };
  },
  /** Blocks of this database's tables and indexes read from outside shared_buffers so far. */
  pageReads: async (database) =>
    Number((await database.query('SELECT COALESCE(SUM(heap_blks_read + COALESCE(idx_blks_read, 0)), 0) AS n FROM pg_statio_user_tables'))[0].n),
  tableSize: async (database) => {
    const [row] = await database.query("SELECT pg_relation_size('backup_sharings') AS data, pg_indexes_size('backup_sharings') AS indexes");
    return { data_mb: Math.round(Number(row.data) / 2 ** 20), indexes_mb: Math.round(Number(row.indexes) / 2 ** 20) };
  },
  explain: async (database, sql, params) => {
    const [row] = await database.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const plan = row['QUERY PLAN'][0].Plan;
    return { ...(scanOf(plan) ?? { type: plan['Node Type'], key: null, rows: plan['Plan Rows'] }), extra: plan['Node Type'] };
  },
  // Statistics and the visibility map, as autovacuum leaves them after a load (its insert
  // threshold): without the map an index-only scan visits every row's page. Then a checkpoint,
  // so that the load's dirty pages are not written out while the requests are measured (a
  // server without superuser rights for it skips that).
  analyze: async (database) => {
    await database.query('VACUUM (ANALYZE) backup_sharings, backups');
    await database.query('CHECKPOINT').catch(() => undefined);
  },
  secondaryIndexes: async (database, table) => {
    const rows = await database.query(
      "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = ? AND i.indexname NOT IN " +
        "(SELECT conname FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'p') ORDER BY i.indexname",
      [table, table],
    );
    return { drop: [`DROP INDEX ${rows.map((row) => `"${row.indexname}"`).join(', ')}`], add: rows.map((row) => row.indexdef) };
  },
};

/** The server probes for a bench database (`database.kind`: mysql or postgres). */
function scaleServer(database) {
  return database.kind === 'postgres' ? POSTGRES : MARIADB;
}

module.exports = { scaleServer };
