'use strict';
// The memory soak: the host under a long run of the five operations in turn, its memory read
// after a full garbage collection every tenth of the run. A leak shows as a heap that keeps
// growing from checkpoint to checkpoint; noise as a heap that wanders and comes back.
const { startServer, sampleRss } = require('./processes');
const { drive } = require('./load');
const { SCENARIOS } = require('./scenarios');

const OPERATIONS = ['get', 'list', 'count', 'share', 'cancel'];

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / n;
  const my = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxy = points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

async function memorySoak(adapter, database, totalRequests, connections, checkpoints = 10) {
  const server = await startServer(adapter, database.url, { probe: true });
  const counter = {};
  try {
    // Warm-up: compiled code paths, pools, caches; then the starting point.
    await drive(server.url, SCENARIOS, OPERATIONS, counter, { connections, amount: Math.min(5000, totalRequests / 4) });
    const series = [{ requests: 0, ...(await server.memory()) }];
    const stopSampling = sampleRss(server, 250);
    const chunk = Math.ceil(totalRequests / checkpoints);
    let sent = 0;
    let failed = 0;
    while (sent < totalRequests) {
      const result = await drive(server.url, SCENARIOS, OPERATIONS, counter, { connections, amount: chunk });
      sent += result.requests.total;
      failed += result.non2xx + result.errors + result.timeouts;
      series.push({ requests: sent, ...(await server.memory()) });
    }
    const rss = stopSampling();
    const heapSlope = slope(series.map((point) => ({ x: point.requests, y: point.heap_used_mb })));
    const first = series[0];
    const last = series[series.length - 1];
    const summary = {
      adapter,
      db: database.kind === 'mysql' ? 'mariadb' : database.kind,
      requests: sent,
      failed,
      heap_used_mb_start: first.heap_used_mb,
      heap_used_mb_end: last.heap_used_mb,
      heap_used_mb_max: Math.max(...series.map((point) => point.heap_used_mb)),
      heap_growth_mb_per_100k: Math.round(heapSlope * 100_000 * 100) / 100,
      rss_mb_start: first.rss_mb,
      rss_mb_end: last.rss_mb,
      rss_mb_peak: Math.round(rss.peak * 10) / 10,
      series,
    };
    console.log(
      `  memory   ${adapter.padEnd(7)} ${sent} requests (${failed} failed): heap ${summary.heap_used_mb_start} -> ${summary.heap_used_mb_end} MB ` +
        `(max ${summary.heap_used_mb_max}, trend ${summary.heap_growth_mb_per_100k} MB per 100k), rss ${summary.rss_mb_start} -> ${summary.rss_mb_end} MB (peak ${summary.rss_mb_peak})`,
    );
    return summary;
  } finally {
    await server.stop();
  }
}

module.exports = { memorySoak, slope };
