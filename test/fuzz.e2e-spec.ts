import fc from 'fast-check';
import { DEMO_PROJECTS, TOKENS, TestHost, expectFault, startTestHost } from './support/test-host';
import { SHARING, createBackup, randomProjectId, shareOk } from './support/sharing-api';
import { RawAnswer, sendRaw } from './support/raw-http';
import { FuzzRequest, bytesOf, hostileRequest, reachingRequests } from './support/hostile-requests';
import { queryRows } from './support/database-query';

// Property: whatever a client sends — methods, paths, query values, headers and bodies, valid or
// not, Unicode, huge numbers, injection strings — the host answers, never with a 5xx, every error
// in the fault shape with a request ID; nothing is written; and it keeps serving. Requests go over
// real sockets (not through an HTTP client that would refuse to send the worst of them).

const RUNS = 250;
const BATCH = 8; // requests sent at once per run: RUNS x BATCH = 2,000 requests
const BODY_LIMIT = 4096;
const request = hostileRequest(BODY_LIMIT);

/** What every answer must be: some answer, no 5xx, each error a fault with a request ID. */
function expectWellFormed(fuzz: FuzzRequest, answer: RawAnswer | undefined): void {
  const context = JSON.stringify({ method: fuzz.method, target: fuzz.target, status: answer?.status, body: answer?.body.slice(0, 300) });
  if (answer === undefined) throw new Error(`no answer to ${context}`);
  if (answer.status >= 500 || !(answer.status >= 200)) throw new Error(`status ${answer.status} for ${context}`);
  if (!/^req-[0-9a-f-]{36}$/.test(answer.headers['x-openstack-request-id'] ?? '')) throw new Error(`no request ID for ${context}`);
  if (answer.status < 400 || fuzz.method === 'HEAD') return;
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    throw new Error(`a ${answer.status} that is not JSON: ${context}`);
  }
  const [name] = Object.keys(parsed as object);
  expectFault(parsed, answer.status, name);
}

describe('fuzz: 2,000 generated malformed requests against the demo host', () => {
  let host: TestHost;
  const snapshot = async () => [
    await queryRows(host.dataSource, 'SELECT * FROM backup_sharings ORDER BY id'),
    await queryRows(host.dataSource, 'SELECT * FROM backups ORDER BY id'),
  ];

  beforeAll(async () => {
    host = await startTestHost({ BODY_LIMIT: String(BODY_LIMIT) });
    // Rows to protect: a backup shared with two projects, one sharing canceled.
    const backupId = await createBackup(host);
    const [, canceled] = await shareOk(host, backupId, [randomProjectId(), randomProjectId()]);
    expect((await host.http.delete(`/v2/${DEMO_PROJECTS.owner}/${SHARING}/${canceled.id}`).set('X-Auth-Token', TOKENS.owner)).status).toBe(200);
  });
  afterAll(() => host.close());

  it('no 5xx, every 4xx a fault, nothing written, still serving', async () => {
    const before = await snapshot();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(batch.map((fuzz) => sendRaw(host.url, bytesOf(fuzz))));
        batch.forEach((fuzz, index) => {
          expectWellFormed(fuzz, answers[index]);
          const status = answers[index]!.status;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        });
      }),
      { numRuns: RUNS, examples: [[reachingRequests(BODY_LIMIT)]] },
    );
    const sent = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    expect(sent).toBeGreaterThanOrEqual(RUNS * BATCH);
    // The property reached the API, not only the parser: a spread of statuses came back.
    for (const status of [200, 400, 401, 404, 405, 406, 415]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
    const count = await host.http.get(`/v2/${DEMO_PROJECTS.owner}/${SHARING}/count`).set('X-Auth-Token', TOKENS.owner);
    expect(count.status).toBe(200);
    expect(count.body).toEqual({ count: 1 });
    console.log(`fuzz: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  });
});

describe('bodies nested deep enough to overflow a recursive walk, under the default 64 KiB limit', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const deepObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it.each([
    ['arrays in to_project_ids', `/v2/${DEMO_PROJECTS.owner}/${SHARING}`, `{"shared":{"backup_id":"066b1e37-9305-4057-97e5-2e99b21fc71d","to_project_ids":${deepArrays(30_000)}}}`],
    ['objects beside the fields', `/v2/${DEMO_PROJECTS.owner}/${SHARING}`, `{"shared":{"backup_id":"066b1e37-9305-4057-97e5-2e99b21fc71d","to_project_ids":["p"],"x":${deepObjects(10_000)}}}`],
    ["objects in the host's own body", `/v2/${DEMO_PROJECTS.owner}/backups`, `{"backup":${deepObjects(10_000)}}`],
  ])('%s: 400, not a 500', async (_what, path, text) => {
    expect(Buffer.byteLength(text)).toBeLessThan(64 * 1024);
    const response = await host.http.post(path).set('X-Auth-Token', TOKENS.owner).set('Content-Type', 'application/json').send(text);
    expect(response.status).toBe(400);
    expect(expectFault(response.body, 400, 'badRequest').message).toMatch(/more than 32 levels deep/);
  });

  it('a body nested as deep as the API needs passes on to validation', async () => {
    const response = await host.http
      .post(`/v2/${DEMO_PROJECTS.owner}/${SHARING}`)
      .set('X-Auth-Token', TOKENS.owner)
      .send({ shared: { backup_id: '066b1e37-9305-4057-97e5-2e99b21fc71d', to_project_ids: [[['nested']]] } });
    expect(response.status).toBe(400);
    expect(expectFault(response.body, 400, 'badRequest').message).not.toMatch(/levels deep/);
  });
});
