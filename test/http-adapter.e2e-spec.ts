import { SHARING, as } from './support/sharing-api';
import { TestHost, startTestHost, testHttpAdapter } from './support/test-host';

// The demo host answers alike on Express and on Fastify (`npm run test:fastify` runs this suite
// on the latter): the same headers, whichever server is underneath.
describe(`the demo host on ${testHttpAdapter}`, () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  it('runs on the adapter the suite asked for', () => {
    expect(host.app.getHttpAdapter().getType()).toBe(testHttpAdapter);
  });

  it('answers without ETag or X-Powered-By, with JSON and a request ID', async () => {
    for (const response of [await as(host, 'owner').get(`${SHARING}/detail`), await as(host, 'owner').get(`${SHARING}/not-a-sharing`)]) {
      expect(response.headers.etag).toBeUndefined();
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['x-openstack-request-id']).toMatch(/^req-/);
    }
  });
});
