#!/usr/bin/env node
'use strict';
// npm run bench:otel [-- --quick] [--db mysql] [--servers fastify] [--only get,list,...] [--modes off,metrics,on] [--rounds 3] [--name otel]
// (also: npm run bench -- --otel ...)
//
// The demo host with its metrics and tracing on versus off, side by side, on the same database:
// - off:     OTEL_SDK_DISABLED=true, METRICS_ENABLED=false (no SDK at all);
// - metrics: METRICS_ENABLED=true, /metrics scraped every 5 s; no exporter (trace IDs for the log only);
// - on:      metrics as above, and spans exported over OTLP/HTTP to a sink in this process
//   (OTEL_EXPORTER_OTLP_ENDPOINT), sampled as the host samples by default (parentbased_traceidratio,
//   OTEL_TRACES_SAMPLER_ARG 0.05) unless --sampler-arg says.
// The modes run in an order that turns each round (off, metrics, on; then on, metrics, off; ...)
// for --rounds rounds, each a fresh host process after a warm-up, so that a machine whose load
// drifts favours none. Reports the median requests per second and server CPU per request of each
// operation and mode, against off. Writes bench/results/<name>.json and <name>.md.
const { execFileSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const os = require('node:os');
const { join } = require('node:path');
const { openBenchDatabase, ROOT } = require('./lib/database');
const { startServer } = require('./lib/processes');
const { drive, figures } = require('./lib/load');
const { SCENARIOS, seed, reseed } = require('./lib/scenarios');

const { option, median } = require('./lib/cli');
const quick = process.argv.includes('--quick');
const settings = {
  databases: option('db', 'mysql').split(','),
  servers: option('servers', 'fastify').split(','),
  operations: option('only', 'get,list,count,share,cancel').split(','),
  rounds: Number(option('rounds', quick ? 2 : 3)),
  connections: Number(option('connections', 10)),
  warmupSeconds: Number(option('warmup', quick ? 1 : 3)),
  seconds: Number(option('duration', quick ? 3 : 8)),
  samplerArg: option('sampler-arg', undefined),
  modes: option('modes', 'off,metrics,on').split(','),
  name: option('name', 'otel'),
};
const cancelStock = Math.ceil(5000 * (settings.warmupSeconds * 2 + settings.seconds));
const DB_LABEL = { mysql: 'mariadb', sqlite: 'sqlite', postgres: 'postgres' };

/** An OTLP/HTTP receiver that counts what it is sent and throws it away, as a collector's queue would take it. */
async function startSink() {
  const sink = { requests: 0, bytes: 0 };
  const server = createServer((request, response) => {
    request.on('data', (chunk) => (sink.bytes += chunk.length));
    request.on('end', () => {
      sink.requests++;
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${server.address().port}`;
  sink.close = () => new Promise((resolve) => server.close(resolve));
  return sink;
}

function modeEnv(mode, sink) {
  if (mode === 'off') return { OTEL_SDK_DISABLED: 'true', METRICS_ENABLED: 'false' };
  if (mode === 'metrics') return { METRICS_ENABLED: 'true' };
  return {
    METRICS_ENABLED: 'true',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    ...(settings.samplerArg !== undefined ? { OTEL_TRACES_SAMPLER_ARG: settings.samplerArg } : {}),
  };
}

/** One host process in one mode: every operation warmed up, then measured. */
async function measure(kind, database, mode, sink) {
  await reseed(database, settings.operations.includes('cancel') ? cancelStock : 0);
  const server = await startServer(kind, database.url, { env: modeEnv(mode, sink) });
  // Prometheus's default-ish scrape, while the load runs.
  const scraper = mode !== 'off' ? setInterval(() => fetch(`${server.url}/metrics`).then((r) => r.text()).catch(() => undefined), 5000) : undefined;
  const counter = {};
  const results = {};
  try {
    const options = { connections: settings.connections };
    await drive(server.url, SCENARIOS, settings.operations, counter, { ...options, duration: settings.warmupSeconds });
    for (const operation of settings.operations) {
      await drive(server.url, SCENARIOS, [operation], counter, { ...options, duration: settings.warmupSeconds });
      const cpuBefore = server.cpuMs();
      const result = figures(await drive(server.url, SCENARIOS, [operation], counter, { ...options, duration: settings.seconds }));
      result.cpu_us = Math.round(((server.cpuMs() - cpuBefore) * 1000) / Math.max(1, result.requests));
      results[operation] = result;
      const flag = result.non_2xx || result.errors ? `  (!) ${result.non_2xx} non-2xx, ${result.errors} errors` : '';
      console.log(`  ${kind.padEnd(8)} ${DB_LABEL[database.kind].padEnd(7)} ${mode.padEnd(3)} ${operation.padEnd(6)} ${String(result.rps).padStart(8)} req/s  p99 ${result.p99_ms} ms  cpu ${result.cpu_us} us/req${flag}`);
    }
    if (mode !== 'off') {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      if (!/^backup_sharing_requests_total\{/m.test(text)) throw new Error(`"${mode}" host: /metrics shows no backup_sharing_requests_total`);
    }
  } finally {
    clearInterval(scraper);
    await server.stop();
  }
  return results;
}

async function main() {
  const started = Date.now();
  const loadStart = os.loadavg();
  console.log(
    `bench:otel: ${settings.rounds} rounds of ${settings.modes.join(', ')} (the order turning each round), ${settings.seconds} s per operation after ${settings.warmupSeconds} s warm-up, ` +
      `${settings.connections} connections; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`,
  );
  if (!process.argv.includes('--no-build')) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  }
  const sink = await startSink();
  const runs = [];
  try {
    for (const kind of settings.databases) {
      const database = await openBenchDatabase(kind, `bench_otel_${process.pid}`);
      try {
        await seed(database, 0);
        for (const server of settings.servers) {
          for (let round = 0; round < settings.rounds; round++) {
            for (const mode of round % 2 === 0 ? settings.modes : [...settings.modes].reverse()) {
              const results = await measure(server, database, mode, sink);
              for (const [operation, result] of Object.entries(results)) runs.push({ db: DB_LABEL[kind], server, mode, round, operation, ...result });
            }
          }
        }
      } finally {
        await database.drop();
      }
    }
  } finally {
    await sink.close();
  }

  const rows = [];
  for (const db of [...new Set(runs.map((r) => r.db))]) {
    for (const server of settings.servers) {
      for (const operation of settings.operations) {
        const of = (mode) => runs.filter((r) => r.db === db && r.server === server && r.operation === operation && r.mode === mode);
        const off = of('off');
        if (off.length === 0) continue;
        const row = { db, server, operation, rps_off: median(off.map((r) => r.rps)), cpu_us_off: median(off.map((r) => r.cpu_us)) };
        for (const mode of settings.modes.filter((m) => m !== 'off')) {
          const measured = of(mode);
          if (measured.length === 0) continue;
          row[`rps_${mode}`] = median(measured.map((r) => r.rps));
          row[`rps_${mode}_vs_off`] = Math.round((row[`rps_${mode}`] / row.rps_off) * 1000) / 1000;
          row[`cpu_us_${mode}`] = median(measured.map((r) => r.cpu_us));
          row[`cpu_${mode}_vs_off`] = Math.round((row[`cpu_us_${mode}`] / row.cpu_us_off) * 1000) / 1000;
        }
        rows.push(row);
      }
    }
  }
  const environment = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    load_average_start: loadStart,
    load_average_end: os.loadavg(),
    rounds: settings.rounds,
    seconds_per_operation: settings.seconds,
    warmup_seconds: settings.warmupSeconds,
    connections: settings.connections,
    sampler_arg: settings.samplerArg ?? 'host default (0.05)',
    otlp_sink: { requests: sink.requests, bytes: sink.bytes },
    duration_s: Math.round((Date.now() - started) / 1000),
  };
  const resultsDir = join(ROOT, 'bench/results');
  writeFileSync(join(resultsDir, `${settings.name}.json`), `${JSON.stringify({ environment, rows, runs }, null, 2)}\n`);
  const others = settings.modes.filter((m) => m !== 'off');
  const table = [
    `| database | adapter | operation | req/s off | ${others.map((m) => `req/s ${m} | ${m} / off`).join(' | ')} | CPU µs/req off | ${others.map((m) => `CPU ${m} | ${m} / off`).join(' | ')} |`,
    `|---|---|---|---:|${others.map(() => '---:|---:').join('|')}|---:|${others.map(() => '---:|---:').join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${r.db} | ${r.server} | ${r.operation} | ${r.rps_off} | ${others.map((m) => `${r[`rps_${m}`]} | ${r[`rps_${m}_vs_off`]}`).join(' | ')} | ` +
        `${r.cpu_us_off} | ${others.map((m) => `${r[`cpu_us_${m}`]} | ${r[`cpu_${m}_vs_off`]}`).join(' | ')} |`,
    ),
  ].join('\n');
  writeFileSync(
    join(resultsDir, `${settings.name}.md`),
    `# Metrics and tracing on versus off\n\n\`npm run bench:otel\`, ${environment.date}, Node ${environment.node}, ${environment.cpus} CPUs, ` +
      `load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} at the start and ${environment.load_average_end.map((l) => l.toFixed(2)).join(' ')} at the end; ` +
      `medians of ${settings.rounds} alternating rounds of ${settings.seconds} s per operation. "metrics": /metrics scraped every 5 s, no span exporter; "on": the same, and spans sampled ` +
      `(${environment.sampler_arg}) and exported over OTLP/HTTP (${sink.requests} exports, ${sink.bytes} bytes).\n\n${table}\n`,
  );
  console.log(`\n${table}\n\nbench:otel: done in ${environment.duration_s} s; load average now ${environment.load_average_end.map((l) => l.toFixed(2)).join(' ')}; results in bench/results/${settings.name}.{json,md}`);
}

module.exports = { main };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
