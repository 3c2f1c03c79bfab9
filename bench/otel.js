#!/usr/bin/env node
'use strict';
// npm run bench:otel [-- --quick] [--db mysql] [--servers fastify] [--only get,list,...] [--modes off,metrics,on] [--slices 6] [--slice 2] [--name otel]
// (also: npm run bench -- --otel ...)
//
// The demo host with its metrics and tracing on versus off, side by side, on the same database:
// - off:     OTEL_SDK_DISABLED=true, METRICS_ENABLED=false (no SDK at all);
// - metrics: METRICS_ENABLED=true, /metrics scraped every 5 s; no exporter (trace IDs for the log only);
// - on:      metrics as above, and spans exported over OTLP/HTTP to a sink in this process
//   (OTEL_EXPORTER_OTLP_ENDPOINT), sampled as the host samples by default (parentbased_traceidratio,
//   OTEL_TRACES_SAMPLER_ARG 0.05) unless --sampler-arg says.
// A host in each mode runs at once on one database; each operation is measured in short slices
// that take the modes in turn, the order turning every slice (`bench/lib/side-by-side.js`), so
// that the drift of a shared machine's speed favours none. Reports the median requests per second
// and the server CPU per request of each operation and mode, against off. Writes bench/results/<name>.json and <name>.md.
const { execFileSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const os = require('node:os');
const { join } = require('node:path');
const { openBenchDatabase, ROOT } = require('./lib/database');
const { startServer } = require('./lib/processes');
const { measureSideBySide, cancelStockFor, pairedRatio } = require('./lib/side-by-side');
const { faultsNote } = require('./lib/load');
const { seed, reseed } = require('./lib/scenarios');

const { option } = require('./lib/cli');
const quick = process.argv.includes('--quick');
const settings = {
  databases: option('db', 'mysql').split(','),
  servers: option('servers', 'fastify').split(','),
  operations: option('only', 'get,list,count,share,cancel').split(','),
  connections: Number(option('connections', 10)),
  serverWarmupSeconds: Number(option('server-warmup', quick ? 2 : 3)),
  warmupSeconds: Number(option('warmup', quick ? 1 : 2)),
  // Each operation is measured in slices of this many seconds, the modes taking turns.
  sliceSeconds: Number(option('slice', quick ? 1 : 2)),
  slices: Number(option('slices', quick ? 3 : 6)),
  samplerArg: option('sampler-arg', undefined),
  modes: option('modes', 'off,metrics,on').split(','),
  name: option('name', 'otel'),
};
const cancelStock = cancelStockFor(settings.modes.length, settings);
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

/** A host process in each mode on one database, side by side (`bench/lib/side-by-side.js`). */
async function measureModes(kind, database, sink) {
  await reseed(database, settings.operations.includes('cancel') ? cancelStock : 0);
  const servers = [];
  const scrapers = [];
  try {
    for (const mode of settings.modes) {
      const server = await startServer(kind, database.url, { env: modeEnv(mode, sink) });
      servers.push({ label: mode, server });
      // Prometheus's default-ish scrape, while the load runs.
      if (mode !== 'off') scrapers.push(setInterval(() => fetch(`${server.url}/metrics`).then((r) => r.text()).catch(() => undefined), 5000));
    }
    const rows = await measureSideBySide(servers, settings.operations, settings, (mode, operation, result) => {
      console.log(`  ${kind.padEnd(8)} ${DB_LABEL[database.kind].padEnd(7)} ${mode.padEnd(7)} ${operation.padEnd(6)} ${String(result.rps).padStart(8)} req/s  p99 ${result.p99_ms} ms${faultsNote(result)}`);
    });
    for (const { label, server } of servers) {
      if (label === 'off') continue;
      const text = await (await fetch(`${server.url}/metrics`)).text();
      if (!/^backup_sharing_requests_total\{/m.test(text)) throw new Error(`"${label}" host: /metrics shows no backup_sharing_requests_total`);
    }
    return rows;
  } finally {
    scrapers.forEach(clearInterval);
    await Promise.all(servers.map(({ server }) => server.stop()));
  }
}

async function main() {
  const started = Date.now();
  const loadStart = os.loadavg();
  console.log(
    `bench:otel: ${settings.modes.join(', ')} side by side, ${settings.slices} slices of ${settings.sliceSeconds} s per operation and mode after ${settings.warmupSeconds} s warm-up, ` +
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
          const rows = await measureModes(server, database, sink);
          for (const [mode, operations] of Object.entries(rows)) {
            for (const [operation, result] of Object.entries(operations)) runs.push({ db: DB_LABEL[kind], server, mode, operation, ...result });
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
        // One run per mode: the medians of its slices; against off, the median of each round's ratio (`pairedRatio`).
        const of = (mode) => runs.find((r) => r.db === db && r.server === server && r.operation === operation && r.mode === mode);
        const off = of('off');
        if (!off) continue;
        const row = { db, server, operation, rps_off: off.rps, cpu_us_off: off.cpu_us };
        for (const mode of settings.modes.filter((m) => m !== 'off')) {
          const measured = of(mode);
          if (!measured) continue;
          row[`rps_${mode}`] = measured.rps;
          row[`rps_${mode}_vs_off`] = Math.round(pairedRatio(measured.slices_rps, off.slices_rps) * 1000) / 1000;
          row[`rps_${mode}_medians_vs_off`] = Math.round((measured.rps / off.rps) * 1000) / 1000;
          row[`cpu_us_${mode}`] = measured.cpu_us;
          row[`cpu_${mode}_vs_off`] = Math.round((measured.cpu_us / off.cpu_us) * 1000) / 1000;
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
    slices: settings.slices,
    slice_seconds: settings.sliceSeconds,
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
    `| database | adapter | operation | req/s off | ${others.map((m) => `req/s ${m} | ${m} / off (medians)`).join(' | ')} | CPU µs/req off | ${others.map((m) => `CPU ${m} | ${m} / off`).join(' | ')} |`,
    `|---|---|---|---:|${others.map(() => '---:|---:').join('|')}|---:|${others.map(() => '---:|---:').join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${r.db} | ${r.server} | ${r.operation} | ${r.rps_off} | ${others.map((m) => `${r[`rps_${m}`]} | ${r[`rps_${m}_vs_off`]} (${r[`rps_${m}_medians_vs_off`]})`).join(' | ')} | ` +
        `${r.cpu_us_off} | ${others.map((m) => `${r[`cpu_us_${m}`]} | ${r[`cpu_${m}_vs_off`]}`).join(' | ')} |`,
    ),
  ].join('\n');
  writeFileSync(
    join(resultsDir, `${settings.name}.md`),
    `# Metrics and tracing on versus off\n\n\`npm run bench:otel\`, ${environment.date}, Node ${environment.node}, ${environment.cpus} CPUs, ` +
      `load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} at the start and ${environment.load_average_end.map((l) => l.toFixed(2)).join(' ')} at the end; ` +
      `the modes side by side, medians of ${settings.slices} slices of ${settings.sliceSeconds} s per operation and mode, taken in turn; "/ off": the median over the rounds of a mode's slice against off's slice of the same round (the ratio of the medians in brackets). "metrics": /metrics scraped every 5 s, no span exporter; "on": the same, and spans sampled ` +
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
