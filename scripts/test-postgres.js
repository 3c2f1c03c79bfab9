#!/usr/bin/env node
// Runs the end-to-end suite against PostgreSQL (POSTGRES_URL, default
// postgres://postgres@127.0.0.1:5432/backup_sharing_test). Each test file gets its own database
// named after that one. Unreachable server: a skip with instructions, or a failure when CI=true.
const { runJest } = require('./run-jest');
const { connectPostgresServer, postgresUrl } = require('./database-servers');

const url = postgresUrl();
const ci = process.env.CI === 'true';

async function main() {
  let client;
  try {
    client = await connectPostgresServer(url, 5000);
    const name = decodeURIComponent(url.pathname.slice(1));
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    const { rows } = await client.query('SHOW server_version');
    console.log(`PostgreSQL suite on ${url.host} (server ${rows[0].server_version}, TZ=${process.env.TZ || 'unset'})`);
  } catch (error) {
    const message = `PostgreSQL is not reachable at ${url.host}: ${error.message}`;
    if (ci) {
      console.error(`${message}\nCI=true: the PostgreSQL suite must run, so this is a failure.`);
      process.exit(1);
    }
    console.log(
      `${message}\nSkipped: the PostgreSQL suite. Start PostgreSQL 14+ (or set POSTGRES_URL) and run npm run test:postgres again.\n` +
        'On Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
    return;
  } finally {
    await client?.end().catch(() => undefined);
  }
  const status = await runJest(['--selectProjects', 'e2e', ...process.argv.slice(2)], {
    env: { ...process.env, TEST_DATABASE_URL: url.toString() },
    label: 'PostgreSQL suite',
  });
  process.exit(status);
}

main();
