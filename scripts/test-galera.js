#!/usr/bin/env node
// Runs the Galera suite (Jest project `galera`) against the 3-node MariaDB Galera cluster of
// scripts/galera-dev.sh: starts the cluster unless it already runs (installing Debian's packages
// when missing), runs Jest with GALERA_URLS set and the extra arguments, and stops the cluster
// again if it started it (GALERA_KEEP=true keeps it for the next run). When the cluster cannot
// start: a skip with the reason, or a failure when CI=true.
const { spawn, spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const script = join(root, 'scripts/galera-dev.sh');
const ci = process.env.CI === 'true';
const keep = process.env.GALERA_KEEP === 'true';
const NODES = [1, 2, 3];

function galera(args, timeout) {
  return spawnSync('bash', [script, ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout,
    killSignal: 'SIGKILL',
  });
}

// Whether any node of the cluster runs: then someone else started it, and it stays up afterwards.
function anyNodeRuns() {
  return NODES.some((node) => {
    const state = galera(['state', String(node)], 15_000);
    return state.status === 0 && state.stdout.trim() !== 'stopped';
  });
}

function skipOrFail(message) {
  if (ci) {
    console.error(`${message}\nCI=true: the Galera suite must run, so this is a failure.`);
    process.exit(1);
  }
  console.log(
    `${message}\nSkipped: the Galera suite (the reason is above). It needs Debian's mariadb-server, galera-4 ` +
      'and rsync, which scripts/galera-dev.sh installs when run as root, and free loopback ports 33071-33073 and ' +
      '45671-45693. Start the cluster with `scripts/galera-dev.sh start`, then run `npm run test:galera` ' +
      '(GALERA_KEEP=true keeps a cluster it starts). CI=true turns this skip into a failure.',
  );
  process.exit(0);
}

function main() {
  const started = !anyNodeRuns();
  const stop = () => {
    if (started && !keep) galera(['stop'], 300_000);
  };
  // Both the bootstrap and the joins are bounded inside the script; this bounds the whole of it.
  const start = galera(['start'], 900_000);
  const urls = (start.stdout || '').split('\n').map((line) => line.trim()).filter((line) => line.startsWith('mysql://'));
  if (start.status !== 0 || urls.length !== NODES.length) {
    stop();
    skipOrFail(`The Galera cluster could not be started (scripts/galera-dev.sh start exited with ${start.status ?? start.signal}).`);
  }
  console.log(`Galera suite on ${urls.join(', ')}${started ? '' : ' (a cluster that was already running)'}`);

  // Under the time limits of run-jest.js: a hung run fails and says what was still open.
  const jest = spawn(
    process.execPath,
    [join(__dirname, 'run-jest.js'), '--selectProjects', 'galera', ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit', env: { ...process.env, GALERA_URLS: urls.join(',') } },
  );
  let interrupted;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      interrupted = signal;
      jest.kill(signal);
    });
  }
  jest.on('exit', (code) => {
    stop();
    if (interrupted) process.exit(interrupted === 'SIGINT' ? 130 : 143);
    process.exit(code ?? 1);
  });
}

main();
