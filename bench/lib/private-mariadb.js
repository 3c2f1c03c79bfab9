'use strict';
// A MariaDB server of the bench's own, on loopback, in a temporary folder: the same build as the
// shared server, with the buffer pool the bench asks for (`--buffer-pool`), so that the scale
// bench can be run with the indexes of a million sharings in memory without touching the
// settings of the server other work shares. Grants are skipped: it listens on 127.0.0.1 only
// and is removed when the bench ends.
const { execFileSync, spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { freePort } = require('./processes');

const MARIADBD = process.env.MARIADBD || '/usr/sbin/mariadbd';

async function startPrivateMariadb(bufferPool) {
  const folder = mkdtempSync(join(tmpdir(), 'bench-mariadb-'));
  const datadir = join(folder, 'data');
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], {
    stdio: 'ignore',
  });
  const port = await freePort();
  const child = spawn(
    MARIADBD,
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--socket=${join(folder, 'mariadb.sock')}`,
      `--pid-file=${join(folder, 'mariadb.pid')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--innodb-buffer-pool-size=${bufferPool}`,
      '--user=root',
      '--skip-grant-tables',
    ],
    { stdio: 'ignore' },
  );
  const url = `mysql://root@127.0.0.1:${port}/`;
  const mysql = require('mysql2/promise');
  for (let attempt = 0; ; attempt++) {
    try {
      const connection = await mysql.createConnection({ uri: url });
      await connection.end();
      break;
    } catch (error) {
      if (attempt > 100 || child.exitCode !== null) throw new Error(`The bench's MariaDB did not start: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        const done = () => {
          rmSync(folder, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/** The server settings that decide how a large table performs, for the report. */
async function serverSettings(database) {
  const [row] = await database.query(
    'SELECT VERSION() AS version, @@innodb_buffer_pool_size AS buffer_pool_bytes, @@innodb_flush_method AS flush_method, ' +
      '@@innodb_change_buffering AS change_buffering, @@innodb_flush_log_at_trx_commit AS flush_log_at_trx_commit',
  );
  return { ...row, buffer_pool_mb: Math.round(Number(row.buffer_pool_bytes) / 1024 / 1024) };
}

module.exports = { startPrivateMariadb, serverSettings };
