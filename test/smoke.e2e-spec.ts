import { DEMO_BACKUPS, TOKENS, TestHost, startAtOnce, startTestHost, v2 } from './support/test-host';

describe('demo host smoke', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  it('shares a seeded backup and lists it', async () => {
    const share = await host.http
      .post(`${v2('owner')}/os-vendor-backup-sharing`)
      .set('X-Auth-Token', TOKENS.owner)
      .send({ shared: { backup_id: DEMO_BACKUPS.nightly, to_project_ids: ['722513ed0a324dadaabe5b2d0fe848c9'] } });
    expect(share.status).toBe(200);
    const list = await host.http.get(`${v2('recipient')}/os-vendor-backup-sharing/detail?share_to_me=true`).set('X-Auth-Token', TOKENS.recipient);
    expect(list.status).toBe(200);
    expect(list.body.shared.map((s: { id: string }) => s.id)).toEqual([share.body.shared[0].id]);
  });
});

describe('a host that cannot start', () => {
  // Nest's default on a failed start is to log and end the process: in a test run, every other
  // test file of the same worker would end with it.
  const unreachable = 'mysql://root@127.0.0.1:1/backup_sharing';
  const startUnreachable = () => startTestHost({ DATABASE_URL: unreachable }, { routeDatabase: () => unreachable });

  it('rejects to the test that started it, and the test run goes on', async () => {
    await expect(startUnreachable()).rejects.toThrow(/ECONNREFUSED/);
  });

  it('started beside others at once: the failure is thrown once the others are closed again', async () => {
    const others: TestHost[] = [];
    const startOther = async () => {
      const host = await startTestHost();
      others.push(host);
      return host;
    };
    await expect(startAtOnce([startOther, startUnreachable, startOther])).rejects.toThrow(/ECONNREFUSED/);
    expect(others).toHaveLength(2);
    for (const host of others) await expect(fetch(`${host.url}/health`)).rejects.toThrow();
  });
});
