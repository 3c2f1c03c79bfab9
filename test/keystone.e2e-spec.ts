import { KeystoneClient, KeystoneFixtures, keystoneFixtures } from './support/keystone-identity';
import { CallerKind, MatrixContext, describeProjectScopeMatrix } from './support/project-scope-matrix';
import { SHARING, expectNothingWritten, shareRequest } from './support/sharing-api';
import { TestHost, expectFault, startTestHost } from './support/test-host';

/**
 * The demo host against a real Keystone (Debian's python3-keystone on loopback, SQLite), started
 * by `npm run test:keystone` through scripts/keystone-dev.sh. Without it (plain `npm test`) the
 * file is skipped, and the end of the run says so.
 */
const fixtures = keystoneFixtures();
const describeWithKeystone = fixtures ? describe : describe.skip;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function keystoneEnv(f: KeystoneFixtures, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTH_STRATEGY: 'keystone',
    KEYSTONE_URL: f.url,
    KEYSTONE_SERVICE_USER: f.users.service.name,
    KEYSTONE_SERVICE_PASSWORD: f.users.service.password,
    KEYSTONE_SERVICE_PROJECT: f.users.service.project,
    ...extra,
  };
}

describeWithKeystone('demo host with AUTH_STRATEGY=keystone against a real Keystone', () => {
  let f: KeystoneFixtures;
  let keystone: KeystoneClient;
  let host: TestHost;
  /** Issued early so that it has expired when the matrix runs; never used before. */
  let expiring: { token: string; expiresAt: number };
  const hosts: TestHost[] = [];

  beforeAll(async () => {
    f = fixtures!;
    keystone = new KeystoneClient(f);
    expiring = await keystone.shortLivedToken(2);
    host = await startTestHost(keystoneEnv(f));
    hosts.push(host);
  });
  afterAll(async () => {
    for (const started of hosts) await started.close();
  });

  const sharings = (project: string, token: string) => host.http.get(`/v2/${project}/${SHARING}/detail`).set('X-Auth-Token', token);

  describe('tokens issued by Keystone', () => {
    it('a member token of the project is accepted; the recipient project then reads the shared backup', async () => {
      const alice = await keystone.token('owner');
      const created = await host.http
        .post(`/v2/${f.projects.owner.id}/backups`)
        .set('X-Auth-Token', alice)
        .send({ backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710', name: 'alpha-db' } });
      expect(created.status).toBe(202);
      const shared = await host.http
        .post(`/v2/${f.projects.owner.id}/${SHARING}`)
        .set('X-Auth-Token', alice)
        .send(shareRequest(created.body.backup.id, [f.projects.recipient.id]));
      expect(shared.status).toBe(200);
      expect(shared.body.shared[0]).toMatchObject({ from_project_id: f.projects.owner.id, to_project_id: f.projects.recipient.id });

      const bob = await keystone.token('recipient');
      const seen = await host.http.get(`/v2/${f.projects.recipient.id}/backups/${created.body.backup.id}`).set('X-Auth-Token', bob);
      expect(seen.status).toBe(200);
      expect(seen.body.backup.name).toBe('alpha-db');
    });

    it('an unknown token: 401 with WWW-Authenticate: Keystone uri="<KEYSTONE_URL>"', async () => {
      for (const token of ['gAAAAAB-not-a-fernet-token', 'two words']) {
        const response = await sharings(f.projects.owner.id, token);
        expect(response.status).toBe(401);
        expectFault(response.body, 401, 'unauthorized');
        expect(response.headers['www-authenticate']).toBe(`Keystone uri="${f.url}"`);
      }
      const none = await host.http.get(`/v2/${f.projects.owner.id}/${SHARING}/detail`);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe(`Keystone uri="${f.url}"`);
    });

    it('a token revoked with DELETE /v3/auth/tokens: 401', async () => {
      const token = await keystone.token('owner');
      await keystone.revoke(token);
      expect(await keystone.validationStatus(token)).toBe(404);
      const response = await sharings(f.projects.owner.id, token);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(`Keystone uri="${f.url}"`);
    });

    it('a token revoked after use: refused as soon as the cache lets go (KEYSTONE_CACHE_TTL_SECONDS=0: at once)', async () => {
      const uncached = await startTestHost(keystoneEnv(f, { KEYSTONE_CACHE_TTL_SECONDS: '0' }));
      hosts.push(uncached);
      const token = await keystone.token('owner');
      const path = `/v2/${f.projects.owner.id}/${SHARING}/count`;
      expect((await uncached.http.get(path).set('X-Auth-Token', token)).status).toBe(200);
      await keystone.revoke(token);
      expect((await uncached.http.get(path).set('X-Auth-Token', token)).status).toBe(401);
    });

    it('a token that expires: accepted before, 401 after (a cached result never outlives its token)', async () => {
      const short = await keystone.shortLivedToken(2);
      const path = `/v2/${f.projects.owner.id}/${SHARING}/count`;
      expect((await host.http.get(path).set('X-Auth-Token', short.token)).status).toBe(200);
      await sleep(Math.max(0, short.expiresAt - Date.now()) + 1000);
      expect(await keystone.validationStatus(short.token)).toBe(404);
      const response = await host.http.get(path).set('X-Auth-Token', short.token);
      expect(response.status).toBe(401);
      expectFault(response.body, 401, 'unauthorized');
    });

    it("roles: another project's member gets 403, the admin acts for any project", async () => {
      const carol = await keystone.token('other');
      const refused = await expectNothingWritten(host, () =>
        host.http.post(`/v2/${f.projects.owner.id}/backups`).set('X-Auth-Token', carol).send({ backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710' } }),
      );
      expect(refused.status).toBe(403);
      expect(expectFault(refused.body, 403, 'forbidden').message).toBe(`The token is not scoped to project ${f.projects.owner.id}.`);

      const admin = await keystone.token('admin');
      const asAdmin = await host.http
        .post(`/v2/${f.projects.owner.id}/backups`)
        .set('X-Auth-Token', admin)
        .send({ backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710', name: 'made-by-admin' } });
      expect(asAdmin.status).toBe(202);
      const alice = await keystone.token('owner');
      const listed = await host.http.get(`/v2/${f.projects.owner.id}/backups/detail`).set('X-Auth-Token', alice);
      expect(listed.body.backups.map((b: { name: string }) => b.name)).toContain('made-by-admin');
      // os-reset_status is for the admin role only: the owner's member token may not.
      const reset = await host.http
        .post(`/v2/${f.projects.owner.id}/backups/${asAdmin.body.backup.id}/action`)
        .set('X-Auth-Token', alice)
        .send({ 'os-reset_status': { status: 'error' } });
      expect(reset.status).toBe(403);
    });

    it('validates with a fixed KEYSTONE_SERVICE_TOKEN too', async () => {
      const serviceToken = await keystone.token('service');
      const withToken = await startTestHost({ AUTH_STRATEGY: 'keystone', KEYSTONE_URL: `${f.url}/v3`, KEYSTONE_SERVICE_TOKEN: serviceToken });
      hosts.push(withToken);
      const alice = await keystone.token('owner');
      expect((await withToken.http.get(`/v2/${f.projects.owner.id}/${SHARING}/count`).set('X-Auth-Token', alice)).status).toBe(200);
    });

    it('a service token Keystone refuses (revoked): 502 for the caller, never 401', async () => {
      const serviceToken = await keystone.token('service');
      const withToken = await startTestHost({ AUTH_STRATEGY: 'keystone', KEYSTONE_URL: f.url, KEYSTONE_SERVICE_TOKEN: serviceToken });
      hosts.push(withToken);
      await keystone.revoke(serviceToken);
      const response = await withToken.http.get(`/v2/${f.projects.owner.id}/${SHARING}/count`).set('X-Auth-Token', await keystone.token('owner'));
      expect(response.status).toBe(502);
      expect(expectFault(response.body, 502, 'badGateway').error_code).toBe('BackupSharing.IdentityServiceFailed');
      expect(response.headers['www-authenticate']).toBeUndefined();
    });
  });

  describe('the cross-project matrix with Keystone tokens', () => {
    let context: MatrixContext;
    beforeAll(async () => {
      const revoked = await keystone.token('owner');
      await keystone.revoke(revoked);
      await sleep(Math.max(0, expiring.expiresAt - Date.now()) + 1000);
      context = {
        host,
        projects: { owner: f.projects.owner.id, recipient: f.projects.recipient.id, other: f.projects.other.id, admin: f.projects.admin.id },
        tokens: {
          malformed: 'gAAAAAB-not-a-fernet-token',
          expired: expiring.token,
          revoked,
          other: await keystone.token('other'),
          recipient: await keystone.token('recipient'),
          owner: await keystone.token('owner'),
          admin: await keystone.token('admin'),
        },
        challenge: `Keystone uri="${f.url}"`,
      };
    });
    const kinds: CallerKind[] = ['none', 'malformed', 'expired', 'revoked', 'other', 'recipient', 'owner', 'admin'];
    describeProjectScopeMatrix(kinds, () => context);
  });

  // Last: these pause and then stop the Keystone process.
  describe('Keystone outages', () => {
    it('Keystone not answering (process paused): 504 after KEYSTONE_TIMEOUT_MS, then back to normal', async () => {
      const impatient = await startTestHost(keystoneEnv(f, { KEYSTONE_TIMEOUT_MS: '1000' }));
      hosts.push(impatient);
      const path = `/v2/${f.projects.owner.id}/${SHARING}/count`;
      const alice = await keystone.token('owner');
      const fresh = await keystone.token('owner');
      expect((await impatient.http.get(path).set('X-Auth-Token', alice)).status).toBe(200);
      process.kill(f.pid, 'SIGSTOP');
      let response;
      try {
        response = await impatient.http.get(path).set('X-Auth-Token', fresh);
      } finally {
        process.kill(f.pid, 'SIGCONT');
      }
      expect(response.status).toBe(504);
      expect(expectFault(response.body, 504, 'gatewayTimeout').error_code).toBe('BackupSharing.IdentityServiceTimeout');
      expect((await impatient.http.get(path).set('X-Auth-Token', fresh)).status).toBe(200);
    });

    it('Keystone stopped: 502 badGateway for a token not seen before, never 401; a cached one still works', async () => {
      const path = `/v2/${f.projects.owner.id}/${SHARING}/count`;
      const cached = await keystone.token('owner');
      const unseen = await keystone.token('recipient');
      expect((await host.http.get(path).set('X-Auth-Token', cached)).status).toBe(200);

      process.kill(f.pid, 'SIGTERM');
      for (let i = 0; i < 100 && (await keystoneAnswers(f.url)); i++) await sleep(50);
      expect(await keystoneAnswers(f.url)).toBe(false);

      const response = await host.http.get(`/v2/${f.projects.recipient.id}/${SHARING}/count`).set('X-Auth-Token', unseen);
      expect(response.status).toBe(502);
      const fault = expectFault(response.body, 502, 'badGateway');
      expect(fault.error_code).toBe('BackupSharing.IdentityServiceFailed');
      expect(fault.message).not.toContain(f.url);
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect((await host.http.get(path).set('X-Auth-Token', cached)).status).toBe(200);
    });
  });
});

async function keystoneAnswers(url: string): Promise<boolean> {
  try {
    await (await fetch(`${url}/v3`, { signal: AbortSignal.timeout(1000) })).text();
    return true;
  } catch {
    return false;
  }
}
