'use strict';
// The servers under test, each a child process of its own: the demo host from the compiled build
// (`dist/src/main.js`, on Express or Fastify) and the hand-written baseline. Their answers' log
// lines go to a file, as a deployment's would go to a log collector.
const { spawn } = require('node:child_process');
const { closeSync, openSync, readFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { ROOT } = require('./database');
const { staticTokens } = require('./fixtures');

/** A free loopback port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(url, child, logPath, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode}):\n${readFileSync(logPath, 'utf8').slice(-3000)}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}: not serving after ${timeoutMs} ms:\n${readFileSync(logPath, 'utf8').slice(-3000)}`);
}

/** CPU time (user + system) a process has used, in ms, from /proc (Linux). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in MB, from /proc (Linux). */
function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a server under test and resolves once it answers `/health`. `kind` is `fastify`,
 * `express` (the demo host on that adapter) or `baseline`. With `probe`, the child reports its
 * heap (`process.memoryUsage()`) over IPC and collects garbage on request.
 */
async function startServer(kind, databaseUrl, { probe = false, env = {} } = {}) {
  const port = await freePort();
  const logPath = join(tmpdir(), `bench-${kind}-${process.pid}-${port}.log`);
  const log = openSync(logPath, 'w');
  const script = kind === 'baseline' ? join(ROOT, 'bench/baseline/server.js') : join(ROOT, 'dist/src/main.js');
  const nodeArgs = probe ? ['--expose-gc', '--require', join(__dirname, 'memory-probe.js')] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      HTTP_ADAPTER: kind === 'baseline' ? '' : kind,
      AUTH_STATIC_TOKENS: JSON.stringify(staticTokens()),
      DEMO_SEED: 'false',
      DB_MIGRATE: 'false',
      // Delivery of the outbox is a job apart from answering (another instance may run it); the
      // baseline has none, so neither does the host under test. Both write the event rows.
      EVENTS_DISPATCH: 'false',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', log, log, ...(probe ? ['ipc'] : [])],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(url, child, logPath);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    kind,
    url,
    pid: child.pid,
    child,
    logPath,
    rssMb: () => rssMb(child.pid),
    cpuMs: () => cpuMs(child.pid),
    /** Heap and RSS after a full garbage collection (probe only). */
    memory: () =>
      new Promise((resolve) => {
        child.once('message', resolve);
        child.send('measure');
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code, signal) => resolve(code ?? signal));
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the peak and the samples. */
function sampleRss(server, intervalMs = 100) {
  const samples = [];
  const take = () => {
    const value = server.rssMb();
    if (value !== undefined) samples.push(value);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return () => {
    clearInterval(timer);
    take();
    return { peak: Math.max(...samples), samples };
  };
}

module.exports = { startServer, sampleRss, freePort };
