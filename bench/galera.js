#!/usr/bin/env node
'use strict';
// npm run bench:galera [-- --duration 5] [--connections 10] [--no-build]
//
// Throughput of share and cancel (the changes, whose guard row the cluster certifies) and of get
// (a causal read, `wsrep_sync_wait = 1`) on the 3-node MariaDB Galera cluster of
// scripts/galera-dev.sh: one demo host (Fastify) on node 1 alone, then a host on every node with
// the load spread over the three, side by side in one run. Writes bench/results/galera.json and
// galera.md. Starts the cluster when it is down and stops it again afterwards.
const { execFileSync, spawnSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { ROOT } = require('./lib/database');
const { startServer } = require('./lib/processes');
const { drive, figures, faultsNote } = require('./lib/load');
const { SCENARIOS, seed, reseed } = require('./lib/scenarios');

const { option } = require('./lib/cli');
const seconds = Number(option('duration', 5));
const connections = Number(option('connections', 10));
const OPERATIONS = ['share', 'cancel', 'get'];
const script = join(ROOT, 'scripts/galera-dev.sh');

function galera(...args) {
  const run = spawnSync('bash', [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 });
  if (run.status !== 0) throw new Error(`scripts/galera-dev.sh ${args.join(' ')} exited with ${run.status ?? run.signal}`);
  return run.stdout;
}

/** The load of one operation spread over `servers` at once (one counter: no request sent twice). */
async function measure(servers, operation, counter) {
  const per = Math.max(1, Math.round(connections / servers.length));
  const results = await Promise.all(servers.map((server) => drive(server.url, SCENARIOS, [operation], counter, { connections: per, duration: seconds })));
  const parts = results.map(figures);
  return {
    rps: Math.round(parts.reduce((sum, part) => sum + part.rps, 0) * 10) / 10,
    p50_ms: Math.max(...parts.map((part) => part.p50_ms)),
    p99_ms: Math.max(...parts.map((part) => part.p99_ms)),
    requests: parts.reduce((sum, part) => sum + part.requests, 0),
    non_2xx: parts.reduce((sum, part) => sum + part.non_2xx, 0),
    errors: parts.reduce((sum, part) => sum + part.errors, 0),
  };
}

async function main() {
  const wasUp = spawnSync('bash', [script, 'state', '1'], { encoding: 'utf8' }).stdout.trim() === 'Synced';
  const urls = galera('start').split('\n').filter((line) => line.startsWith('mysql://'));
  if (!process.argv.includes('--no-build')) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  }
  process.env.BENCH_MYSQL_URL = urls[0];
  const { openBenchDatabase } = require('./lib/database');
  const name = `bench_galera_${process.pid}`;
  const database = await openBenchDatabase('mysql', name);
  const onNode = (url) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
  const rows = [];
  try {
    await seed(database, 0);
    for (const [setup, nodeUrls] of [
      ['one host, on node 1', [urls[0]]],
      ['a host on every node', urls],
    ]) {
      await reseed(database, 5000 * seconds * 2);
      const servers = await Promise.all(nodeUrls.map((url) => startServer('fastify', onNode(url))));
      try {
        const counter = {};
        // Code compiled and pools filled before anything is measured.
        await Promise.all(servers.map((server) => drive(server.url, SCENARIOS, OPERATIONS, counter, { connections: 2, duration: 2 })));
        for (const operation of OPERATIONS) {
          const result = await measure(servers, operation, counter);
          rows.push({ setup, operation, ...result });
          console.log(`  ${setup.padEnd(22)} ${operation.padEnd(6)} ${String(result.rps).padStart(8)} req/s  p50 ${result.p50_ms} ms  p99 ${result.p99_ms} ms${faultsNote(result)}`);
        }
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
      }
    }
  } finally {
    await database.drop();
    if (!wasUp) galera('stop');
  }
  const environment = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, load_average_end: os.loadavg(), seconds, connections };
  writeFileSync(join(ROOT, 'bench/results/galera.json'), `${JSON.stringify({ environment, rows }, null, 2)}\n`);
  const table = [
    '# Galera: share, cancel and get on a 3-node cluster',
    '',
    `${environment.date}, Node ${environment.node}, ${environment.cpus} cores shared by the three nodes, the hosts and the load; ` +
      `${seconds} s per operation, ${connections} connections in all. \`npm run bench:galera\`.`,
    '',
    '| setup | operation | req/s | p50 / p99 ms | non-2xx |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.setup} | ${row.operation} | ${row.rps} | ${row.p50_ms} / ${row.p99_ms} | ${row.non_2xx} |`),
    '',
  ];
  writeFileSync(join(ROOT, 'bench/results/galera.md'), table.join('\n'));
  console.log('bench:galera: results in bench/results/galera.{json,md}');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
