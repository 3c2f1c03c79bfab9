#!/usr/bin/env node
'use strict';
// npm run bench [-- --quick] [--db mysql,sqlite,postgres] [--only get,list,...] [--servers fastify,express,baseline] [--rounds 3] [--name latest]
// npm run bench -- --otel [...]: the host with metrics and tracing on versus off instead (bench/otel.js).
//
// Requests per second, p50/p99 latency and peak RSS of get, list (page of 100), count, share and
// cancel, on MariaDB and SQLite (and PostgreSQL with --db postgres), for the demo host on Fastify
// and on Express (each a child process started from the compiled build) and for the hand-written
// baseline (bench/baseline), one server at a time, in one run. Then a memory soak: RSS and heap of
// the host over a long run. Writes bench/results/<name>.json, <name>.md, <name>.svg (name: latest
// unless --name says otherwise) and memory.json.
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const { join } = require('node:path');
const { openBenchDatabase, ROOT } = require('./lib/database');
const { startServer, sampleRss } = require('./lib/processes');
const { drive, figures } = require('./lib/load');
const { SCENARIOS, SHARE_CAPACITY, seed, reseed } = require('./lib/scenarios');
const { writeReports } = require('./lib/report');
const { memorySoak } = require('./lib/memory-soak');

const { option, median } = require('./lib/cli');
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
  seconds: Number(option('duration', quick ? 3 : 10)),
  soakRequests: Number(option('soak', quick ? 10_000 : 100_000)),
  soakAdapters: option('soak-adapters', quick ? 'fastify' : 'fastify,express').split(',').filter(Boolean),
  // Each server is measured this many times, the servers' order turning every round; the report
  // gives each figure's median. One run of a server swings by a third on a machine whose two cores
  // the load generator and the database share: a ratio from one round is not a verdict.
  rounds: Number(option('rounds', quick ? 1 : 3)),
  name: option('name', 'latest'),
};
// Sharings a cancel run may consume: more than the fastest server cancels in the time given.
const cancelStock = Math.ceil(5000 * (settings.warmupSeconds + settings.seconds) + 2000 * settings.serverWarmupSeconds);

const DB_LABEL = { mysql: 'mariadb', sqlite: 'sqlite', postgres: 'postgres' };

async function measureServer(kind, database) {
  await reseed(database, settings.operations.includes('cancel') ? cancelStock : 0);
  const server = await startServer(kind, database.url);
  const results = {};
  // Numbers the requests of each operation across every phase: no share or cancel is sent twice.
  const counter = {};
  try {
    const options = { connections: settings.connections };
    if (settings.serverWarmupSeconds > 0) {
      await drive(server.url, SCENARIOS, settings.operations, counter, { ...options, duration: settings.serverWarmupSeconds });
    }
    for (const operation of settings.operations) {
      if (settings.warmupSeconds > 0) await drive(server.url, SCENARIOS, [operation], counter, { ...options, duration: settings.warmupSeconds });
      const stopSampling = sampleRss(server);
      const cpuBefore = server.cpuMs();
      const result = figures(await drive(server.url, SCENARIOS, [operation], counter, { ...options, duration: settings.seconds }));
      result.rss_mb = Math.round(stopSampling().peak * 10) / 10;
      // Server CPU per answer: steadier than requests per second on a machine shared with others.
      result.cpu_us = Math.round(((server.cpuMs() - cpuBefore) * 1000) / Math.max(1, result.requests));
      if (operation === 'share' && (counter.share ?? 0) > SHARE_CAPACITY) result.note = 'ran out of unshared backups';
      if (operation === 'cancel' && (counter.cancel ?? 0) > cancelStock) result.note = 'ran out of seeded sharings';
      results[operation] = result;
      const flag = result.non_2xx || result.errors ? `  (!) ${result.non_2xx} non-2xx, ${result.errors} errors` : '';
      console.log(`  ${kind.padEnd(8)} ${DB_LABEL[database.kind].padEnd(7)} ${operation.padEnd(6)} ${String(result.rps).padStart(8)} req/s  p50 ${result.p50_ms} ms  p99 ${result.p99_ms} ms  rss ${result.rss_mb} MB  cpu ${result.cpu_us} us/req${flag}`);
    }
  } finally {
    await server.stop();
  }
  return results;
}

/** One row of the rounds of a server and operation: medians, the peak RSS, every round's req/s. */
function medianOf(runs) {
  if (runs.length === 1) return runs[0];
  const row = { ...runs[0] };
  for (const field of ['rps', 'p50_ms', 'p99_ms', 'cpu_us', 'requests']) row[field] = Math.round(median(runs.map((run) => run[field])) * 10) / 10;
  for (const field of ['non_2xx', 'errors']) row[field] = runs.reduce((sum, run) => sum + (run[field] ?? 0), 0);
  row.rss_mb = Math.max(...runs.map((run) => run.rss_mb));
  row.rounds_rps = runs.map((run) => run.rps);
  const notes = runs.map((run) => run.note).filter(Boolean);
  if (notes.length > 0) row.note = notes[0];
  return row;
}

async function main() {
  const started = Date.now();
  const load = os.loadavg();
  console.log(
    `bench: ${quick ? 'quick' : 'full'}; ${settings.seconds} s per operation after ${settings.warmupSeconds} s warm-up ` +
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
      const rounds = new Map();
      for (let round = 0; round < settings.rounds; round++) {
        if (settings.rounds > 1) console.log(`  round ${round + 1} of ${settings.rounds}`);
        const order = round % 2 === 0 ? settings.servers : [...settings.servers].reverse();
        for (const server of order) {
          const results = await measureServer(server, database);
          for (const [scenario, result] of Object.entries(results)) {
            const key = `${server} ${scenario}`;
            rounds.set(key, [...(rounds.get(key) ?? []), { scenario, server, db: DB_LABEL[kind], ...result }]);
          }
        }
      }
      for (const server of settings.servers) {
        for (const scenario of settings.operations) {
          const runs = rounds.get(`${server} ${scenario}`);
          if (runs) measured.push(medianOf(runs));
        }
      }
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
    seconds_per_operation: settings.seconds,
    warmup_seconds: settings.warmupSeconds,
    server_warmup_seconds: settings.serverWarmupSeconds,
    connections: settings.connections,
    rounds: settings.rounds,
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
