'use strict';
// Load through autocannon (programmatic), on loopback. Each call numbers its requests from a
// counter the caller owns, so that a warm-up and the measured run never send the same share or
// cancel twice.
const autocannon = require('autocannon');

/**
 * Sends requests of `operations` (names of `scenarios`, taken in turn) for `duration` seconds or
 * `amount` requests; `counter.next` numbers the requests of each operation.
 */
function drive(url, scenarios, operations, counter, { connections, duration, amount }) {
  const requests = operations.map((name) => ({
    setupRequest(request) {
      const n = (counter[name] = (counter[name] ?? 0) + 1) - 1;
      const spec = scenarios[name](n);
      request.method = spec.method;
      request.path = spec.path;
      request.headers = { 'x-auth-token': spec.token, ...(spec.body ? { 'content-type': 'application/json' } : {}) };
      request.body = spec.body;
      return request;
    },
  }));
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections, pipelining: 1, requests, ...(amount ? { amount } : { duration }), timeout: 30 },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** The figures the report keeps of an autocannon result. */
function figures(result) {
  return {
    rps: Math.round(result.requests.average * 10) / 10,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** `  (!) n non-2xx, m errors` for a result that had any, else '': the end of a result's line. */
function faultsNote(result) {
  return result.non_2xx || result.errors ? `  (!) ${result.non_2xx} non-2xx, ${result.errors} errors` : '';
}

module.exports = { drive, figures, faultsNote };
