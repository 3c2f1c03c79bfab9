import { DEMO_BACKUPS, DEMO_PROJECTS, TOKENS, TestHost, expectFault, startTestHost, v2 } from './support/test-host';
import { SHARING, as, createBackup, expectNothingWritten, randomProjectId, shareOk } from './support/sharing-api';
import { shapeOf, statementsDuring } from './support/sql-capture';
import { rawRequest, sendRaw } from './support/raw-http';

// One answer per problem, whichever adapter the host runs on (`npm run test:fastify` runs this
// file on Fastify): the body faults and their messages (README, Errors), input echoed only as a
// short prefix, the small query cases, and the host's backup read scoped in its query.

const BODY_MESSAGES = {
  malformed: 'The request body is not valid JSON.',
  notObject: 'The request body must be a JSON object.',
  prototypeKeys: 'The request body must not contain the key "__proto__", nor "constructor" holding "prototype".',
  charset: 'The request body must be JSON in UTF-8: no charset, or charset=utf-8.',
};

describe('hostile input', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  const share = (body: string | Buffer, contentType = 'application/json') =>
    host.http.post(`${v2('owner')}/${SHARING}`).set('X-Auth-Token', TOKENS.owner).set('Content-Type', contentType).send(body);

  describe('body faults, on the module and the host routes alike', () => {
    const cases: [string, string | Buffer, string, number, string][] = [
      ['cut short', '{"shared": {', 'application/json', 400, BODY_MESSAGES.malformed],
      ['not JSON at all', "{'shared': 1}", 'application/json', 400, BODY_MESSAGES.malformed],
      ['white space only', '   ', 'application/json', 400, BODY_MESSAGES.malformed],
      ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), 'application/json', 400, BODY_MESSAGES.malformed],
      ['null', 'null', 'application/json', 400, BODY_MESSAGES.notObject],
      ['an array', '[{"shared": {}}]', 'application/json', 400, BODY_MESSAGES.notObject],
      ['a string', '"shared"', 'application/json', 400, BODY_MESSAGES.notObject],
      ['a number', '42', 'application/json', 400, BODY_MESSAGES.notObject],
      ['__proto__ at the top', '{"__proto__": {"shared": {}}}', 'application/json', 400, BODY_MESSAGES.prototypeKeys],
      ['__proto__ inside', '{"shared": {"__proto__": {"backup_id": "x"}}}', 'application/json', 400, BODY_MESSAGES.prototypeKeys],
      ['an escaped __proto__', '{"shared": {"\\u005f_proto__": {}}}', 'application/json', 400, BODY_MESSAGES.prototypeKeys],
      ['constructor.prototype', '{"shared": {"constructor": {"prototype": {}}}}', 'application/json', 400, BODY_MESSAGES.prototypeKeys],
      ['charset=utf-16', '{"shared": {}}', 'application/json; charset=utf-16', 415, BODY_MESSAGES.charset],
      ['charset=latin1', '{"shared": {}}', 'application/json; charset=latin1', 415, BODY_MESSAGES.charset],
    ];

    it.each(cases)('%s: %i with one message, nothing written', async (_what, body, contentType, status, message) => {
      for (const path of [`${v2('owner')}/${SHARING}`, `${v2('owner')}/backups`]) {
        // Over a raw socket: the bytes exactly as written here.
        const answer = await expectNothingWritten(host, () =>
          sendRaw(host.url, rawRequest('POST', path, [['X-Auth-Token', TOKENS.owner], ['Content-Type', contentType]], body)),
        );
        expect(answer?.status).toBe(status);
        const fault = expectFault(JSON.parse(answer!.body), status, status === 400 ? 'badRequest' : 'badMediaType');
        expect(fault.message).toBe(message);
        expect(fault.error_code).toBe(status === 400 ? 'BackupSharing.InvalidRequest' : 'BackupSharing.UnsupportedMediaType');
      }
    });

    it.each(['application/json; charset=utf-8', 'application/json; charset="UTF-8"', 'application/json;charset=utf8', 'APPLICATION/JSON'])(
      '%s is UTF-8 JSON: the body reaches validation',
      async (contentType) => {
        const response = await share('{"shared": {}}', contentType);
        expect(response.status).toBe(400);
        expect(expectFault(response.body, 400, 'badRequest').message).toMatch(/backup_id/);
      },
    );

    it('a byte-order mark is skipped', async () => {
      const backupId = await createBackup(host);
      const response = await share(`\ufeff${JSON.stringify({ shared: { backup_id: backupId, to_project_ids: [randomProjectId()] } })}`);
      expect(response.status).toBe(200);
    });

    it('a "constructor" key without "prototype" is a field like any other', async () => {
      const response = await share('{"shared": {"constructor": "x"}}');
      expect(response.status).toBe(400);
      expect(expectFault(response.body, 400, 'badRequest').message).toMatch(/backup_id/);
    });
  });

  describe('input is echoed as a short prefix only', () => {
    const long = 'x'.repeat(15_000);

    it.each([
      ['a sharing ID', `${v2('owner')}/${SHARING}/${long}`],
      ['a backup ID of the host', `${v2('owner')}/backups/${long}`],
      ['an unknown path', `${v2('owner')}/${long}/y`],
    ])('%s of 15 KB', async (_what, path) => {
      const response = await host.http.get(path).set('X-Auth-Token', TOKENS.owner);
      expect(response.status).toBe(404);
      const fault = expectFault(response.body, 404, 'itemNotFound');
      expect(fault.message.length).toBeLessThan(200);
      expect(fault.message).toMatch(/x{20,}…/);
    });

    it('a bracketed query key of 5 KB', async () => {
      const response = await as(host, 'owner').get(`${SHARING}/detail?${'k'.repeat(5000)}[]=1`);
      expect(response.status).toBe(400);
      expect(expectFault(response.body, 400, 'badRequest').message.length).toBeLessThan(250);
    });
  });

  describe('query values', () => {
    it.each(['limit=01', 'limit=007', 'offset=01', 'offset=00'])('%s (a leading zero): 400', async (query) => {
      const response = await as(host, 'owner').get(`${SHARING}/detail?${query}`);
      expect(response.status).toBe(400);
      expect(expectFault(response.body, 400, 'badRequest').message).toMatch(/whole number/);
    });

    it.each(['offset=1e18', 'offset=99999999999999999999', 'offset=2147483648', 'offset=-1'])('%s: one message', async (query) => {
      const response = await as(host, 'owner').get(`${SHARING}/detail?${query}`);
      expect(response.status).toBe(400);
      expect(expectFault(response.body, 400, 'badRequest').message).toBe('offset must be a whole number from 0 to 2147483647.');
    });

    it('offset=0 and limit=1000 are served', async () => {
      expect((await as(host, 'owner').get(`${SHARING}/detail?offset=0&limit=1000`)).status).toBe(200);
    });
  });

  describe("the host's backup read", () => {
    it("is one query scoped by project, the same for another project's backup and an unknown ID", async () => {
      const shapes: string[][] = [];
      for (const id of [DEMO_BACKUPS.nightly, '00000000-0000-4000-8000-000000000000']) {
        const statements = await statementsDuring(host.dataSource, async () => {
          const response = await as(host, 'other').get(`backups/${id}`);
          expect(response.status).toBe(404);
        });
        const reads = statements.filter((statement) => /\bFROM backups\b/i.test(statement.sql));
        expect(reads).toHaveLength(1);
        expect(reads[0].params).toEqual([id, DEMO_PROJECTS.other, DEMO_PROJECTS.other]);
        shapes.push(statements.map(shapeOf));
      }
      expect(shapes[0]).toEqual(shapes[1]);
    });

    it('serves the owner and a recipient, and the recipient no longer once the sharing ends', async () => {
      const backupId = await createBackup(host);
      expect((await as(host, 'owner').get(`backups/${backupId}`)).status).toBe(200);
      expect((await as(host, 'recipient').get(`backups/${backupId}`)).status).toBe(404);
      const [sharing] = await shareOk(host, backupId, [DEMO_PROJECTS.recipient]);
      const read = await as(host, 'recipient').get(`backups/${backupId}`);
      expect(read.status).toBe(200);
      expect(read.body.backup.id).toBe(backupId);
      expect((await as(host, 'owner').delete(`${SHARING}/${sharing.id}`)).status).toBe(200);
      expect((await as(host, 'recipient').get(`backups/${backupId}`)).status).toBe(404);
    });
  });
});
