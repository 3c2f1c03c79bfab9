#!/usr/bin/env node
'use strict';
// npm run bench:sqlite [-- --no-build] [--adapter fastify] [--idle 5] [--duration 10] [--writers 16]
//
// One tenant's reads while another tenant writes, on the demo host's SQLite file: the reader
// gets one of its sharings again and again, first alone, then while 16 writers of another
// project share and cancel as fast as they can. Run twice: with SQLite's defaults (rollback
// journal, synchronous=FULL: SQLITE_JOURNAL_MODE=delete SQLITE_SYNCHRONOUS=full) and with the
// host's (WAL, synchronous=NORMAL). Writes bench/results/sqlite-contention.json and .md.
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { ROOT } = require('./lib/database');
const { PROJECTS, TOKENS } = require('./lib/fixtures');
const { startServer } = require('./lib/processes');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}
const settings = {
  adapter: option('adapter', 'fastify'),
  idleSeconds: Number(option('idle', 5)),
  seconds: Number(option('duration', 10)),
  writers: Number(option('writers', 16)),
};
const MODES = [
  { name: 'before', label: 'rollback journal, synchronous=FULL (SQLite defaults)', env: { SQLITE_JOURNAL_MODE: 'delete', SQLITE_SYNCHRONOUS: 'full' } },
  { name: 'after', label: 'WAL, synchronous=NORMAL (the host default)', env: {} },
];
const VOLUME = '5024a06e-6990-4f12-9dcc-8fe26b01a710';

async function call(url, method, path, token, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'X-Auth-Token': token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

const v2 = (project) => `/v2/${project}`;

/** A backup of `project`, created through the host's API. */
async function backupOf(url, who) {
  const created = await call(url, 'POST', `${v2(PROJECTS[who])}/backups`, TOKENS[who], { backup: { volume_id: VOLUME, name: `${who}-bench` } });
  return created.backup.id;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (value) => (value === null ? null : Math.round(value * 100) / 100);
  return { requests: sorted.length, p50_ms: round(percentile(sorted, 50)), p99_ms: round(percentile(sorted, 99)), max_ms: round(sorted[sorted.length - 1] ?? null) };
}

/** The reader's gets of its own sharing, one at a time, for `seconds`. */
async function read(url, path, seconds) {
  const latencies = [];
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const started = performance.now();
    await call(url, 'GET', path, TOKENS.owner);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** A writer of the other tenant: share its backup with a new project, cancel it, again. */
async function write(url, backupId, writer, stop) {
  let changes = 0;
  for (let n = 0; !stop.done; n++) {
    const target = `benchwriter${String(writer).padStart(3, '0')}x${String(n).padStart(7, '0')}`;
    const shared = await call(url, 'POST', `${v2(PROJECTS.share)}/os-vendor-backup-sharing`, TOKENS.share, {
      shared: { backup_id: backupId, to_project_ids: [target] },
    });
    await call(url, 'DELETE', `${v2(PROJECTS.share)}/os-vendor-backup-sharing/${shared.shared[0].id}`, TOKENS.share);
    changes += 2;
  }
  return changes;
}

async function measure(mode) {
  const folder = mkdtempSync(join(os.tmpdir(), 'bench-sqlite-'));
  const server = await startServer(settings.adapter, `sqlite:${join(folder, 'block-storage.sqlite')}`, {
    env: { DB_MIGRATE: 'true', ...mode.env },
  });
  try {
    const readerBackup = await backupOf(server.url, 'owner');
    const shared = await call(server.url, 'POST', `${v2(PROJECTS.owner)}/os-vendor-backup-sharing`, TOKENS.owner, {
      shared: { backup_id: readerBackup, to_project_ids: ['benchreader0000000000000000000001'] },
    });
    const path = `${v2(PROJECTS.owner)}/os-vendor-backup-sharing/${shared.shared[0].id}`;
    const writerBackups = [];
    for (let i = 0; i < settings.writers; i++) writerBackups.push(await backupOf(server.url, 'share'));
    await read(server.url, path, 1); // warm-up
    const alone = summary(await read(server.url, path, settings.idleSeconds));
    const stop = { done: false };
    const writers = writerBackups.map((backupId, writer) => write(server.url, backupId, writer, stop));
    const started = Date.now();
    const loaded = summary(await read(server.url, path, settings.seconds));
    stop.done = true;
    const changes = (await Promise.all(writers)).reduce((sum, n) => sum + n, 0);
    const writesPerSecond = Math.round(changes / ((Date.now() - started) / 1000));
    console.log(`${mode.name} (${mode.label}): alone p50 ${alone.p50_ms} ms p99 ${alone.p99_ms} ms; under ${settings.writers} writers p50 ${loaded.p50_ms} ms p99 ${loaded.p99_ms} ms max ${loaded.max_ms} ms; writes ${writesPerSecond}/s`);
    return { mode: mode.name, label: mode.label, alone, under_writers: loaded, writes_per_second: writesPerSecond };
  } finally {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

function markdown(report) {
  const lines = [
    `# Another tenant's reads under ${report.settings.writers} writers (SQLite file, ${report.settings.adapter})`,
    '',
    `${report.date}, ${report.machine}. The reader gets one of its sharings in a loop, alone for ${report.settings.idleSeconds} s, then for ${report.settings.seconds} s while ${report.settings.writers} writers of another project share and cancel as fast as they can.`,
    '',
    '| SQLite | alone p50 / p99 ms | under writers p50 / p99 / max ms | writes/s |',
    '|---|---:|---:|---:|',
    ...report.results.map(
      (r) => `| ${r.mode}: ${r.label} | ${r.alone.p50_ms} / ${r.alone.p99_ms} | ${r.under_writers.p50_ms} / ${r.under_writers.p99_ms} / ${r.under_writers.max_ms} | ${r.writes_per_second} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

async function main() {
  if (!process.argv.includes('--no-build')) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  }
  const results = [];
  for (const mode of MODES) results.push(await measure(mode));
  const report = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
    settings,
    results,
  };
  writeFileSync(join(ROOT, 'bench/results/sqlite-contention.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(ROOT, 'bench/results/sqlite-contention.md'), markdown(report));
  console.log('Wrote bench/results/sqlite-contention.json and sqlite-contention.md');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
