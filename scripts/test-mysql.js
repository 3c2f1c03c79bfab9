#!/usr/bin/env node
// Runs the end-to-end suite against MySQL/MariaDB (MYSQL_URL, default
// mysql://root@127.0.0.1:3306/backup_sharing_test). Each test file gets its own schema named
// after that database. Unreachable server: a skip with instructions, or a failure when CI=true.
const { runJest } = require('./run-jest');
const { connectMysqlServer, mysqlUrl } = require('./database-servers');

const url = mysqlUrl();
const ci = process.env.CI === 'true';

async function main() {
  let connection;
  try {
    connection = await connectMysqlServer(url, 5000);
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${url.pathname.slice(1)}\``);
    const [[{ version }]] = await connection.query('SELECT VERSION() AS version');
    console.log(`MySQL suite on ${url.host} (server ${version})`);
  } catch (error) {
    const message = `MySQL/MariaDB is not reachable at ${url.host}: ${error.message}`;
    if (ci) {
      console.error(`${message}\nCI=true: the MySQL suite must run, so this is a failure.`);
      process.exit(1);
    }
    console.log(`${message}\nSkipped: the MySQL suite. Start MySQL 8 or MariaDB 10.11+ (or set MYSQL_URL) and run npm run test:mysql again.`);
    return;
  } finally {
    await connection?.end();
  }
  const status = await runJest(['--selectProjects', 'e2e', ...process.argv.slice(2)], {
    env: { ...process.env, TEST_DATABASE_URL: url.toString() },
    label: 'MySQL suite',
  });
  process.exit(status);
}

main();
