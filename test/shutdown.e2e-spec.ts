import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEMO_BACKUPS, DEMO_PROJECTS, TOKENS } from './support/test-host';
import { SHARING, randomProjectId, shareRequest } from './support/sharing-api';
import { HostProcess, buildHost, startHostProcess } from './support/host-process';
import { RawConnection, openRaw, rawRequest } from './support/raw-http';
import { TestDatabase, createTestDatabase, dataSourceOptionsFor, testDatabaseKind } from './support/test-database';
import { queryRows } from './support/database-query';

// `node dist/src/main.js` as `npm start` runs it, under load, gets SIGTERM: it stops accepting
// connections, finishes every request in flight (here: shares whose bodies are still arriving),
// closes the database pool and exits 0. No request it accepted fails. Its log is one JSON object
// per line, one line per request with the request ID, method, path, status and duration.

const SHARE_PATH = `/v2/${DEMO_PROJECTS.owner}/${SHARING}`;
const LOAD_CLIENTS = 8;
const IN_FLIGHT = 3;

interface Outcome {
  status?: number;
  error?: string;
}

/** One request on its own connection (no keep-alive), as many clients send them. */
function send(url: string, method: string, path: string, body?: unknown): Promise<Outcome> {
  const { hostname, port } = new URL(url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const request = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        agent: false,
        headers: {
          'X-Auth-Token': TOKENS.owner,
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode }));
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ status: response.statusCode, error: error.code ?? error.message }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(payload);
  });
}

/** Whether the port still accepts connections. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The database of the child process, read by the test after the process is gone. */
async function readDatabase<T>(url: string, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = new DataSource(dataSourceOptionsFor(url));
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

describe('SIGTERM under load: node dist/src/main.js', () => {
  let database: TestDatabase;
  let databaseUrl: string;
  let sqliteFolder: string | undefined;
  let host: HostProcess;

  beforeAll(async () => {
    buildHost();
    database = await createTestDatabase();
    if (testDatabaseKind === 'sqlite') {
      sqliteFolder = mkdtempSync(join(tmpdir(), 'backup-sharing-shutdown-'));
      databaseUrl = `sqlite:${join(sqliteFolder, 'block-storage.sqlite')}`;
    } else {
      databaseUrl = database.url;
    }
    host = await startHostProcess({ DATABASE_URL: databaseUrl, DEMO_SEED: 'true', LOG_FORMAT: 'json', EVENTS_DISPATCH: 'false' });
  }, 180_000);
  afterAll(async () => {
    await host?.stop();
    await database?.drop();
    if (sqliteFolder) rmSync(sqliteFolder, { recursive: true, force: true });
  });

  it('stops accepting, finishes the requests in flight, closes the pool and exits 0', async () => {
    // Load: clients sending one request after another, reads and writes, until the port closes.
    const outcomes: Outcome[] = [];
    let stopping = false;
    const client = async (index: number) => {
      for (let round = 0; ; round += 1) {
        const outcome =
          round % 3 === 0
            ? await send(host.url, 'POST', `/v2/${DEMO_PROJECTS.owner}/backups`, { backup: { volume_id: DEMO_BACKUPS.nightly, name: `load-${index}-${round}` } })
            : await send(host.url, 'GET', `${SHARE_PATH}/${round % 3 === 1 ? 'count' : 'detail?limit=5'}`);
        outcomes.push(outcome);
        if (outcome.error === 'ECONNREFUSED' && stopping) return;
      }
    };
    const load = Array.from({ length: LOAD_CLIENTS }, (_, index) => client(index));
    while (outcomes.length < 40) await new Promise((resolve) => setImmediate(resolve));

    // In flight: shares whose headers and half of their bodies the host has received.
    const targets = Array.from({ length: IN_FLIGHT }, () => randomProjectId());
    const bodies = targets.map((target) => JSON.stringify(shareRequest(DEMO_BACKUPS.nightly, [target])));
    const inFlight: RawConnection[] = [];
    for (const body of bodies) {
      const connection = await openRaw(host.url);
      const head = rawRequest('POST', SHARE_PATH, [
        ['X-Auth-Token', TOKENS.owner],
        ['Content-Type', 'application/json'],
        ['Content-Length', String(Buffer.byteLength(body))],
      ]);
      await connection.write(Buffer.concat([head, Buffer.from(body.slice(0, 10))]));
      inFlight.push(connection);
    }
    // A full round trip after them: the host has read their headers by now.
    expect((await send(host.url, 'GET', `${SHARE_PATH}/count`)).status).toBe(200);

    stopping = true;
    host.child.kill('SIGTERM');
    while (await accepts(host.url)) await new Promise((resolve) => setTimeout(resolve, 20));
    // Not accepting any more, yet still running: it waits for the requests in flight.
    expect(host.child.exitCode).toBeNull();

    for (const [index, connection] of inFlight.entries()) await connection.write(bodies[index].slice(10));
    const answers = await Promise.all(inFlight.map((connection) => connection.answer));
    expect(answers.map((answer) => answer?.status)).toEqual(Array(IN_FLIGHT).fill(200));
    expect(answers.map((answer) => JSON.parse(answer!.body).shared[0].to_project_id)).toEqual(targets);

    expect(await host.exited).toBe(0);
    await Promise.all(load);

    // Every answer a client got is a success. The other attempts failed at the connection, with no
    // answer: refused once the port was closed, or reset by the kernel while still in its accept
    // queue when the listening socket closed (the application never saw them; see the count of
    // logged requests below, which equals the answers).
    const answered = outcomes.filter((outcome) => outcome.status !== undefined);
    expect(answered.length).toBeGreaterThan(40);
    expect(answered.filter((outcome) => outcome.status! >= 300 || outcome.error)).toEqual([]);
    const unanswered = outcomes.filter((outcome) => outcome.status === undefined);
    expect(unanswered.filter((outcome) => !['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(outcome.error!))).toEqual([]);

    // The shares finished during the shutdown were committed before the pool closed.
    const committed = await readDatabase(databaseUrl, (dataSource) =>
      queryRows(
        dataSource,
        `SELECT to_project_id FROM backup_sharings WHERE backup_id = ? AND to_project_id IN (${targets.map(() => '?').join(', ')})`,
        [DEMO_BACKUPS.nightly, ...targets],
      ),
    );
    expect(committed.map((row: { to_project_id: string }) => row.to_project_id).sort()).toEqual([...targets].sort());

    // The operator's view: JSON lines, one per request with its ID, method, path, status, duration.
    const lines = host
      .output()
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as { level: string; context?: string; message: Record<string, unknown> | string });
    const requestLines = lines.filter((line) => line.context === 'HTTP').map((line) => line.message as Record<string, unknown>);
    // Each request the host received was answered, and the answer reached its client: the load's
    // answers, the shares in flight and the round trip after them.
    expect(requestLines.length).toBe(answered.length + IN_FLIGHT + 1);
    expect(requestLines.filter((line) => Number(line.status) >= 300 || line.aborted)).toEqual([]);
    for (const line of requestLines) {
      expect(line).toEqual(
        expect.objectContaining({
          request_id: expect.stringMatching(/^req-[0-9a-f-]{36}$/),
          method: expect.stringMatching(/^(GET|POST)$/),
          path: expect.stringMatching(/^\/v2\//),
          status: expect.any(Number),
          duration_ms: expect.any(Number),
        }),
      );
    }
    const shareLines = requestLines.filter((line) => line.method === 'POST' && line.path === SHARE_PATH);
    expect(shareLines.map((line) => line.status)).toEqual(Array(IN_FLIGHT).fill(200));
    // The demo tokens are printed once at start, in the ready record, by design (host-contract.md);
    // no other line has one.
    const isReady = (line: (typeof lines)[number]) => typeof line.message === 'object' && line.message.event === 'ready';
    expect(lines.filter(isReady)).toHaveLength(1);
    const otherLines = lines.filter((line) => !isReady(line));
    expect(JSON.stringify(otherLines)).not.toContain(TOKENS.owner);
  }, 120_000);
});
