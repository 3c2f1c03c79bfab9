#!/usr/bin/env node
'use strict';
// npm run bench:scale [-- --quick] [--requests N] [--db postgres] [--private-server [--buffer-pool 2G]]
//
// Latency of get, list (every sort key, with and without the backup-attribute filters, the first
// page and a deep page by marker), count and cancel-all for one project whose scope is the same
// 1,000 sharings, first when they are the whole table and then among 1,000,000 sharings of
// 1,000 projects over 100,000 backups (MariaDB, or PostgreSQL with --db postgres; the demo host
// on Fastify from the compiled build). Requests are sent one at a time on one kept-alive connection, so that a latency is the
// cost of the request, not a queue. Then the same reads for a tenant that holds 100,000 of the
// million. Writes bench/results/scale.json and scale.md (PostgreSQL: scale-postgres.json, .md).
//
// By default on the shared MariaDB (BENCH_MYSQL_URL, or 127.0.0.1:3306), or the shared PostgreSQL
// (BENCH_POSTGRES_URL, or 127.0.0.1:5432). With --private-server the
// bench starts a MariaDB of its own on loopback with a buffer pool of --buffer-pool (2G) and
// writes scale-private.json and .md: the same measurements with the indexes in memory.
const { execFileSync } = require('node:child_process');
const http = require('node:http');
const os = require('node:os');
const { join } = require('node:path');
const { openBenchDatabase, ROOT } = require('./lib/database');
const { startServer } = require('./lib/processes');
const data = require('./lib/scale-data');
const { writeScaleReports } = require('./lib/scale-report');
const { startPrivateMariadb } = require('./lib/private-mariadb');
const { scaleServer } = require('./lib/scale-server');

const quick = process.argv.includes('--quick');
const kind = (() => {
  const index = process.argv.indexOf('--db');
  return index >= 0 ? process.argv[index + 1] : 'mysql';
})();
const privateServer = process.argv.includes('--private-server');
const bufferPool = (() => {
  const index = process.argv.indexOf('--buffer-pool');
  return index >= 0 ? process.argv[index + 1] : '2G';
})();
const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const REQUESTS = argument('requests', quick ? 40 : 150);
const WARMUP = Math.max(5, Math.round(REQUESTS / 5));
const TOKENS = { probe: 'scale-probe-token', large: 'scale-large-token' };
const SORT_KEYS = ['created_at', 'updated_at', 'id', 'name', 'status', 'size'];

/** Sequential requests on one kept-alive connection; latency of each in ms. */
function client(baseUrl) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(baseUrl);
  const send = (method, path, token) =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const request = http.request({ hostname, port, method, path, agent, headers: { 'x-auth-token': token } }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const text = Buffer.concat(chunks).toString();
          resolve({ status: response.statusCode, ms, body: text ? JSON.parse(text) : undefined });
        });
      });
      request.on('error', reject);
      request.end();
    });
  return { send, close: () => agent.destroy() };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const round = (value) => Math.round(value * 1000) / 1000;

/** Sends `make(i)` sequentially, warm-up first; p50/p95 of the measured ones. */
async function timeRequests(api, make, expectStatus = 200) {
  const latencies = [];
  let rows;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const { method, path, token } = make(i);
    const response = await api.send(method, path, token);
    if (response.status !== expectStatus) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    if (i >= WARMUP) latencies.push(response.ms);
    if (response.body?.shared && Array.isArray(response.body.shared)) rows = response.body.shared.length;
    if (response.body?.count !== undefined) rows = response.body.count;
  }
  return { p50_ms: round(percentile(latencies, 50)), p95_ms: round(percentile(latencies, 95)), requests: latencies.length, rows };
}

const base = (project) => `/v2/${project}/os-vendor-backup-sharing`;

/** The reads of the probe's scope: every list variant, first and deep page, and the counts. */
function probeQueries(markers) {
  const volume = data.volumeOfProbe();
  const filters = { none: '', status: 'status=available', volume: `volume_id=${volume}`, zone: 'availability_zone=az1', name: 'name=backup-00000' };
  const queries = [];
  const get = (label, path) => queries.push({ label, make: () => ({ method: 'GET', path, token: TOKENS.probe }) });
  queries.push({ label: 'get', make: (i) => ({ method: 'GET', path: `${base(data.PROBE)}/${data.probeSharing(i % 500)}`, token: TOKENS.probe }) });
  for (const sortKey of SORT_KEYS) {
    for (const [filter, query] of Object.entries(filters)) {
      const q = [query, `sort_key=${sortKey}`, 'limit=100'].filter(Boolean).join('&');
      get(`list ${sortKey}, ${filter}, first page`, `${base(data.PROBE)}/detail?${q}`);
      const marker = markers[`${sortKey}:${filter}`];
      if (marker) get(`list ${sortKey}, ${filter}, deep page by marker`, `${base(data.PROBE)}/detail?${q}&marker=${marker}`);
    }
  }
  get('list received (share_to_me), created_at, first page', `${base(data.PROBE)}/detail?share_to_me=true&limit=100`);
  get('list received (share_to_me), name, first page', `${base(data.PROBE)}/detail?share_to_me=true&sort_key=name&limit=100`);
  for (const [filter, query] of Object.entries(filters)) {
    get(`count, ${filter}`, `${base(data.PROBE)}/count?${query}`);
    get(`count received (share_to_me), ${filter}`, `${base(data.PROBE)}/count?share_to_me=true&${query}`);
  }
  return { queries, filters };
}

/** The marker of each list variant: the sharing at 80% of the variant's rows, for its deep page. */
async function findMarkers(api, filters) {
  const markers = {};
  for (const sortKey of SORT_KEYS) {
    for (const [filter, query] of Object.entries(filters)) {
      const q = [query, `sort_key=${sortKey}`].filter(Boolean).join('&');
      const { body: counted } = await api.send('GET', `${base(data.PROBE)}/count?${query}`, TOKENS.probe);
      const depth = Math.floor(counted.count * 0.8);
      if (depth < 1) continue;
      const { body } = await api.send('GET', `${base(data.PROBE)}/detail?${q}&limit=${depth}`, TOKENS.probe);
      markers[`${sortKey}:${filter}`] = body.shared[body.shared.length - 1].id;
    }
  }
  return markers;
}

/** Gives the probe its canceled sharings back, as they were before (the fill's timestamps). */
async function restoreProbe(database) {
  await database.query(
    'UPDATE backup_sharings SET active = 1, deleted_at = NULL, updated_at = created_at WHERE from_project_id = ? AND active IS NULL',
    [data.PROBE],
  );
  await database.query('DELETE FROM backup_sharing_events');
}

/**
 * Cancel-all of each of the probe's 50 backups once, 10 sharings each: a backup's sharings are
 * canceled once in use, so each request meets index pages as they are, not pages the previous
 * cancel of the same rows left in the buffer pool. Restored afterwards, outside the timing.
 */
async function measureCancelAll(api, database) {
  const latencies = [];
  let reads = 0;
  for (let b = 0; b < data.PROBE_BACKUPS; b++) {
    const path = `${base(data.PROBE)}/${data.probeBackup(b)}?is_backup_id=true`;
    const before = await scaleServer(database).pageReads(database);
    const response = await api.send('DELETE', path, TOKENS.probe);
    if (response.status !== 200) throw new Error(`DELETE ${path}: ${response.status}`);
    latencies.push(response.ms);
    reads += (await scaleServer(database).pageReads(database)) - before;
  }
  await restoreProbe(database);
  return {
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    requests: latencies.length,
    rows: 10,
    // Server-wide: whatever else the server read meanwhile counts too.
    page_reads_per_request: Math.round(reads / latencies.length),
  };
}

async function measureLevel(api, database, markers, label) {
  const { queries } = probeQueries(markers);
  const results = {};
  for (const query of queries) results[query.label] = await timeRequests(api, query.make);
  results['cancel-all (10 sharings)'] = await measureCancelAll(api, database);
  console.log(`  ${label}: ${Object.keys(results).length} queries measured`);
  return results;
}

async function measureLargeTenant(api, database) {
  const [{ id: deepMarker }] = await database.query(
    'SELECT id FROM backup_sharings WHERE from_project_id = ? AND active = 1 ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET 89999',
    [data.LARGE],
  );
  const L = base(data.LARGE);
  const make = (path) => () => ({ method: 'GET', path, token: TOKENS.large });
  return {
    get: await timeRequests(api, (i) => ({ method: 'GET', path: `${L}/${data.largeSharing(i)}`, token: TOKENS.large })),
    'list created_at, first page': await timeRequests(api, make(`${L}/detail?limit=100`)),
    'list created_at, deep page by marker (row 90,000)': await timeRequests(api, make(`${L}/detail?limit=100&marker=${deepMarker}`)),
    'list name, first page': await timeRequests(api, make(`${L}/detail?sort_key=name&limit=100`)),
    'list created_at, name filter, first page': await timeRequests(api, make(`${L}/detail?name=backup-00&limit=100`)),
    'list created_at, offset 90,000': await timeRequests(api, make(`${L}/detail?limit=100&offset=90000`)),
    'count, whole scope (100,000)': await timeRequests(api, make(`${L}/count`)),
    'count, status filter': await timeRequests(api, make(`${L}/count?status=available`)),
    'cancel-all (10 sharings)': await timeRequests(api, (i) => ({ method: 'DELETE', path: `${L}/${data.largeBackup(i)}?is_backup_id=true`, token: TOKENS.large })),
  };
}

/** How the server plans a few of the statements at this size (EXPLAIN). */
async function plans(database) {
  const scope = 'from_project_id = ? AND active = 1';
  const statements = {
    'list created_at (probe)': [`SELECT id FROM backup_sharings WHERE ${scope} ORDER BY created_at DESC, id DESC LIMIT 100`, [data.PROBE]],
    'list name filter (probe)': [`SELECT id FROM backup_sharings WHERE ${scope} AND LOWER(backup_name) LIKE ? ESCAPE '!' ORDER BY created_at DESC, id DESC LIMIT 100`, [data.PROBE, '%backup-00000%']],
    'count (probe)': [`SELECT COUNT(*) AS n FROM backup_sharings WHERE ${scope}`, [data.PROBE]],
    'count (large tenant)': [`SELECT COUNT(*) AS n FROM backup_sharings WHERE ${scope}`, [data.LARGE]],
    'count status filter (large tenant)': [`SELECT COUNT(*) AS n FROM backup_sharings WHERE ${scope} AND backup_status = ?`, [data.LARGE, 'available']],
  };
  const result = {};
  const { numberedStatement } = require(join(ROOT, 'dist/libs/backup-sharing/src/persistence/numbered-placeholders'));
  for (const [label, [sql, params]] of Object.entries(statements)) {
    result[label] = await scaleServer(database).explain(database, database.kind === 'postgres' ? numberedStatement(sql) : sql, params);
  }
  return result;
}

async function main() {
  const started = Date.now();
  const loadStart = os.loadavg();
  console.log(`bench:scale: ${REQUESTS} requests per query after ${WARMUP} warm-up; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);
  if (!process.argv.includes('--no-build')) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  }
  let mariadb;
  let database;
  let server;
  let api;
  let cleaned = false;
  cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    api?.close();
    await server?.stop();
    // --keep leaves the schema for a closer look (EXPLAIN, the buffer pool's counters).
    if (database && process.argv.includes('--keep') && !mariadb) {
      console.log(`bench:scale: kept the schema ${database.url}`);
      await database.close();
    } else {
      await database?.drop();
    }
    await mariadb?.stop();
  };
  const timings = {};
  try {
    if (privateServer && kind !== 'mysql') throw new Error('--private-server starts a MariaDB: it goes with the default --db mysql only.');
    mariadb = privateServer ? await startPrivateMariadb(bufferPool) : undefined;
    if (mariadb) process.env.BENCH_MYSQL_URL = mariadb.url;
    database = await openBenchDatabase(kind, `bench_scale_${process.pid}`);
    let t = Date.now();
    const level1Rows = await data.fillLevel1(database);
    timings.fill_1k_s = (Date.now() - t) / 1000;
    const tokens = { [TOKENS.probe]: { project_id: data.PROBE, roles: ['member'] }, [TOKENS.large]: { project_id: data.LARGE, roles: ['member'] } };
    server = await startServer('fastify', database.url, { env: { AUTH_STATIC_TOKENS: JSON.stringify(tokens) } });
    api = client(server.url);
    const { filters } = probeQueries({});
    const markers = await findMarkers(api, filters);
    const small = await measureLevel(api, database, markers, `${level1Rows} sharings`);
    const plansSmall = await plans(database);

    t = Date.now();
    let last = 0;
    const level2Rows = await data.fillLevel2(database, (backups, phase) => {
      if (phase) return console.log(`  fill: rows written in ${((Date.now() - t) / 1000).toFixed(0)} s; building the indexes`);
      if (backups - last >= 20_000) {
        last = backups;
        console.log(`  fill: ${backups} of 100000 backups, ${((Date.now() - t) / 1000).toFixed(0)} s`);
      }
    });
    timings.fill_1m_s = (Date.now() - t) / 1000;
    console.log(`  fill: ${level2Rows} sharings in ${timings.fill_1m_s.toFixed(0)} s`);
    // The probe's scope must be what it was: same markers, same rows.
    const check = await findMarkers(api, filters);
    if (JSON.stringify(check) !== JSON.stringify(markers)) throw new Error("The probe's scope changed with the fill.");
    const large = await measureLevel(api, database, markers, `${level2Rows} sharings`);
    const largeTenant = await measureLargeTenant(api, database);
    const plansLarge = await plans(database);
    const environment = {
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      node: process.version,
      cpus: os.cpus().length,
      load_average_start: loadStart,
      load_average_end: os.loadavg(),
      requests_per_query: REQUESTS,
      warmup_per_query: WARMUP,
      duration_s: Math.round((Date.now() - started) / 1000),
      server: { name: scaleServer(database).name, private: privateServer, ...(await scaleServer(database).settings(database)) },
      table_at_1m: await scaleServer(database).tableSize(database),
      ...timings,
    };
    const name = privateServer ? 'scale-private' : kind === 'postgres' ? 'scale-postgres' : 'scale';
    writeScaleReports(join(ROOT, 'bench/results'), name, { environment, levels: { small: level1Rows, large: level2Rows }, small, large, largeTenant, plans: { small: plansSmall, large: plansLarge } });
    console.log(`bench:scale: done in ${environment.duration_s} s; results in bench/results/${name}.{json,md}`);
  } finally {
    await cleanup();
  }
}

/** Stops what the bench started and drops its schema; once, on the way out or when interrupted. */
let cleanup = async () => undefined;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`bench:scale: ${signal}, cleaning up`);
    cleanup().finally(() => process.exit(130));
  });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
