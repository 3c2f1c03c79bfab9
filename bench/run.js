#!/usr/bin/env node
'use strict';
// npm run bench [-- --quick] [--db mysql,sqlite,postgres] [--only get,list,...] [--servers fastify,express,baseline] [--slices 5] [--slice 2] [--name latest]
// npm run bench -- --otel [...]: the host with metrics and tracing on versus off instead (bench/otel.js).
//
// Requests per second, p50/p99 latency and peak RSS of get, list (page of 100), count, share and
// cancel, on MariaDB and SQLite (and PostgreSQL with --db postgres), for the demo host on Fastify
// and on Express (each a child process started from the compiled build) and for the hand-written
// baseline (bench/baseline), side by side in one run: all servers up on one database, each
// operation measured in short slices that take the servers in turn. Then a memory soak: RSS and heap of
// the host over a long run. Writes bench/results/<name>.json, <name>.md, <name>.svg (name: latest
// unless --name says otherwise) and memory.json.
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const { join } = require('node:path');
const { openBenchDatabase, ROOT } = require('./lib/database');
const { startServer } = require('./lib/processes');
const { measureSideBySide, cancelStockFor } = require('./lib/side-by-side');
const { faultsNote } = require('./lib/load');
const { SHARE_CAPACITY, seed, reseed } = require('./lib/scenarios');
const { writeReports } = require('./lib/report');
const { memorySoak } = require('./lib/memory-soak');

const { option } = require('./lib/cli');
const quick = process.argv.includes('--quick');
const settings = {
  quick,
  databases: option('db', 'mysql,sqlite').split(','),
  operations: option('only', 'get,list,count,share,cancel').split(','),
  servers: option('servers', 'fastify,baseline,express').split(','),
  connections: Number(option('connections', 10)),
  // A new server first runs every operation in turn (its code compiled and its pools filled),
  // then each operation warms up alone before it is measured.
  serverWarmupSeconds: Number(option('server-warmup', quick ? 3 : 5)),
  warmupSeconds: Number(option('warmup', quick ? 1 : 3)),
  // Each operation is measured in slices of this many seconds, the servers taking turns.
  sliceSeconds: Number(option('slice', quick ? 1 : 2)),
  slices: Number(option('slices', quick ? 3 : 5)),
  soakRequests: Number(option('soak', quick ? 10_000 : 100_000)),
  soakAdapters: option('soak-adapters', quick ? 'fastify' : 'fastify,express').split(',').filter(Boolean),
  name: option('name', 'latest'),
};
const cancelStock = cancelStockFor(settings.servers.length, settings);

const DB_LABEL = { mysql: 'mariadb', sqlite: 'sqlite', postgres: 'postgres' };

/** Every server on one database, side by side (`bench/lib/side-by-side.js`); rows as the report takes them. */
async function measureServers(database) {
  await reseed(database, settings.operations.includes('cancel') ? cancelStock : 0);
  const servers = [];
  try {
    for (const kind of settings.servers) servers.push({ label: kind, server: await startServer(kind, database.url) });
    const db = DB_LABEL[database.kind];
    const rows = await measureSideBySide(servers, settings.operations, settings, (kind, operation, result) => {
      console.log(`  ${kind.padEnd(8)} ${db.padEnd(7)} ${operation.padEnd(6)} ${String(result.rps).padStart(8)} req/s  p50 ${result.p50_ms} ms  p99 ${result.p99_ms} ms  rss ${result.rss_mb} MB${faultsNote(result)}`);
    });
    const measured = [];
    for (const kind of settings.servers) {
      for (const [operation, { counter, ...row }] of Object.entries(rows[kind])) {
        if (operation === 'share' && counter > SHARE_CAPACITY) row.note = 'ran out of unshared backups';
        if (operation === 'cancel' && counter > cancelStock) row.note = 'ran out of seeded sharings';
        measured.push({ scenario: operation, server: kind, db, ...row });
      }
    }
    return measured;
  } finally {
    await Promise.all(servers.map(({ server }) => server.stop()));
  }
}

async function main() {
  const started = Date.now();
  const load = os.loadavg();
  console.log(
    `bench: ${quick ? 'quick' : 'full'}; ${settings.slices} slices of ${settings.sliceSeconds} s per operation and server, the servers taking turns, after ${settings.warmupSeconds} s warm-up ` +
      `(and ${settings.serverWarmupSeconds} s of all of them when a server starts), ${settings.connections} connections; load average ${load.map((l) => l.toFixed(2)).join(' ')}`,
  );
  if (!process.argv.includes('--no-build')) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  }
  const measured = [];
  for (const kind of settings.databases) {
    const database = await openBenchDatabase(kind, `bench_throughput_${process.pid}`);
    try {
      await seed(database, 0);
      measured.push(...(await measureServers(database)));
    } finally {
      await database.drop();
    }
  }

  let memory = [];
  if (settings.soakRequests > 0 && settings.databases.includes('mysql')) {
    const database = await openBenchDatabase('mysql', `bench_memory_${process.pid}`);
    try {
      await seed(database, 0);
      for (const adapter of settings.soakAdapters) {
        await reseed(database, Math.ceil(settings.soakRequests / 5) + 1000);
        memory.push(await memorySoak(adapter, database, settings.soakRequests, settings.connections));
      }
    } finally {
      await database.drop();
    }
  }

  const environment = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    node: process.version,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model,
    load_average_start: load,
    load_average_end: os.loadavg(),
    seconds_per_operation: settings.slices * settings.sliceSeconds,
    slices: settings.slices,
    slice_seconds: settings.sliceSeconds,
    warmup_seconds: settings.warmupSeconds,
    server_warmup_seconds: settings.serverWarmupSeconds,
    connections: settings.connections,
    duration_s: Math.round((Date.now() - started) / 1000),
  };
  writeReports(join(ROOT, 'bench/results'), measured, memory, environment, settings.name);
  console.log(`bench: done in ${environment.duration_s} s; load average now ${environment.load_average_end.map((l) => l.toFixed(2)).join(' ')}; results in bench/results/${settings.name}.{json,md,svg}`);
}

if (require.main === module) {
  (process.argv.includes('--otel') ? require('./otel').main() : main()).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
