import fc from 'fast-check';
import { DEMO_PROJECTS, TOKENS, TestHost, expectFault, startTestHost } from './support/test-host';
import { SHARING, createBackup, randomProjectId, shareOk } from './support/sharing-api';
import { RawAnswer, sendRaw } from './support/raw-http';
import { queryRows } from './support/database-query';

// Property: whatever a client sends — methods, paths, query values, headers and bodies, valid or
// not, Unicode, huge numbers, injection strings — the host answers, never with a 5xx, every error
// in the fault shape with a request ID; nothing is written; and it keeps serving. Requests go over
// real sockets (not through an HTTP client that would refuse to send the worst of them).

const RUNS = 250;
const BATCH = 8; // requests sent at once per run: RUNS x BATCH = 2,000 requests
const BODY_LIMIT = 4096;

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE backup_sharings; --",
  '" OR ""="',
  '1 UNION SELECT * FROM backups',
  '%',
  '_',
  '\\',
  '!',
  '*/*',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  'true',
];
const HUGE_NUMBERS = ['1e309', '-1e309', '99999999999999999999999999', '-0', '0x10', '1.5', '-1', '9007199254740993', '1e-400', 'Infinity'];
const WEIRD_UNICODE = ['\u0000', '\ud800', '\udfff', '\u202e', '\ufeff', 'é', '日本', '🙂', 'ｓｈａｒｅ', 'İ', 'K'];

/** A string a client might put anywhere: plain, Unicode, injection, huge number, very long. */
const nasty = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(...INJECTIONS, ...HUGE_NUMBERS, ...WEIRD_UNICODE),
  fc.uuid().map(String),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constant('x'.repeat(200)),
);

/** Percent-encodes every byte of the UTF-8 form (lone surrogates become U+FFFD, as browsers do). */
function encodeBytes(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`)).join('');
}

/** A path segment: encoded, raw (possibly not valid in a request line), or broken encoding. */
const segment = fc.oneof(
  { weight: 8, arbitrary: nasty.map(encodeBytes) },
  { weight: 1, arbitrary: nasty },
  { weight: 2, arbitrary: fc.constantFrom('%', '%zz', '%FF', '%E0%A4', '%00', '..', '.', '', '//', ';', '%2F') },
);

const projectSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(DEMO_PROJECTS.owner, DEMO_PROJECTS.recipient, DEMO_PROJECTS.other) },
  { weight: 1, arbitrary: segment },
);

const resource = fc.constantFrom('os-vendor-backup-sharing', 'backups', 'os-vendor-backup-sharing/detail', 'os-vendor-backup-sharing/count', 'OS-VENDOR-BACKUP-SHARING', 'os-vendor-backup-sharing%2Fdetail');

const QUERY_KEYS = [
  'share_to_me',
  'is_backup_id',
  'backup_id',
  'from_project_id',
  'to_project_id',
  'volume_id',
  'status',
  'availability_zone',
  'avalilability_zone',
  'name',
  'sort_key',
  'sort_dir',
  'limit',
  'offset',
  'marker',
  'limit[]',
  'name[a]',
  '__proto__',
];

const query = fc
  .array(
    fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), segment), fc.oneof(segment, fc.constantFrom(...HUGE_NUMBERS)), fc.boolean()),
    { maxLength: 5 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value, bare]) => (bare ? key : `${key}=${value}`)).join('&')}`));

/** A target: mostly around the API's paths, sometimes anything. */
const target = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(projectSegment, resource, fc.array(segment, { maxLength: 3 }), query)
      .map(([project, path, rest, search]) => `/v2/${project}/${path}${rest.map((part) => `/${part}`).join('')}${search}`),
  },
  { weight: 1, arbitrary: fc.tuple(fc.array(segment, { maxLength: 4 }), query).map(([parts, search]) => `/${parts.join('/')}${search}`) },
  { weight: 1, arbitrary: fc.constantFrom('*', 'example.com:443', 'http://127.0.0.1/v2', '/health', '/docs-json', '', '/v2') },
);

const method = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') },
  { weight: 1, arbitrary: fc.constantFrom('TRACE', 'CONNECT', 'PROPFIND', 'PURGE', 'FOO', 'get', 'P0ST', '') },
);

const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(TOKENS.owner, TOKENS.recipient, TOKENS.other) },
  { weight: 1, arbitrary: nasty.filter((value) => !/[\r\n]/.test(value)) },
);

/** A header value: mostly printable, sometimes not, never a line break (that would be another request). */
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: nasty.map((value) => value.replace(/[\r\n]/g, '')) },
);

const headers = fc
  .record(
    {
      token,
      accept: fc.oneof(fc.constantFrom('application/json', '*/*', 'text/html', 'application/*', 'application/json;q=0', ''), headerValue),
      contentType: fc.oneof(
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
        headerValue,
      ),
      expect: fc.constantFrom('100-continue', 'teapot'),
      extra: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), headerValue), { maxLength: 3 }),
      host: fc.constantFrom(true, true, true, false),
    },
    { requiredKeys: [] },
  )
  .map((chosen) => {
    const list: [string, string][] = [];
    if (chosen.token !== undefined) list.push(['X-Auth-Token', chosen.token]);
    if (chosen.accept !== undefined) list.push(['Accept', chosen.accept]);
    if (chosen.contentType !== undefined) list.push(['Content-Type', chosen.contentType]);
    if (chosen.expect !== undefined) list.push(['Expect', chosen.expect]);
    for (const [name, value] of chosen.extra ?? []) {
      // Framing headers are the raw client's job; a stray one would only desynchronise the test.
      if (!/^(content-length|transfer-encoding|connection|host)$/i.test(name)) list.push([name, value]);
    }
    return { list, omitHost: chosen.host === false };
  });

/** A JSON value with the worst of numbers and strings in it. */
const jsonish: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nasty,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom('shared', 'backup_id', 'to_project_ids', 'backup', 'volume_id', 'os-reset_status', '__proto__'), nasty), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A share request with one part broken, which must never pass validation into a write. */
const brokenShare = fc.record({
  backup_id: fc.oneof(nasty, fc.uuid(), fc.constant(null), fc.integer()),
  to_project_ids: fc.oneof(fc.array(nasty, { maxLength: 12 }), nasty, fc.constant([]), fc.array(fc.array(nasty, { maxLength: 2 }), { maxLength: 3 })),
});

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: jsonish.map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 3, arbitrary: brokenShare.map((shared) => JSON.stringify({ shared })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_NUMBERS.map((n) => `{"shared": {"backup_id": ${n}, "to_project_ids": [${n}]}}`)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1900 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 800 }).map((depth) => `{"shared":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`) },
  { weight: 1, arbitrary: fc.constant(`{"shared": {"backup_id": "${'x'.repeat(BODY_LIMIT)}"}}`) },
);

interface FuzzRequest {
  method: string;
  target: string;
  headers: [string, string][];
  omitHost: boolean;
  body: string | Buffer | undefined;
}

const request: fc.Arbitrary<FuzzRequest> = fc
  .record({ method, target, headers, body })
  .map(({ method: verb, target: path, headers: chosen, body: payload }) => ({
    method: verb,
    target: path,
    headers: chosen.list,
    omitHost: chosen.omitHost,
    body: payload,
  }));

function bytesOf(fuzz: FuzzRequest): Buffer {
  const payload = fuzz.body === undefined ? undefined : Buffer.isBuffer(fuzz.body) ? fuzz.body : Buffer.from(fuzz.body, 'utf8');
  const lines = [`${fuzz.method} ${fuzz.target} HTTP/1.1`, ...(fuzz.omitHost ? [] : ['Host: 127.0.0.1']), 'Connection: close'];
  lines.push(...fuzz.headers.map(([name, value]) => `${name}: ${value}`));
  if (payload !== undefined) lines.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload ?? Buffer.alloc(0)]);
}

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
      { numRuns: RUNS },
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
