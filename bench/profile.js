#!/usr/bin/env node
'use strict';
// npm run bench:profile -- [fastify|express|baseline] [get|list|count|share|cancel] [seconds] [mysql|postgres|sqlite] [NAME=value ...]
//
// Runs one server under load with `node --cpu-prof`, then prints where its CPU went per answer:
// self time by package (node_modules/<package>, the build's folders, Node's internals) and the
// heaviest functions; NAME=value pairs are the server's environment too (METRICS_ENABLED=true).
// The .cpuprofile stays in the system's temporary folder for Chrome DevTools.
// Times include the server's start-up, spread over the answers; run for 10 s or more.
const { readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { openBenchDatabase } = require('./lib/database');
const { startServer } = require('./lib/processes');
const { drive, figures } = require('./lib/load');
const { SCENARIOS, seed } = require('./lib/scenarios');

/** Self time (µs) per answer, grouped by `groupOf(callFrame)`. */
function selfTimes(profile, answers, groupOf) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  profile.samples.forEach((id, index) => {
    const group = groupOf(nodes.get(id).callFrame);
    totals.set(group, (totals.get(group) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return [...totals].map(([group, us]) => [group, us / answers]).sort((a, b) => b[1] - a[1]);
}

const packageOf = ({ url, functionName }) => {
  const dependency = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  if (url.includes('/dist/')) return `build: ${url.split('/dist/')[1].split('/').slice(0, -1).join('/')}`;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('bench/baseline')) return 'baseline';
  return functionName ? `(${functionName})` : '(native)';
};
const functionOf = ({ url, functionName, lineNumber }) =>
  `${functionName || '(anonymous)'} ${url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/')}:${lineNumber + 1}`;

async function main() {
  const [kind = 'fastify', operation = 'get', seconds = '10', db = 'mysql', ...pairs] = process.argv.slice(2);
  const env = Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  const database = await openBenchDatabase(db, `bench_profile_${process.pid}`);
  const name = `${kind}-${operation}-${process.pid}.cpuprofile`;
  try {
    await seed(database, 60_000);
    process.env.BENCH_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${tmpdir()} --cpu-prof-name=${name}`;
    const server = await startServer(kind, database.url, { env });
    const counter = {};
    let answers = 0;
    try {
      answers += (await drive(server.url, SCENARIOS, [operation], counter, { connections: 10, duration: 2 })).requests.total;
      const cpuBefore = server.cpuMs();
      const result = await drive(server.url, SCENARIOS, [operation], counter, { connections: 10, duration: Number(seconds) });
      answers += result.requests.total;
      const measured = figures(result);
      console.log(`${kind} ${db} ${operation}: ${measured.rps} req/s, ${Math.round(((server.cpuMs() - cpuBefore) * 1000) / measured.requests)} µs CPU per answer`);
    } finally {
      await server.stop();
    }
    const profile = JSON.parse(readFileSync(join(tmpdir(), name), 'utf8'));
    const print = (title, rows, count) => {
      console.log(`\n${title} (µs per answer, self time)`);
      for (const [group, us] of rows.slice(0, count)) console.log(`${us.toFixed(1).padStart(8)}  ${group}`);
    };
    print('by package', selfTimes(profile, answers, packageOf), 25);
    print('by function', selfTimes(profile, answers, functionOf), 30);
    console.log(`\nprofile: ${join(tmpdir(), name)}`);
  } finally {
    await database.drop();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
