import { DEMO_BACKUPS, TOKENS, TestHost, expectFault, startTestHost, v2 } from './support/test-host';
import { SHARING, expectNothingWritten, randomProjectId, shareOk } from './support/sharing-api';

// A query key with brackets (an array or an object to PHP-style parsers) or a parameter given
// more than once is a 400 naming the parameter, on every route of the module and of the host:
// never dropped, never read as something else (`?is_backup_id[]=true` once canceled the one
// sharing as if the flag were false). Nothing is written.

describe('bracketed and repeated query keys', () => {
  let host: TestHost;
  let sharingId: string;
  beforeAll(async () => {
    host = await startTestHost();
    [{ id: sharingId }] = await shareOk(host, DEMO_BACKUPS.nightly, [randomProjectId()]);
  });
  afterAll(() => host.close());

  const owner = v2('owner');
  const routes: [string, string, object?][] = [
    ['POST', `${owner}/${SHARING}`, { shared: { backup_id: DEMO_BACKUPS.weekly, to_project_ids: ['p-query-keys'] } }],
    ['GET', `${owner}/${SHARING}/detail`],
    ['GET', `${owner}/${SHARING}/count`],
    ['GET', `${owner}/${SHARING}/{sharing}`],
    ['DELETE', `${owner}/${SHARING}/{sharing}`],
    ['DELETE', `${owner}/${SHARING}/${DEMO_BACKUPS.nightly}`],
    ['DELETE', `${owner}/${SHARING}`],
    ['POST', `${owner}/backups`, { backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710' } }],
    ['GET', `${owner}/backups/detail`],
    ['GET', `${owner}/backups/${DEMO_BACKUPS.nightly}`],
    ['DELETE', `${owner}/backups/${DEMO_BACKUPS.weekly}`],
    ['POST', `${owner}/backups/${DEMO_BACKUPS.weekly}/action`, { 'os-reset_status': { status: 'error' } }],
    ['GET', '/health'],
    ['GET', '/docs-json'],
  ];
  const queries: [string, string][] = [
    ['is_backup_id[]=true', 'is_backup_id[]'],
    ['limit[]=1', 'limit[]'],
    ['status[$ne]=x', 'status[$ne]'],
    [`backup_id[]=${DEMO_BACKUPS.nightly}`, 'backup_id[]'],
    ['name[a]=b', 'name[a]'],
    ['share_to_me%5B%5D=true', 'share_to_me[]'],
    ['sort_key[0]=name', 'sort_key[0]'],
    ['is_backup_id=true&is_backup_id=false', 'is_backup_id'],
    [`backup_id=${DEMO_BACKUPS.nightly}&backup_id=${DEMO_BACKUPS.weekly}`, 'backup_id'],
    ['offset=0&offset=1', 'offset'],
  ];
  const cases = routes.flatMap(([method, path, body]) => queries.map(([query, key]) => [method, path, query, key, body] as const));

  it.each(cases)('%s %s?%s: 400 naming %s, nothing written', async (method, path, query, key, body) => {
    const target = `${path.replace('{sharing}', sharingId)}?${query}`;
    const response = await expectNothingWritten(host, () => {
      const request = host.http[method.toLowerCase() as 'get'](target).set('X-Auth-Token', TOKENS.admin);
      return body ? request.send(body) : request;
    });
    expect(response.status).toBe(400);
    const fault = expectFault(response.body, 400, 'badRequest');
    expect(fault.error_code).toBe('BackupSharing.InvalidRequest');
    expect(fault.message).toContain(JSON.stringify(key));
  });

  it('the same routes without the bad key are served (the sharing was never canceled)', async () => {
    const got = await host.http.get(`${owner}/${SHARING}/${sharingId}`).set('X-Auth-Token', TOKENS.owner);
    expect(got.status).toBe(200);
    const listed = await host.http.get(`${owner}/${SHARING}/detail?limit=1&sort_key=name`).set('X-Auth-Token', TOKENS.owner);
    expect(listed.status).toBe(200);
    expect((await host.http.get('/health')).status).toBe(200);
  });
});
