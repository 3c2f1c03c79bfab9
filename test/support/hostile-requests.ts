import fc from 'fast-check';
import { DEMO_PROJECTS, TOKENS } from './test-host';

// Generators of hostile requests — methods, paths, query strings, headers and bodies, valid or
// not — for the properties that send them over raw sockets (fuzz, adapter parity).

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

const resource = fc.constantFrom(
  'os-vendor-backup-sharing',
  'backups',
  'os-vendor-backup-sharing/detail',
  'os-vendor-backup-sharing/count',
  'OS-VENDOR-BACKUP-SHARING',
  'os-vendor-backup-sharing%2Fdetail',
  // Case and encodings of static segments: ASCII case folds, percent-encoded letters decode, the
  // Kelvin sign (U+212A) is not a `k`.
  'os-vendor-backup-sharing/Count/',
  'Backups/DETAIL',
  '%62ackups/detail',
  'os-vendor-backup-sharing%2fcount',
  'bac%E2%84%AAups',
);

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
  'is_backup_id[]',
  'status[$ne]',
  'backup_id[]',
  'limit[0]',
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
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'application/json; charset="UTF-8"',
          'application/json;charset=utf8',
          'APPLICATION/JSON',
          '',
        ),
        headerValue,
      ),
      expect: fc.constantFrom('100-continue', 'teapot'),
      extra: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), headerValue), { maxLength: 3 }),
      host: fc.oneof(
        { weight: 8, arbitrary: fc.constant('127.0.0.1') },
        { weight: 1, arbitrary: fc.constant(undefined) },
        {
          weight: 2,
          arbitrary: fc.constantFrom('a@evil.example', 'evil.example:99999', '', 'x y', '[::1]:80', 'EXAMPLE.org:8080', 'evil.example/path', '[zz]', 'host:', 'host:80:80'),
        },
      ),
      forwarded: fc.constantFrom(
        [],
        [['X-Forwarded-Host', 'evil.example']],
        [['X-Forwarded-Proto', 'https'], ['X-Forwarded-For', '203.0.113.9']],
        [['Forwarded', 'for=203.0.113.9;host=evil.example;proto=https']],
        [['Forwarded', 'for=;;;']],
      ),
      chunked: fc.boolean(),
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
    list.push(...((chosen.forwarded ?? []) as [string, string][]));
    return { list, host: chosen.host === undefined && 'host' in chosen ? undefined : (chosen.host ?? '127.0.0.1'), chunked: chosen.chunked === true };
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

const bodyOf = (bodyLimit: number) =>
  fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: jsonish.map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 3, arbitrary: brokenShare.map((shared) => JSON.stringify({ shared })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_NUMBERS.map((n) => `{"shared": {"backup_id": ${n}, "to_project_ids": [${n}]}}`)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'null',
      '[]',
      '"shared"',
      '42',
      '{"__proto__": {"shared": 1}}',
      '{"shared": {"constructor": {"prototype": {"x": 1}}}}',
      '{"shared": {"__proto__": null, "backup_id": "066b1e37-9305-4057-97e5-2e99b21fc71d"}}',
      '\ufeff{"shared": {}}',
      '{"shared": 1',
      '   ',
    ),
  },
  { weight: 1, arbitrary: fc.constant(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1900 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 800 }).map((depth) => `{"shared":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`) },
  { weight: 1, arbitrary: fc.constant(`{"shared": {"backup_id": "${'x'.repeat(bodyLimit)}"}}`) },
);

export interface FuzzRequest {
  method: string;
  target: string;
  headers: [string, string][];
  /** The `Host` header's value; `undefined`: none sent. */
  host: string | undefined;
  /** The body sent chunked rather than with a `Content-Length`. */
  chunked: boolean;
  body: string | Buffer | undefined;
}

/**
 * Requests that reach each of the statuses the properties count (200, 400, 401, 404, 405, 406, 413,
 * 415) and write nothing: given to `fc.assert` as an example batch, so that a run proves it reached
 * the API whatever its seed (a random run of 1,200 requests may hold no 401 at all).
 */
export function reachingRequests(bodyLimit: number): FuzzRequest[] {
  const sharings = `/v2/${DEMO_PROJECTS.owner}/os-vendor-backup-sharing`;
  const owner: [string, string] = ['X-Auth-Token', TOKENS.owner];
  const json: [string, string] = ['Content-Type', 'application/json'];
  const request = (method: string, target: string, headers: [string, string][], body?: string): FuzzRequest => ({ method, target, headers, host: '127.0.0.1', chunked: false, body });
  return [
    request('GET', `${sharings}/count`, [owner]),
    request('GET', `${sharings}/detail?limit=abc`, [owner]),
    request('GET', `${sharings}/count`, []),
    request('GET', `/v2/${DEMO_PROJECTS.owner}/volumes`, [owner]),
    request('PUT', sharings, [owner, json], '{}'),
    request('GET', `${sharings}/count`, [owner, ['Accept', 'text/html']]),
    request('POST', sharings, [owner, json], `{"shared": {"backup_id": "${'x'.repeat(bodyLimit)}"}}`),
    request('POST', sharings, [owner, ['Content-Type', 'text/plain']], 'shared'),
  ];
}

/** A whole request: method, target, headers (Host possibly omitted or malformed) and body. */
export const hostileRequest = (bodyLimit: number): fc.Arbitrary<FuzzRequest> =>
  fc
  .record({ method, target, headers, body: bodyOf(bodyLimit) })
  .map(({ method: verb, target: path, headers: chosen, body: payload }) => ({
    method: verb,
    target: path,
    headers: chosen.list,
    host: chosen.host,
    chunked: chosen.chunked,
    body: payload,
  }));

/** The bytes of a generated request, with `Connection: close` and a correct length or chunking. */
export function bytesOf(fuzz: FuzzRequest): Buffer {
  const payload = fuzz.body === undefined ? undefined : Buffer.isBuffer(fuzz.body) ? fuzz.body : Buffer.from(fuzz.body, 'utf8');
  const lines = [`${fuzz.method} ${fuzz.target} HTTP/1.1`, ...(fuzz.host === undefined ? [] : [`Host: ${fuzz.host}`]), 'Connection: close'];
  lines.push(...fuzz.headers.map(([name, value]) => `${name}: ${value}`));
  if (payload === undefined) return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  if (!fuzz.chunked) {
    lines.push(`Content-Length: ${payload.length}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload]);
  }
  lines.push('Transfer-Encoding: chunked');
  const half = Math.ceil(payload.length / 2);
  const chunks = [payload.subarray(0, half), payload.subarray(half)].filter((chunk) => chunk.length > 0);
  const framed = chunks.flatMap((chunk) => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), ...framed, Buffer.from('0\r\n\r\n')]);
}

