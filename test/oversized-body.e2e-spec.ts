import { createConnection } from 'node:net';
import { TOKENS, TestHost, expectFault, startTestHost, v2 } from './support/test-host';
import { SHARING, expectNothingWritten } from './support/sharing-api';
import { RawAnswer, openRaw, parseAnswer } from './support/raw-http';

// A body above BODY_LIMIT is refused before it is read: from its Content-Length at once, a
// chunked one as soon as it passes the limit; then the connection is closed, so the rest is
// never read. Over raw sockets, on both adapters (`npm run test:fastify`).

const BODY_LIMIT = 4096;
/** What a server that stops reading lets a sender push into the sockets' buffers, at most. */
const MOST_BYTES_ACCEPTED = 16 * 1024 * 1024;

function head(extra: string[]): string {
  return [
    `POST ${v2('owner')}/${SHARING} HTTP/1.1`,
    'Host: 127.0.0.1',
    `X-Auth-Token: ${TOKENS.owner}`,
    'Content-Type: application/json',
    ...extra,
  ].join('\r\n') + '\r\n\r\n';
}

/**
 * Sends `headBytes`, then writes `chunk` again and again, as fast as the server takes it, until
 * the server closes the connection: how many body bytes went out, how long it took, the answer.
 */
function pushUntilClosed(url: string, headBytes: string, chunk: Buffer): Promise<{ sent: number; ms: number; answer: RawAnswer | undefined }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = createConnection({ host: hostname, port: Number(port) });
    const received: Buffer[] = [];
    let sent = 0;
    let open = true;
    const push = () => {
      while (open && sent < 4 * MOST_BYTES_ACCEPTED) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', push);
      }
    };
    socket.on('data', (data) => received.push(data));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open = false;
      resolve({ sent, ms: Date.now() - started, answer: parseAnswer(Buffer.concat(received)) });
    });
    socket.once('connect', () => {
      socket.write(headBytes);
      push();
    });
  });
}

describe(`bodies above BODY_LIMIT (${BODY_LIMIT} bytes)`, () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ BODY_LIMIT: String(BODY_LIMIT) });
  });
  afterAll(() => host.close());

  function expectTooLarge(answer: RawAnswer | undefined): void {
    expect(answer?.status).toBe(413);
    expect(answer?.headers.connection).toBe('close');
    const fault = expectFault(JSON.parse(answer!.body), 413, 'overLimit');
    expect(fault).toEqual({ code: 413, message: 'The request body is larger than this service accepts.', error_code: 'BackupSharing.RequestTooLarge' });
    expect(answer?.headers['x-openstack-request-id']).toMatch(/^req-/);
  }

  it('a declared Content-Length of 1 GB: 413 before a byte of the body is sent, then the connection is closed', async () => {
    const answer = await expectNothingWritten(host, async () => {
      const connection = await openRaw(host.url);
      const started = Date.now();
      await connection.write(head(['Content-Length: 1000000000']));
      const answered = await connection.answer;
      expect(Date.now() - started).toBeLessThan(5000);
      return answered;
    });
    expectTooLarge(answer);
  });

  it('a declared Content-Length one byte over the limit: 413 at once', async () => {
    const connection = await openRaw(host.url);
    await connection.write(head([`Content-Length: ${BODY_LIMIT + 1}`]));
    expectTooLarge(await connection.answer);
  });

  it('a chunked body: 413 as soon as it passes the limit, before it ends', async () => {
    const answer = await expectNothingWritten(host, async () => {
      const connection = await openRaw(host.url);
      await connection.write(head(['Transfer-Encoding: chunked']));
      const piece = `{"shared": "${'x'.repeat(BODY_LIMIT)}`;
      // No last chunk: the body never ends, and the answer comes all the same.
      await connection.write(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
      return connection.answer;
    });
    expectTooLarge(answer);
  });

  it('a sender that goes on after a declared 1 GB is cut off: bounded in bytes and time', async () => {
    const { sent, ms, answer } = await pushUntilClosed(host.url, head(['Content-Length: 1000000000']), Buffer.alloc(64 * 1024, 0x20));
    expect(sent).toBeLessThan(MOST_BYTES_ACCEPTED);
    expect(ms).toBeLessThan(10_000);
    // The answer was sent before the close; a client still writing may see the reset first.
    if (answer) expectTooLarge(answer);
  });

  it('a chunked sender that never stops is cut off after the limit: bounded in bytes and time', async () => {
    const chunk = Buffer.from(`${(64 * 1024).toString(16)}\r\n${' '.repeat(64 * 1024)}\r\n`);
    const { sent, ms, answer } = await pushUntilClosed(host.url, head(['Transfer-Encoding: chunked']), chunk);
    expect(sent).toBeLessThan(MOST_BYTES_ACCEPTED);
    expect(ms).toBeLessThan(10_000);
    if (answer) expectTooLarge(answer);
  });

  it('the host keeps serving', async () => {
    const response = await host.http.get(`${v2('owner')}/${SHARING}/count`).set('X-Auth-Token', TOKENS.owner);
    expect(response.status).toBe(200);
  });
});
