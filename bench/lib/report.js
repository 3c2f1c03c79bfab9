'use strict';
// The bench's results: latest.json (one object per operation, adapter and database, with the
// baseline's figures and the ratio), latest.md (tables) and latest.svg (a bar chart), and
// memory.json (the soak's series).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { pairedRatio } = require('./side-by-side');

const ADAPTERS = ['fastify', 'express'];
const OPERATIONS = ['get', 'list', 'count', 'share', 'cancel'];
/** The targets: requests per second against the baseline's, p99 against the baseline's. */
const TARGETS = [
  { adapter: 'fastify', operations: ['get', 'list', 'cancel'], db: 'mariadb', ratio: 0.75, p99Ratio: 2 },
  // With the guard row, the writes too keep their ratios.
  { adapter: 'fastify', operations: ['count', 'share'], db: 'mariadb', ratio: 0.75 },
  { adapter: 'express', operations: ['get', 'list', 'count', 'share', 'cancel'], db: 'mariadb', ratio: 0.5 },
  { adapter: 'fastify', operations: ['get', 'list', 'count', 'share', 'cancel'], db: 'postgres', ratio: 0.75 },
];
const DB_NAMES = { mariadb: 'MariaDB', sqlite: 'SQLite', postgres: 'PostgreSQL' };

const round = (value, digits = 2) => (value === undefined || value === null || !Number.isFinite(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/** One row per operation, adapter and database, set against the baseline of the same run. */
function compare(measured) {
  const rows = [];
  for (const db of [...new Set(measured.map((m) => m.db))]) {
    for (const scenario of OPERATIONS) {
      const baseline = measured.find((m) => m.db === db && m.scenario === scenario && m.server === 'baseline');
      for (const adapter of ADAPTERS) {
        const m = measured.find((x) => x.db === db && x.scenario === scenario && x.server === adapter);
        if (!m) continue;
        const target = TARGETS.find((each) => each.adapter === adapter && each.db === db && each.operations.includes(scenario));
        const targeted = target !== undefined;
        // The target is judged on the paired ratio (`pairedRatio`); the ratio of the medians stays beside it.
        const ratio = baseline ? round(pairedRatio(m.slices_rps, baseline.slices_rps)) : null;
        const ratioOfMedians = baseline ? round(m.rps / baseline.rps) : null;
        const p99Ratio = baseline ? round(m.p99_ms / baseline.p99_ms) : null;
        rows.push({
          scenario,
          adapter,
          db,
          rps: m.rps,
          p50_ms: m.p50_ms,
          p99_ms: m.p99_ms,
          rss_mb: m.rss_mb,
          cpu_us: m.cpu_us,
          baseline_rps: baseline?.rps ?? null,
          ratio,
          ratio_of_medians: ratioOfMedians,
          baseline_p50_ms: baseline?.p50_ms ?? null,
          baseline_p99_ms: baseline?.p99_ms ?? null,
          p99_ratio: p99Ratio,
          baseline_rss_mb: baseline?.rss_mb ?? null,
          baseline_cpu_us: baseline?.cpu_us ?? null,
          requests: m.requests,
          non_2xx: m.non_2xx,
          errors: m.errors,
          ...(targeted
            ? {
                target: `rps >= ${target.ratio}x baseline${target.p99Ratio ? `, p99 <= ${target.p99Ratio}x baseline` : ''}`,
                target_met: ratio !== null && ratio >= target.ratio && (!target.p99Ratio || (p99Ratio !== null && p99Ratio <= target.p99Ratio)),
              }
            : {}),
          ...(m.note ? { note: m.note } : {}),
        });
      }
    }
  }
  return rows;
}

const WORK = [
  '## What each request does',
  '',
  'The host (`dist/src/main.js`, `NODE_ENV=production`, static tokens, JSON log line per request to a file, outbox delivery off) and the baseline ' +
    '(`bench/baseline/server.js`: Fastify and the driver alone) send the same statements and answer the same JSON, with the request ID header and ' +
    'one log line each:',
  '',
  '- **get**: `GET /v2/{project}/os-vendor-backup-sharing/{id}` over the project\'s 1,000 sharings in turn: the sharing by ID within the scope, ' +
    "then its backup from the host's catalog (2 SELECTs).",
  '- **list**: `GET .../detail?limit=100` of those 1,000 (newest first): one page by its index, the page\'s backups in one `IN` query; ' +
    '100 sharings with their backups and `shared_links`.',
  '- **count**: `GET .../count`: one `SELECT COUNT(*)` over the scope\'s index.',
  '- **share**: `POST` of one new sharing per request (the next of 10,000 unshared backups × 10 recipients): the backup from the catalog, then a ' +
    'READ COMMITTED transaction that writes the backup\'s guard row (an upsert), reads its state with the active recipients, counts the new ' +
    'sharing on it with a conditional UPDATE and inserts the sharing and its event row (9 statements on MariaDB).',
  '- **cancel**: `DELETE .../{id}` of the next of a stock of active sharings seeded before the run: the sharing (visibility, policy), then a ' +
    'transaction reading its backup, writing the backup\'s guard row, updating the sharing and writing its event row with `INSERT ... SELECT` ' +
    '(8 statements on MariaDB).',
  '',
  'The servers run at once on one freshly seeded schema, one of them under load at a time; requests go through autocannon on loopback; the load generator and the database share ' +
    'the same cores.',
  '',
];

function markdown(rows, memory, environment) {
  const lines = [
    '# Benchmark: the demo host against a hand-written Fastify + driver baseline',
    '',
    `${environment.date}, ${environment.mode} run: ${environment.seconds_per_operation} s per operation after ${environment.warmup_seconds} s of warm-up ` +
      `(and ${environment.server_warmup_seconds} s of every operation in turn when a server starts), ` +
      `${environment.connections} connections, loopback; ` +
      `medians of ${environment.slices} slices of ${environment.slice_seconds} s, the servers taking turns, the order turning every slice; ` +
      `Node ${environment.node}, ${environment.cpus} × ${environment.cpu_model}. ` +
      `Load average ${environment.load_average_start.map((l) => l.toFixed(2)).join(' / ')} at the start, ` +
      `${environment.load_average_end.map((l) => l.toFixed(2)).join(' / ')} at the end (1 / 5 / 15 min).`,
    '',
    'Ratio: the median over the slice rounds of the host\'s requests per second over the baseline\'s in the same round (the baseline\'s slice runs right before or after each host\'s), ' +
      'with the ratio of the two medians in brackets. Latency in ms (p50 / p99). RSS: peak resident set of the server process during the operation. ' +
      'CPU: the server process\'s CPU time (user + system) per answer, steadier than requests per second on a machine where the load generator and the database share the cores.',
    '',
  ];
  for (const db of [...new Set(rows.map((r) => r.db))]) {
    lines.push(`## ${DB_NAMES[db] ?? db}`, '');
    lines.push('| operation | baseline req/s | Fastify req/s | ratio | Express req/s | ratio | p50 / p99 baseline | p50 / p99 Fastify | p50 / p99 Express | RSS MB (b / F / E) | CPU µs per answer (b / F / E) |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const scenario of OPERATIONS) {
      const f = rows.find((r) => r.db === db && r.scenario === scenario && r.adapter === 'fastify');
      const e = rows.find((r) => r.db === db && r.scenario === scenario && r.adapter === 'express');
      const any = f ?? e;
      if (!any) continue;
      const mark = (row) => (row?.target_met === true ? ' ✓' : row?.target_met === false ? ' ✗' : '');
      const cell = (row) => (row ? `${row.rps}` : '–');
      const ratio = (row) => (row ? `${row.ratio ?? '–'}${mark(row)} (${row.ratio_of_medians ?? '–'})` : '–');
      const latency = (p50, p99) => (p50 === null || p50 === undefined ? '–' : `${p50} / ${p99}`);
      lines.push(
        `| ${scenario} | ${any.baseline_rps ?? '–'} | ${cell(f)} | ${ratio(f)} | ${cell(e)} | ${ratio(e)} | ${latency(any.baseline_p50_ms, any.baseline_p99_ms)} | ` +
          `${latency(f?.p50_ms, f?.p99_ms)} | ${latency(e?.p50_ms, e?.p99_ms)} | ${any.baseline_rss_mb ?? '–'} / ${f?.rss_mb ?? '–'} / ${e?.rss_mb ?? '–'} | ` +
          `${any.baseline_cpu_us ?? '–'} / ${f?.cpu_us ?? '–'} / ${e?.cpu_us ?? '–'} |`,
      );
    }
    lines.push('');
  }
  const failures = rows.filter((r) => r.non_2xx || r.errors);
  if (failures.length > 0) {
    lines.push('Answers other than 2xx: ' + failures.map((r) => `${r.db} ${r.scenario} ${r.adapter}: ${r.non_2xx} non-2xx, ${r.errors} errors`).join('; '), '');
  }
  const targeted = rows.filter((r) => r.target);
  if (targeted.length > 0) {
    lines.push('Targets (✓ met, ✗ missed): ' + targeted.map((r) => `${r.adapter} ${r.scenario} ${r.target_met ? '✓' : '✗'}`).join(', ') + '.', '');
  }
  lines.push(...WORK);
  if (memory.length > 0) {
    lines.push('## Memory over a long run', '');
    lines.push('The five operations in turn; memory read after a full garbage collection at each checkpoint.', '');
    lines.push('| adapter | db | requests | failed | heap used MB start → end (max) | heap trend MB per 100k requests | RSS MB start → end (peak) |');
    lines.push('|---|---|---:|---:|---:|---:|---:|');
    for (const m of memory) {
      lines.push(
        `| ${m.adapter} | ${m.db} | ${m.requests} | ${m.failed} | ${m.heap_used_mb_start} → ${m.heap_used_mb_end} (${m.heap_used_mb_max}) | ` +
          `${m.heap_growth_mb_per_100k} | ${m.rss_mb_start} → ${m.rss_mb_end} (${m.rss_mb_peak}) |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

const escapeXml = (text) => String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

/** Horizontal bars, one panel per database: baseline, Fastify and Express per operation. */
function svg(rows, environment) {
  const colors = { baseline: '#8a8f98', fastify: '#2f6fdf', express: '#e0892b' };
  const barHeight = 14;
  const groupGap = 14;
  const labelWidth = 70;
  const plotWidth = 430;
  const panelWidth = labelWidth + plotWidth + 110;
  const dbs = [...new Set(rows.map((r) => r.db))];
  const top = 78;
  const panelHeight = OPERATIONS.length * (3 * barHeight + groupGap);
  const width = Math.max(1, dbs.length) * panelWidth + 20;
  const height = top + panelHeight + 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">Requests per second: demo host (Fastify, Express) against the hand-written baseline</text>`,
    `<text x="10" y="34" fill="#555">${escapeXml(`${environment.date.slice(0, 16).replace('T', ' ')} UTC, ${environment.mode} run, ${environment.connections} connections, load average ${environment.load_average_start[0].toFixed(2)} at start; ratio = host / baseline`)}</text>`,
  ];
  let legendX = 10;
  for (const [name, color] of Object.entries(colors)) {
    parts.push(`<rect x="${legendX}" y="42" width="10" height="10" fill="${color}"/><text x="${legendX + 14}" y="51">${name}</text>`);
    legendX += 80;
  }
  dbs.forEach((db, panel) => {
    const x0 = 10 + panel * panelWidth;
    const dbRows = rows.filter((r) => r.db === db);
    const max = Math.max(1, ...dbRows.flatMap((r) => [r.rps, r.baseline_rps ?? 0]));
    parts.push(`<text x="${x0 + labelWidth}" y="${top - 2}" font-weight="bold">${DB_NAMES[db] ?? db}</text>`);
    OPERATIONS.forEach((operation, index) => {
      const y0 = top + 6 + index * (3 * barHeight + groupGap);
      const f = dbRows.find((r) => r.scenario === operation && r.adapter === 'fastify');
      const e = dbRows.find((r) => r.scenario === operation && r.adapter === 'express');
      const base = (f ?? e)?.baseline_rps;
      parts.push(`<text x="${x0}" y="${y0 + barHeight * 1.5 + 4}">${operation}</text>`);
      const bars = [
        ['baseline', base, null],
        ['fastify', f?.rps, f?.ratio],
        ['express', e?.rps, e?.ratio],
      ];
      bars.forEach(([name, value, ratio], bar) => {
        if (value === undefined || value === null) return;
        const y = y0 + bar * barHeight;
        const w = Math.max(1, (value / max) * plotWidth);
        parts.push(`<rect x="${x0 + labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight - 2}" fill="${colors[name]}"/>`);
        const label = ratio === null ? `${Math.round(value)}` : `${Math.round(value)} (${ratio.toFixed(2)}×)`;
        parts.push(`<text x="${(x0 + labelWidth + w + 4).toFixed(1)}" y="${y + barHeight - 4}">${label}</text>`);
      });
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function writeReports(folder, measured, memory, environment, name = 'latest') {
  mkdirSync(folder, { recursive: true });
  const rows = compare(measured);
  writeFileSync(join(folder, `${name}.json`), `${JSON.stringify(rows, null, 2)}\n`);
  writeFileSync(join(folder, `${name}.md`), markdown(rows, memory, environment));
  writeFileSync(join(folder, `${name}.svg`), svg(rows, environment));
  writeFileSync(join(folder, `${name}-environment.json`), `${JSON.stringify(environment, null, 2)}\n`);
  if (memory.length > 0) writeFileSync(join(folder, 'memory.json'), `${JSON.stringify({ environment, soaks: memory }, null, 2)}\n`);
  return rows;
}

module.exports = { writeReports, compare };
