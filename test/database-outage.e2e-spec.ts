import { DataSource, QueryRunner } from 'typeorm';
import { sqlDialectOf } from '../libs/backup-sharing/src/persistence/sql-dialect';
import { TOKENS, TestHost, expectFault, startTestHost } from './support/test-host';
import { SHARING, as, createBackup, expectRequestId, randomProjectId, shareOk, shareRequest } from './support/sharing-api';
import { dataSourceOptionsFor, testDatabaseKind } from './support/test-database';
import { queryRows } from './support/database-query';
import { LogCapture } from './support/log-capture';
import { expectNoInternals } from './support/no-internals';
import { TcpProxy } from './support/tcp-proxy';
import { boundedMysqlDriver } from '../src/database/bounded-mysql.driver';
import { boundedPostgresDriver } from '../src/database/bounded-postgres.driver';

// The database going away and coming back, for real: the host reaches MariaDB/MySQL or PostgreSQL
// through a TCP proxy that the test cuts (connects refused, connections reset), turns into a black hole
// (connects never answered), or freezes mid-statement; and a statement the database itself
// aborts at its time limit while another transaction holds the row. Each request answers within
// the configured limits in the fault shape (503 or 504), writes nothing, leaks no SQL or address,
// and is logged with its request ID and cause; when the database is back, the next requests
// succeed without a restart. SQLite runs in the process and has no network to lose: servers only.

const CONNECT_TIMEOUT_MS = 1000;
const STATEMENT_TIMEOUT_MS = 1000;
const describeOnServer = testDatabaseKind === 'sqlite' ? describe.skip : describe;
const DEFAULT_PORTS = { mysql: 3306, postgres: 5432, sqlite: 0 };

/** How each driver says, in the logged cause, that it could not connect in time or lost the server. */
const CAUSES = {
  refused: /(ECONNREFUSED|ECONNRESET|connection lost|closed state|Connection terminated)/i,
  connectLimit: /DatabaseUnavailableError.* <- .*(ETIMEDOUT|No database connection within|timeout exceeded when trying to connect|Connection terminated due to connection timeout)/,
  serverLimit: /DatabaseTimeoutError.* <- .*(max_statement_time|execution time|statement timeout)/i,
};

describeOnServer(`database outages (${testDatabaseKind} through a TCP proxy the test cuts)`, () => {
  let proxy: TcpProxy;
  let host: TestHost;
  let direct: DataSource;
  const log = new LogCapture();

  beforeAll(async () => {
    const server = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await TcpProxy.start(server.hostname, Number(server.port || DEFAULT_PORTS[testDatabaseKind]));
    host = await startTestHost(
      {
        DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
        // No background polling of the outbox: every database call of this file is a request's.
        EVENTS_DISPATCH: 'false',
      },
      { logger: log, routeDatabase: (url) => proxy.route(url) },
    );
    // The test's own view of the data, not through the proxy.
    direct = await new DataSource(dataSourceOptionsFor(host.database.url)).initialize();
  });
  afterAll(async () => {
    try {
      await proxy?.set('pass');
      await direct?.destroy();
      await host?.close();
    } finally {
      await proxy?.stop();
    }
  });

  /** Every row of both tables, read directly: what "nothing written" is checked against. */
  const snapshot = async () => [
    await queryRows(direct, 'SELECT * FROM backup_sharings ORDER BY id'),
    await queryRows(direct, 'SELECT id, project_id, status, updated_at FROM backups ORDER BY id'),
  ];

  /** Sends while the database is away; expects `status` and proves nothing changed. */
  async function expectRefusedWhileAway(send: () => PromiseLike<import('supertest').Response>, status: 503 | 504) {
    const before = await snapshot();
    const response = await send();
    expect({ status: response.status, body: response.body }).toEqual(expect.objectContaining({ status }));
    const fault =
      status === 503 ? expectFault(response.body, 503, 'serviceUnavailable') : expectFault(response.body, 504, 'gatewayTimeout');
    expect(fault.error_code).toBe(status === 503 ? 'BackupSharing.DatabaseUnavailable' : 'BackupSharing.DatabaseTimeout');
    expect(fault.message).toMatch(/retry later/);
    expectNoInternals(response.text);
    expect(await snapshot()).toEqual(before);
    return expectRequestId(response);
  }

  /** The operator's view of one failed request: its line, and an error line with the cause. */
  function expectLogged(requestId: string, status: number, cause: RegExp): void {
    const lines = log.ofRequest(requestId);
    expect(lines.find((line) => line.level === 'log')?.message).toEqual(expect.objectContaining({ status, path: expect.any(String) }));
    const error = lines.find((line) => line.level === 'error');
    expect(error?.message).toEqual(expect.objectContaining({ request_id: requestId, status }));
    expect(String(error?.message.cause)).toMatch(cause);
    expect(log.text()).not.toContain(TOKENS.owner);
  }

  describe('the database refuses connections (down, or restarted)', () => {
    let backupId: string;
    let sharingId: string;
    beforeAll(async () => {
      backupId = await createBackup(host);
      [{ id: sharingId }] = await shareOk(host, backupId, [randomProjectId()]);
      await proxy.set('refuse');
    });
    afterAll(() => proxy.set('pass'));

    it.each([
      ['share', () => as(host, 'owner').post(SHARING, shareRequest(backupId, [randomProjectId()]))],
      ['get', () => as(host, 'owner').get(`${SHARING}/${sharingId}`)],
      ['list', () => as(host, 'owner').get(`${SHARING}/detail`)],
      ['count', () => as(host, 'owner').get(`${SHARING}/count`)],
      ['cancel', () => as(host, 'owner').delete(`${SHARING}/${sharingId}`)],
      ['cancel-all', () => as(host, 'owner').delete(`${SHARING}/${backupId}?is_backup_id=true`)],
      ["the host's own backup", () => as(host, 'owner').get(`backups/${backupId}`)],
    ])('%s -> 503, nothing written, logged with the cause', async (_what, send) => {
      const requestId = await expectRefusedWhileAway(send, 503);
      // The module's routes log the domain error with its cause; the host's own, the driver error.
      expectLogged(requestId, 503, CAUSES.refused);
    });

    it('the health check says so too', async () => {
      const response = await host.http.get('/health');
      expect(response.status).toBe(503);
    });
  });

  describe('the database host vanished (connects never answered)', () => {
    beforeAll(() => proxy.set('blackhole'));
    afterAll(() => proxy.set('pass'));

    it('list -> 503 after the connect limit, not after a long pool wait', async () => {
      const requestId = await expectRefusedWhileAway(() => as(host, 'owner').get(`${SHARING}/detail`), 503);
      expectLogged(requestId, 503, CAUSES.connectLimit);
    });

    it('many requests at once all answer 503', async () => {
      const answers = await Promise.all(Array.from({ length: 15 }, () => as(host, 'owner').get(`${SHARING}/count`)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(15).fill(503));
    });
  });

  describe('recovery', () => {
    it('once the database is back, the next requests succeed without a restart', async () => {
      await proxy.set('pass');
      const backupId = await createBackup(host);
      const target = randomProjectId();
      const [sharing] = await shareOk(host, backupId, [target]);
      const got = await as(host, 'owner').get(`${SHARING}/${sharing.id}`);
      expect(got.status).toBe(200);
      expect(got.body.shared.to_project_id).toBe(target);
      expect((await as(host, 'owner').delete(`${SHARING}/${sharing.id}`)).status).toBe(200);
    });
  });

  describe('the database stops answering in the middle of a statement', () => {
    it('-> 504 at the driver deadline, nothing written; then recovery', async () => {
      const backupId = await createBackup(host);
      // A request that succeeds leaves an open connection in the pool: the next statement goes there.
      expect((await as(host, 'owner').get(`${SHARING}/count`)).status).toBe(200);
      await proxy.set('stall');
      try {
        const requestId = await expectRefusedWhileAway(() => as(host, 'owner').post(SHARING, shareRequest(backupId, [randomProjectId()])), 504);
        expectLogged(requestId, 504, /DatabaseTimeoutError.* <- .*did not answer within/);
      } finally {
        await proxy.set('pass');
      }
      expect((await as(host, 'owner').get(`${SHARING}/count`)).status).toBe(200);
    });
  });

  describe("a statement past the database's own limit (a long transaction holds the row)", () => {
    it('cancel waits on the locked row -> 504 when the server aborts it; the row is untouched', async () => {
      const backupId = await createBackup(host);
      const [sharing] = await shareOk(host, backupId, [randomProjectId()]);
      const holder: QueryRunner = direct.createQueryRunner();
      try {
        await holder.startTransaction();
        await holder.query(sqlDialectOf(direct).statement('SELECT id FROM backup_sharings WHERE id = ? FOR UPDATE'), [sharing.id]);
        const requestId = await expectRefusedWhileAway(() => as(host, 'owner').delete(`${SHARING}/${sharing.id}`), 504);
        expectLogged(requestId, 504, CAUSES.serverLimit);
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
      }
      // The lock is gone: the same cancel now succeeds.
      expect((await as(host, 'owner').delete(`${SHARING}/${sharing.id}`)).status).toBe(200);
      expect((await as(host, 'owner').get(`${SHARING}/${sharing.id}`)).status).toBe(404);
    });
  });

  (testDatabaseKind === 'mysql' ? describe : describe.skip)('the bounded MySQL pool itself', () => {
    const poolOf = (acquireTimeoutMs: number) =>
      boundedMysqlDriver({ acquireTimeoutMs, statementTimeoutMs: STATEMENT_TIMEOUT_MS }).createPool({
        uri: host.database.url,
        connectionLimit: 1,
      });

    it('sets the statement limit on every connection it hands out', async () => {
      const pool = poolOf(500);
      try {
        const [[row]] = (await pool.promise().query('SELECT @@max_statement_time AS limitSeconds')) as unknown as [[{ limitSeconds: string }]];
        expect(Number(row.limitSeconds)).toBe(STATEMENT_TIMEOUT_MS / 1000);
      } finally {
        await pool.promise().end();
      }
    });

    it('fails a wait for a connection at the acquire limit when every connection is busy', async () => {
      const pool = poolOf(300);
      try {
        const busy = await pool.promise().getConnection();
        await expect(pool.promise().getConnection()).rejects.toMatchObject({ code: 'POOL_ACQUIRE_TIMEOUT' });
        busy.release();
        const next = await pool.promise().getConnection();
        next.release();
      } finally {
        await pool.promise().end();
      }
    });
  });

  (testDatabaseKind === 'postgres' ? describe : describe.skip)('the bounded PostgreSQL pool itself', () => {
    const poolOf = (connectionTimeoutMillis: number) =>
      new (boundedPostgresDriver({ statementTimeoutMs: STATEMENT_TIMEOUT_MS }).Pool)({
        connectionString: host.database.url,
        connectionTimeoutMillis,
        max: 1,
      });

    it('opens every connection with the statement limit', async () => {
      const pool = poolOf(500);
      try {
        const { rows } = await pool.query('SHOW statement_timeout');
        expect(rows[0].statement_timeout).toBe(`${STATEMENT_TIMEOUT_MS / 1000}s`);
      } finally {
        await pool.end();
      }
    });

    it('fails a wait for a connection at the connect limit when every connection is busy', async () => {
      const pool = poolOf(300);
      try {
        const busy = await pool.connect();
        await expect(pool.connect()).rejects.toThrow(/timeout exceeded when trying to connect/);
        busy.release();
        (await pool.connect()).release();
      } finally {
        await pool.end();
      }
    });
  });

  it('every request line of this file has the structured fields, and no line carries a token', () => {
    for (const entry of log.entries.filter((line) => line.level === 'log' && typeof line.message === 'object')) {
      expect(Object.keys(entry.message as object).sort()).toEqual(
        expect.arrayContaining(['duration_ms', 'method', 'path', 'request_id', 'status']),
      );
    }
    expect(log.text()).not.toContain(TOKENS.owner);
  });
});
