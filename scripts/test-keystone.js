#!/usr/bin/env node
// Runs test/keystone.e2e-spec.ts against a real Keystone: starts one with scripts/keystone-dev.sh
// (installing Debian's python3-keystone when missing) on a free loopback port with its own state
// folder, runs the file, and stops Keystone again. When Keystone cannot start: a skip with the
// reason, or a failure when CI=true.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { runJest } = require('./run-jest');

const root = join(__dirname, '..');
const ci = process.env.CI === 'true';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function keystone(command, env) {
  return spawnSync('bash', [join(root, 'scripts/keystone-dev.sh'), command], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'backup-sharing-keystone-'));
  const port = process.env.KEYSTONE_PORT || String(await freePort());
  const env = { ...process.env, KEYSTONE_HOME: home, KEYSTONE_PORT: port };
  const stop = () => {
    keystone('stop', env);
    rmSync(home, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stop();
      process.exit(130);
    });
  }

  const started = keystone('start', env);
  if (started.status !== 0) {
    stop();
    const message = `Keystone could not be started (scripts/keystone-dev.sh exited with ${started.status ?? started.signal}).`;
    if (ci) {
      console.error(`${message}\nCI=true: the Keystone suite must run, so this is a failure.`);
      process.exit(1);
    }
    console.log(
      `${message}\nSkipped: the Keystone suite (the reason is above). It needs Debian's python3-keystone, which the ` +
        'script installs when run as root, and a free loopback port. CI=true turns this skip into a failure.',
    );
    return;
  }
  let status = 1;
  try {
    status = await runJest(['--selectProjects', 'e2e', '--runTestsByPath', 'test/keystone.e2e-spec.ts', ...process.argv.slice(2)], {
      env: { ...process.env, TEST_KEYSTONE_FIXTURES: join(home, 'fixtures.json') },
      label: 'Keystone suite',
    });
  } finally {
    stop();
  }
  process.exit(status);
}

main();
