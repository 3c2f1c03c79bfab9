#!/usr/bin/env node
// `npm test`: the type check, the unit and end-to-end suites (SQLite, Express), then the packed
// module in two foreign hosts (MariaDB). It stops at the first failure, and always ends with one
// summary: what ran and how it ended, what did not run and the command that runs it, with the
// servers those suites need probed here, so that "not run" never reads as "could not run".
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { runJest } = require('./run-jest');
const servers = require('./database-servers');

const root = join(__dirname, '..');
const MYSQL_URL = servers.mysqlUrl();
const POSTGRES_URL = servers.postgresUrl();
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** '' when `connect` reaches the server, else why not. */
async function unreachable(connect) {
  try {
    await (await connect()).end();
    return '';
  } catch (error) {
    return error.message || error.code || String(error);
  }
}

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

async function main() {
  const [mysqlDown, postgresDown] = await Promise.all([
    unreachable(() => servers.connectMysqlServer(MYSQL_URL, 3000)),
    unreachable(() => servers.connectPostgresServer(POSTGRES_URL, 3000)),
  ]);
  const ran = [];
  const steps = [
    {
      name: 'type check (tsc --noEmit, sources and tests)',
      run: () => spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--noEmit'], { stdio: 'inherit' }).status,
    },
    {
      name: 'unit suite (libs/**/*.spec.ts, src/**/*.spec.ts) and end-to-end suite on SQLite, Express (test/*.e2e-spec.ts)',
      // The summary below says what this run leaves out: Jest's own closing note stays quiet.
      run: () => runJest(['--selectProjects', 'unit', 'e2e'], { env: { ...process.env, TEST_SUMMARY_BY_CALLER: 'true' }, label: 'unit and e2e suites' }),
    },
    {
      name: `packed module in foreign hosts NestJS 11 (CommonJS, Jest) and NestJS 12 (ESM, vitest), MariaDB at ${MYSQL_URL.host}`,
      // test-foreign-host.js checks the package, then skips the hosts (or fails, CI=true) without MariaDB.
      skipped: mysqlDown && process.env.CI !== 'true' ? `MySQL/MariaDB not reachable (${mysqlDown}); start it and run npm test again` : '',
      run: () => spawnSync(process.execPath, [join(__dirname, 'test-foreign-host.js')], { stdio: 'inherit' }).status,
    },
  ];
  let failed;
  for (const step of steps) {
    const started = Date.now();
    const status = await step.run();
    const outcome = status !== 0 ? 'FAILED ' : step.skipped ? 'skipped' : 'passed ';
    ran.push(`  ${outcome}  ${step.name} (${seconds(started)})${status === 0 && step.skipped ? `: ${step.skipped}` : ''}`);
    if (status !== 0) {
      failed = status || 1;
      break;
    }
  }
  const notReached = steps.slice(ran.length).map((step) => `  not reached (a step before failed): ${step.name}`);

  const server = (down, what, url) => (down ? `${what} is NOT reachable at ${url.host} (${down}): start it, then` : `${what} is reachable at ${url.host};`);
  const notRun = [
    ['test/keystone.e2e-spec.ts, the host against a real Keystone (skipped inside the e2e run)', 'npm run test:keystone   (starts Keystone on loopback; installs python3-keystone when missing)'],
    [
      `end-to-end suite on MySQL/MariaDB, with what SQLite skips inside the e2e run (database-outage, sql-explain, concurrent-start, several instances of outbox-delivery): ${server(mysqlDown, 'MySQL/MariaDB', MYSQL_URL)}`,
      `npm run test:mysql   (MYSQL_URL, default ${servers.DEFAULT_MYSQL_URL})`,
    ],
    [`end-to-end suite on PostgreSQL: ${server(postgresDown, 'PostgreSQL', POSTGRES_URL)}`, `npm run test:postgres   (POSTGRES_URL, default ${servers.DEFAULT_POSTGRES_URL})`],
    ['end-to-end suite with the host on Fastify', 'npm run test:fastify'],
    [
      `Swagger UI in headless Chromium: ${existsSync(CHROMIUM) ? `Chromium found at ${CHROMIUM};` : `no Chromium at ${CHROMIUM}: bash scripts/ensure-chromium.sh, then`}`,
      'npm run test:browser',
    ],
    ['a host on every node of a 3-node MariaDB Galera cluster', 'npm run test:galera   (starts the cluster with scripts/galera-dev.sh)'],
    ['OpenAPI document under Redocly\'s rules', 'npm run lint:openapi'],
  ];

  console.log('\nnpm test: summary');
  console.log('Ran:');
  for (const line of [...ran, ...notReached]) console.log(line);
  console.log('Not run by npm test (each has its own command):');
  for (const [what, command] of notRun) console.log(`  - ${what}\n      run: ${command}`);
  process.exit(failed ?? 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
