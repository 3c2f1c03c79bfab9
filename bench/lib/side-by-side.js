'use strict';
// Servers measured side by side: all of them running at once on one database, each operation
// measured in short slices that take the servers in turn. The two cores of a machine like this
// one are shared with the load generator and the database, and their speed drifts by a quarter
// within a minute; a server measured for ten seconds a minute after another meets another
// machine. Slices a few seconds apart, the order turning every slice, meet the same drift.
const { drive, figures } = require('./load');
const { sampleRss } = require('./processes');
const { median } = require('./cli');
const { SCENARIOS } = require('./scenarios');

/** One row of a server's slices of an operation: medians, sums of counts, the peak RSS. */
function rowOf(slices) {
  const row = { ...slices[0] };
  for (const field of ['rps', 'p50_ms', 'p99_ms']) row[field] = Math.round(median(slices.map((slice) => slice[field])) * 10) / 10;
  for (const field of ['requests', 'non_2xx', 'errors', 'cpu_ms']) row[field] = slices.reduce((sum, slice) => sum + (slice[field] ?? 0), 0);
  // CPU per answer over all the slices: the server's CPU time does not depend on how it was split.
  row.cpu_us = Math.round((row.cpu_ms * 1000) / Math.max(1, row.requests));
  delete row.cpu_ms;
  row.rss_mb = Math.max(...slices.map((slice) => slice.rss_mb));
  row.slices_rps = slices.map((slice) => slice.rps);
  return row;
}

/**
 * Measures `servers` (`{ label, server }`, started) on `operations`: every server first runs
 * every operation in turn for `serverWarmupSeconds` (code compiled, pools filled); then, per
 * operation, each warms up alone for `warmupSeconds` and is measured in `slices` runs of
 * `sliceSeconds`, the servers' order turning every slice. One request counter for all: no share
 * or cancel is sent twice, whichever server sends it. `onSlice(label, operation, figures)` hears
 * each slice. Returns `rows[label][operation]`.
 */
async function measureSideBySide(servers, operations, settings, onSlice = () => undefined) {
  const { connections, serverWarmupSeconds, warmupSeconds, sliceSeconds, slices } = settings;
  const counter = {};
  for (const { server } of servers) {
    if (serverWarmupSeconds > 0) await drive(server.url, SCENARIOS, operations, counter, { connections, duration: serverWarmupSeconds });
  }
  const rows = Object.fromEntries(servers.map(({ label }) => [label, {}]));
  for (const operation of operations) {
    for (const { server } of servers) {
      if (warmupSeconds > 0) await drive(server.url, SCENARIOS, [operation], counter, { connections, duration: warmupSeconds });
    }
    const measured = new Map(servers.map(({ label }) => [label, []]));
    for (let slice = 0; slice < slices; slice++) {
      for (const { label, server } of slice % 2 === 0 ? servers : [...servers].reverse()) {
        const stopSampling = sampleRss(server);
        const cpuBefore = server.cpuMs();
        const result = figures(await drive(server.url, SCENARIOS, [operation], counter, { connections, duration: sliceSeconds }));
        result.cpu_ms = server.cpuMs() - cpuBefore;
        result.rss_mb = Math.round(stopSampling().peak * 10) / 10;
        measured.get(label).push(result);
        onSlice(label, operation, result);
      }
    }
    for (const [label, results] of measured) rows[label][operation] = { ...rowOf(results), counter: counter[operation] ?? 0 };
  }
  return rows;
}

/**
 * Sharings the cancel runs of `servers` servers may consume under `settings` (as for
 * `measureSideBySide`): more than the fastest server cancels in the time given.
 */
function cancelStockFor(servers, { warmupSeconds, slices, sliceSeconds, serverWarmupSeconds }) {
  return servers * Math.ceil(2500 * (warmupSeconds + slices * sliceSeconds) + 1000 * serverWarmupSeconds);
}

/**
 * A server's requests per second against a reference's, from their slices of one operation: the
 * median of the ratios of each round's two slices, run one right after the other. The machine's
 * drift moves both slices of a round alike and drops out of their ratio; the ratio of the two
 * medians (also reported) lets a slow round of one server meet a fast round of the other.
 */
function pairedRatio(slicesRps, referenceSlicesRps) {
  const ratios = slicesRps.map((rps, round) => rps / referenceSlicesRps[round]).filter(Number.isFinite);
  return ratios.length > 0 ? median(ratios) : null;
}

module.exports = { measureSideBySide, cancelStockFor, pairedRatio };
