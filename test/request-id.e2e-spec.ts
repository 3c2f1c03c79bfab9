import { Response } from 'supertest';
import { FAULT_NAMES } from '../libs/backup-sharing/src/http/fault.filter';
import { DEMO_BACKUPS, DEMO_PROJECTS, TOKENS, TestHost, startTestHost, v2 } from './support/test-host';
import { REQUEST_ID, SHARING, as, expectRequestId, shareRequest } from './support/sharing-api';

describe('X-Openstack-Request-Id on every answer', () => {
  let host: TestHost;
  let sharingId: string;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  const owner = () => as(host, 'owner');
  const path = (rest: string) => `${v2('owner')}/${rest}`;

  // In order: later requests use what earlier ones created.
  const requests: [string, number, () => PromiseLike<Response>][] = [
    ['share', 200, () => owner().post(SHARING, shareRequest(DEMO_BACKUPS.nightly, [DEMO_PROJECTS.recipient]))],
    ['get', 200, () => owner().get(`${SHARING}/${sharingId}`)],
    ['list', 200, () => owner().get(`${SHARING}/detail`)],
    ['count', 200, () => owner().get(`${SHARING}/count`)],
    ['already shared', 409, () => owner().post(SHARING, shareRequest(DEMO_BACKUPS.nightly, [DEMO_PROJECTS.recipient]))],
    ['cancel by the recipient', 403, () => as(host, 'recipient').delete(`${SHARING}/${sharingId}`)],
    ['cancel', 200, () => owner().delete(`${SHARING}/${sharingId}`)],
    ['cancel again', 404, () => owner().delete(`${SHARING}/${sharingId}`)],
    ['validation error', 400, () => owner().post(SHARING, {})],
    ['malformed JSON', 400, () => owner().post(SHARING).set('Content-Type', 'application/json').send('{"shared":')],
    ['malformed JSON without a token', 400, () => host.http.post(path(SHARING)).set('Content-Type', 'application/json').send('{')],
    ['bad query value', 400, () => owner().get(`${SHARING}/detail?limit=0`)],
    ['no token', 401, () => host.http.get(path(`${SHARING}/detail`))],
    ['unknown token', 401, () => host.http.get(path(`${SHARING}/count`)).set('X-Auth-Token', 'nope')],
    ['token of another project', 403, () => host.http.get(path(`${SHARING}/detail`)).set('X-Auth-Token', TOKENS.other)],
    ['malformed sharing ID', 404, () => owner().get(`${SHARING}/not-a-uuid`)],
    ['host: create a backup', 202, () => owner().post('backups', { backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710' } })],
    ['host: read a backup', 200, () => owner().get(`backups/${DEMO_BACKUPS.weekly}`)],
    ['host: unknown backup', 404, () => owner().get('backups/00000000-0000-4000-8000-000000000000')],
    ['host: reset without the admin role', 403, () => owner().post(`backups/${DEMO_BACKUPS.weekly}/action`, { 'os-reset_status': { status: 'error' } })],
    ['host: health', 200, () => host.http.get('/health')],
    ['host: OpenAPI document', 200, () => host.http.get('/docs-json')],
    ['unknown path', 404, () => host.http.get('/no/such/path')],
    ['unknown path under the project', 404, () => owner().get('no-such-resource')],
    ['unknown path under the module', 404, () => owner().get(`${SHARING}/detail/extra`)],
  ];

  const seen = new Set<string>();

  it.each(requests)('%s: %i', async (name, status, send) => {
    const response = await send();
    expect(response.status).toBe(status);
    if (name === 'share') sharingId = response.body.shared[0].id;
    const id = expectRequestId(response);
    expect(seen.has(id)).toBe(false);
    seen.add(id);
    if (status >= 400) {
      const [faultName] = Object.keys(response.body);
      expect(faultName).toBe(FAULT_NAMES[status]);
      expect(response.body[faultName].code).toBe(status);
    }
  });

  it('a method the path does not serve: a fault with a request ID', async () => {
    const put = await host.http.put(path(`${SHARING}/${DEMO_BACKUPS.nightly}`)).set('X-Auth-Token', TOKENS.owner);
    expect(put.status).toBeGreaterThanOrEqual(400);
    expect(put.status).toBeLessThan(500);
    expect(put.body[FAULT_NAMES[put.status]].code).toBe(put.status);
    expectRequestId(put);
  });

  it('does not reuse an ID sent by the client', async () => {
    const forged = 'req-00000000-0000-4000-8000-000000000000';
    for (const send of [() => host.http.get('/health'), () => owner().get(`${SHARING}/detail`)]) {
      const response = await send().set('X-Openstack-Request-Id', forged);
      expect(response.headers['x-openstack-request-id']).toMatch(REQUEST_ID);
      expect(response.headers['x-openstack-request-id']).not.toBe(forged);
    }
  });
});
