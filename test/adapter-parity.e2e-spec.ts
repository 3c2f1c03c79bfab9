import fc from 'fast-check';
import { TestHost, startTestHost } from './support/test-host';
import { RawAnswer, sendRaw } from './support/raw-http';
import { FuzzRequest, bytesOf, hostileRequest, reachingRequests } from './support/hostile-requests';

// Differential property: the same generated requests — methods, paths, query strings, headers
// and bodies, valid or not — sent to the demo host on Express and on Fastify get the same
// answer: the same status and, for an error, the same fault name, `error_code` and message.
// Each request goes to both hosts at once, one request at a time, so that their data stays the
// same (both start from the same seed; an accepted share happens on both).

const RUNS = 300;
const BATCH = 4;
const BODY_LIMIT = 4096;

/** What must be the same on both adapters: the status, and the whole fault of an error. */
function outcomeOf(fuzz: FuzzRequest, answer: RawAnswer | undefined): unknown {
  if (answer === undefined) return 'no answer';
  if (answer.status < 400 || fuzz.method === 'HEAD' || answer.body === '') return { status: answer.status };
  try {
    const parsed = JSON.parse(answer.body) as Record<string, { message?: string; error_code?: string }>;
    const [name] = Object.keys(parsed);
    return { status: answer.status, fault: name, error_code: parsed[name]?.error_code, message: parsed[name]?.message };
  } catch {
    return { status: answer.status, body: answer.body.slice(0, 200) };
  }
}

describe('Express and Fastify answer the same requests alike', () => {
  let express: TestHost;
  let fastify: TestHost;
  beforeAll(async () => {
    const env = { BODY_LIMIT: String(BODY_LIMIT) };
    [express, fastify] = await Promise.all([startTestHost({ ...env, HTTP_ADAPTER: 'express' }), startTestHost({ ...env, HTTP_ADAPTER: 'fastify' })]);
  });
  afterAll(() => Promise.all([express?.close(), fastify?.close()]));

  it(`${RUNS * BATCH} generated requests: the same status, fault, error_code and message`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRequest(BODY_LIMIT), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        for (const fuzz of batch) {
          const bytes = bytesOf(fuzz);
          const [onExpress, onFastify] = await Promise.all([sendRaw(express.url, bytes), sendRaw(fastify.url, bytes)]);
          const request = { method: fuzz.method, target: fuzz.target, headers: fuzz.headers, body: String(fuzz.body ?? '').slice(0, 300) };
          expect({ request, answer: outcomeOf(fuzz, onFastify) }).toEqual({ request, answer: outcomeOf(fuzz, onExpress) });
          statuses.set(onExpress!.status, (statuses.get(onExpress!.status) ?? 0) + 1);
        }
      }),
      { numRuns: RUNS, examples: [[reachingRequests(BODY_LIMIT)]] },
    );
    // The property reached the API and not only the parsers: a spread of statuses came back.
    for (const status of [200, 400, 401, 404, 405, 406, 413, 415]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    console.log(`adapter parity: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  });
});
