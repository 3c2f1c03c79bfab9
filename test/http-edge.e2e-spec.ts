import { DEMO_BACKUPS, TOKENS, TestHost, expectFault, startTestHost, v2 } from './support/test-host';
import { SHARING, as, createBackup, expectNothingWritten, expectRequestId, randomProjectId, shareOk, shareRequest } from './support/sharing-api';
import { LogCapture } from './support/log-capture';
import { openRaw, rawRequest, sendRaw } from './support/raw-http';

// The statuses a client gets before its request reaches the sharing rules: a method the path does
// not serve (405), an Accept without JSON (406), a request not sent in time (408), a body above
// the limit (413), a body that is not JSON (415), bytes that are not HTTP (400). Each in the
// fault shape with a request ID, each logged, none writing anything.

const BODY_LIMIT = 2048;
const REQUEST_TIMEOUT_MS = 400;

describe('the HTTP edge of the demo host', () => {
  let host: TestHost;
  const log = new LogCapture();
  beforeAll(async () => {
    host = await startTestHost({ BODY_LIMIT: String(BODY_LIMIT), REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) }, { logger: log });
  });
  afterAll(() => host.close());

  const sharingPath = (id: string) => `${v2('owner')}/${SHARING}/${id}`;

  describe('405 badMethod, with Allow', () => {
    it.each([
      ['PUT', 'a sharing', '/00000000-0000-4000-8000-000000000000', 'DELETE, GET, HEAD'],
      ['PATCH', 'a sharing', '/00000000-0000-4000-8000-000000000000', 'DELETE, GET, HEAD'],
      ['PUT', 'the collection', '', 'DELETE, POST'],
      ['GET', 'the collection', '', 'DELETE, POST'],
      ['POST', 'the list', '/detail', 'DELETE, GET, HEAD'],
      ['OPTIONS', 'the count', '/count', 'DELETE, GET, HEAD'],
    ])('%s on %s', async (method, _what, suffix, allow) => {
      const backupId = await createBackup(host);
      const [sharing] = await shareOk(host, backupId, [randomProjectId()]);
      const path = `${v2('owner')}/${SHARING}${suffix.replace('00000000-0000-4000-8000-000000000000', sharing.id)}`;
      const response = await expectNothingWritten(host, () =>
        host.http[method.toLowerCase() as 'put'](path).set('X-Auth-Token', TOKENS.owner).send(shareRequest(backupId, [randomProjectId()])),
      );
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe(allow);
      const fault = expectFault(response.body, 405, 'badMethod');
      expect(fault.error_code).toBe('BackupSharing.MethodNotAllowed');
      expect(fault.message).toContain(method);
      expectRequestId(response);
    });

    it('also without a token: the method is wrong whoever asks', async () => {
      const response = await host.http.put(sharingPath(DEMO_BACKUPS.nightly));
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('DELETE, GET, HEAD');
    });

    it("on the host's own routes too", async () => {
      const response = await host.http.put(`${v2('owner')}/backups/${DEMO_BACKUPS.nightly}`).set('X-Auth-Token', TOKENS.owner);
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('DELETE, GET, HEAD');
      expectFault(response.body, 405, 'badMethod');
    });

    it('an unknown path stays 404, whatever the method', async () => {
      for (const method of ['get', 'put', 'delete'] as const) {
        const response = await host.http[method](`${v2('owner')}/${SHARING}/a/b`).set('X-Auth-Token', TOKENS.owner);
        expect(response.status).toBe(404);
        expectFault(response.body, 404, 'itemNotFound');
      }
    });

    it('CONNECT (a proxy request) is refused in the fault shape', async () => {
      const answer = await sendRaw(host.url, rawRequest('CONNECT', 'example.com:443'));
      expect(answer?.status).toBe(405);
      expect(answer?.headers.allow).toBeDefined();
      expectFault(JSON.parse(answer!.body), 405, 'badMethod');
    });
  });

  describe('406 notAcceptable', () => {
    it.each(['text/html', 'application/xml', 'application/json;q=0, text/plain', 'text/*', 'image/png, */*;q=0'])(
      'Accept: %s',
      async (accept) => {
        const response = await expectNothingWritten(host, () =>
          as(host, 'owner').post(SHARING, shareRequest(DEMO_BACKUPS.nightly, [randomProjectId()])).set('Accept', accept),
        );
        expect(response.status).toBe(406);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(expectFault(response.body, 406, 'notAcceptable').error_code).toBe('BackupSharing.NotAcceptable');
        expectRequestId(response);
      },
    );

    it.each([undefined, '', '*/*', 'application/*', 'application/json', 'text/html, application/json;q=0.1', 'application/json; charset=utf-8'])(
      'serves Accept: %p',
      async (accept) => {
        const request = as(host, 'owner').get(`${SHARING}/count`);
        const response = await (accept === undefined ? request.unset('Accept') : request.set('Accept', accept));
        expect(response.status).toBe(200);
      },
    );
  });

  describe('415 badMediaType', () => {
    it.each([
      ['text/plain', JSON.stringify(shareRequest(DEMO_BACKUPS.nightly, ['p1']))],
      ['application/x-www-form-urlencoded', 'shared[backup_id]=x&shared[to_project_ids][]=p1'],
      ['application/xml', '<shared/>'],
      ['multipart/form-data; boundary=x', '--x--'],
    ])('a %s body is refused, nothing written', async (contentType, body) => {
      const response = await expectNothingWritten(host, () => as(host, 'owner').post(SHARING).set('Content-Type', contentType).send(body));
      expect(response.status).toBe(415);
      expect(expectFault(response.body, 415, 'badMediaType').error_code).toBe('BackupSharing.UnsupportedMediaType');
      expectRequestId(response);
    });

    it('a body without Content-Type is refused', async () => {
      const answer = await sendRaw(
        host.url,
        rawRequest('POST', `${v2('owner')}/${SHARING}`, [['X-Auth-Token', TOKENS.owner]], JSON.stringify(shareRequest(DEMO_BACKUPS.nightly, ['p1']))),
      );
      expect(answer?.status).toBe(415);
      expectFault(JSON.parse(answer!.body), 415, 'badMediaType');
    });

    it('a JSON body with a charset other than UTF-8 is refused', async () => {
      const response = await as(host, 'owner').post(SHARING).set('Content-Type', 'application/json; charset=latin1').send('{}');
      expect(response.status).toBe(415);
      expectFault(response.body, 415, 'badMediaType');
    });

    it("on the host's own routes too", async () => {
      const response = await as(host, 'owner').post('backups').set('Content-Type', 'text/plain').send('{"backup": {}}');
      expect(response.status).toBe(415);
      expectFault(response.body, 415, 'badMediaType');
    });

    it('a POST without a body is a 400 of validation, not a 415', async () => {
      const response = await as(host, 'owner').post(SHARING);
      expect(response.status).toBe(400);
      expectFault(response.body, 400, 'badRequest');
    });
  });

  describe('413 overLimit', () => {
    it('a body above BODY_LIMIT is refused, nothing written', async () => {
      const padding = 'x'.repeat(BODY_LIMIT);
      const body = { shared: { backup_id: DEMO_BACKUPS.nightly, to_project_ids: [randomProjectId()], padding } };
      const response = await expectNothingWritten(host, () => as(host, 'owner').post(SHARING, body));
      expect(response.status).toBe(413);
      const fault = expectFault(response.body, 413, 'overLimit');
      expect(fault.error_code).toBe('BackupSharing.RequestTooLarge');
      expect(fault.message).toBe('The request body is larger than this service accepts.');
      expectRequestId(response);
    });

    it('a chunked body that grows past the limit is refused too', async () => {
      const connection = await openRaw(host.url);
      const head = rawRequest('POST', `${v2('owner')}/${SHARING}`, [
        ['X-Auth-Token', TOKENS.owner],
        ['Content-Type', 'application/json'],
        ['Transfer-Encoding', 'chunked'],
      ]);
      await connection.write(head);
      const chunk = '{"a":"' + 'y'.repeat(BODY_LIMIT) + '"}';
      await connection.write(`${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n0\r\n\r\n`).catch(() => undefined);
      const answer = await connection.answer;
      expect(answer?.status).toBe(413);
      expectFault(JSON.parse(answer!.body), 413, 'overLimit');
    });

    it('a body just under the limit is read (and judged on its content)', async () => {
      const backupId = await createBackup(host);
      const target = randomProjectId();
      const body = JSON.stringify(shareRequest(backupId, [target]));
      const padded = body.replace(/}$/, `, "padding": "${'x'.repeat(BODY_LIMIT - body.length - 20)}"}`);
      expect(Buffer.byteLength(padded)).toBeLessThanOrEqual(BODY_LIMIT);
      const response = await as(host, 'owner').post(SHARING).set('Content-Type', 'application/json').send(padded);
      expect(response.status).toBe(200);
      expect(response.body.shared[0].to_project_id).toBe(target);
    });

    it('headers above the server limit are refused in the fault shape', async () => {
      const answer = await sendRaw(
        host.url,
        rawRequest('GET', `${v2('owner')}/${SHARING}/count`, [['X-Auth-Token', TOKENS.owner], ['X-Padding', 'z'.repeat(20_000)]]),
      );
      expect(answer?.status).toBe(413);
      expectFault(JSON.parse(answer!.body), 413, 'overLimit');
    });
  });

  describe('408 requestTimeout', () => {
    it('a body that stops coming is answered 408 after REQUEST_TIMEOUT_MS, nothing written, logged', async () => {
      const backupId = await createBackup(host);
      const body = JSON.stringify(shareRequest(backupId, [randomProjectId()]));
      const response = await expectNothingWritten(host, async () => {
        const connection = await openRaw(host.url);
        await connection.write(
          rawRequest('POST', `${v2('owner')}/${SHARING}`, [
            ['X-Auth-Token', TOKENS.owner],
            ['Content-Type', 'application/json'],
            ['Content-Length', String(Buffer.byteLength(body))],
          ]).subarray(0, -2) /* drop the blank line's CRLF: rawRequest added none for the body */,
        );
        await connection.write(`\r\n${body.slice(0, 20)}`);
        return connection.answer;
      });
      expect(response?.status).toBe(408);
      expect(response?.headers.connection).toBe('close');
      const fault = expectFault(JSON.parse(response!.body), 408, 'requestTimeout');
      expect(fault.error_code).toBe('BackupSharing.RequestTimeout');
      const requestId = response!.headers['x-openstack-request-id'];
      expect(requestId).toMatch(/^req-/);
      expect(log.ofRequest(requestId)).toEqual([
        expect.objectContaining({ message: expect.objectContaining({ status: 408, method: 'POST', path: `${v2('owner')}/${SHARING}` }) }),
      ]);
    });

    it('headers that stop coming are answered 408 too', async () => {
      const connection = await openRaw(host.url);
      await connection.write(`GET ${v2('owner')}/${SHARING}/count HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-To`);
      const answer = await connection.answer;
      expect(answer?.status).toBe(408);
      expectFault(JSON.parse(answer!.body), 408, 'requestTimeout');
    });

    it('the host keeps serving afterwards', async () => {
      const response = await as(host, 'owner').get(`${SHARING}/count`);
      expect(response.status).toBe(200);
    });
  });

  describe('400 for bytes that are not HTTP', () => {
    it.each([
      ['a broken request line', 'GARBAGE\r\n\r\n'],
      ['an unknown method token', `FOO ${v2('owner')}/${SHARING} HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['a bad Content-Length', `POST ${v2('owner')}/${SHARING} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`],
      ['a header without colon', `GET / HTTP/1.1\r\nHost x\r\n\r\n`],
    ])('%s', async (_what, bytes) => {
      const answer = await sendRaw(host.url, Buffer.from(bytes, 'latin1'));
      expect(answer?.status).toBe(400);
      const fault = expectFault(JSON.parse(answer!.body), 400, 'badRequest');
      expect(fault.message).toMatch(/^The request is not valid HTTP\/1\.1/);
      expect(answer?.headers['x-openstack-request-id']).toMatch(/^req-/);
    });
  });

  describe('what Node would answer outside the fault shape', () => {
    it('an HTTP/1.1 request without Host: 400 in the fault shape', async () => {
      const answer = await sendRaw(host.url, Buffer.from(`GET ${v2('owner')}/${SHARING}/count HTTP/1.1\r\nConnection: close\r\n\r\n`));
      expect(answer?.status).toBe(400);
      expect(expectFault(JSON.parse(answer!.body), 400, 'badRequest').message).toMatch(/Host/);
    });

    it('an Expect other than 100-continue is ignored (no 417): the request is served', async () => {
      const answer = await sendRaw(
        host.url,
        rawRequest('GET', `${v2('owner')}/${SHARING}/count`, [['X-Auth-Token', TOKENS.owner], ['Expect', 'teapot']]),
      );
      expect(answer?.status).toBe(200);
      expect(JSON.parse(answer!.body)).toEqual({ count: expect.any(Number) });
    });
  });

  it('every answer of this file was logged as one structured line with its request ID', () => {
    const lines = log.entries.filter((entry) => typeof entry.message === 'object');
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(line.message).toEqual(
        expect.objectContaining({ request_id: expect.stringMatching(/^req-/), status: expect.any(Number) }),
      );
    }
    expect(log.text()).not.toContain(TOKENS.owner);
  });
});
