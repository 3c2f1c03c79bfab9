import { LocalJwksServer } from '../libs/backup-sharing/src/testing/local-jwks.server';
import { JWT_AUDIENCE, JWT_ISSUER, JwtIdentity, startJwtIdentity } from './support/jwt-identity';
import { SHARING, expectNothingWritten, shareRequest } from './support/sharing-api';
import { TestHost, expectFault, startTestHost } from './support/test-host';

const now = () => Math.floor(Date.now() / 1000);

describe('demo host with AUTH_STRATEGY=jwt, keys from a JWKS endpoint', () => {
  let identity: JwtIdentity;
  let ownerToken: string;
  beforeAll(async () => {
    identity = await startJwtIdentity();
    ownerToken = await identity.token(identity.projects.owner, ['member']);
  });
  afterAll(() => identity.close());

  const get = (project: string, token: string, path = `${SHARING}/detail`) =>
    identity.host.http.get(`/v2/${project}/${path}`).set('X-Auth-Token', token);

  it('accepts tokens of the project, fetching the key set once for all of them', async () => {
    const fetchesBefore = identity.idp.fetches;
    for (const roles of [['member'], ['reader'], []]) {
      const response = await get(identity.projects.owner, await identity.token(identity.projects.owner, roles));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ shared: [] });
    }
    expect(identity.idp.fetches - fetchesBefore).toBeLessThanOrEqual(1);
  });

  it('shares and reads back with JWT identities end to end', async () => {
    const { host, projects, token } = identity;
    const created = await host.http
      .post(`/v2/${projects.owner}/backups`)
      .set('X-Auth-Token', ownerToken)
      .send({ backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710', name: 'jwt-shared' } });
    expect(created.status).toBe(202);
    const shared = await host.http
      .post(`/v2/${projects.owner}/${SHARING}`)
      .set('X-Auth-Token', ownerToken)
      .send(shareRequest(created.body.backup.id, [projects.recipient]));
    expect(shared.status).toBe(200);
    const recipientToken = await token(projects.recipient, ['member']);
    const seen = await get(projects.recipient, recipientToken, `backups/${created.body.backup.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.backup.name).toBe('jwt-shared');
  });

  it.each([
    ['expired', { exp: now() - 3600 }],
    ['not valid before a time still ahead (nbf)', { nbf: now() + 3600 }],
    ['from another issuer', { iss: 'https://evil.example' }],
    ['for another audience', { aud: 'compute' }],
    ['without a project claim', { project_id: undefined }],
  ])('a token %s: 401 in the fault shape, nothing written', async (_, claims) => {
    const token = await identity.token(identity.projects.owner, ['admin'], claims);
    const response = await expectNothingWritten(identity.host, () =>
      identity.host.http
        .post(`/v2/${identity.projects.owner}/${SHARING}`)
        .set('X-Auth-Token', token)
        .send(shareRequest('066b1e37-9305-4057-97e5-2e99b21fc71d', [identity.projects.recipient])),
    );
    expect(response.status).toBe(401);
    expect(expectFault(response.body, 401, 'unauthorized').error_code).toBe('BackupSharing.NotAuthenticated');
    // WWW-Authenticate: Keystone belongs to Keystone only.
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it("another project's token: 403; with the admin role: it acts for the project", async () => {
    const other = await identity.token(identity.projects.other, ['member']);
    const refused = await get(identity.projects.owner, other);
    expect(refused.status).toBe(403);
    expect(expectFault(refused.body, 403, 'forbidden').message).toBe(`The token is not scoped to project ${identity.projects.owner}.`);
    const admin = await identity.token(identity.projects.admin, ['admin']);
    expect((await get(identity.projects.owner, admin)).status).toBe(200);
  });

  it('picks up a rotated key (new kid) by fetching the key set again, and refuses the retired key', async () => {
    const { idp, projects, token } = identity;
    const oldToken = await token(projects.owner, ['member']);
    expect((await get(projects.owner, oldToken)).status).toBe(200);
    const fetchesBefore = idp.fetches;

    const newKid = await idp.rotate();
    const newToken = await token(projects.owner, ['member']);
    expect(JSON.parse(Buffer.from(newToken.split('.')[0], 'base64url').toString()).kid).toBe(newKid);
    expect((await get(projects.owner, newToken)).status).toBe(200);
    expect(idp.fetches).toBe(fetchesBefore + 1);

    const retired = await get(projects.owner, oldToken);
    expect(retired.status).toBe(401);
    expectFault(retired.body, 401, 'unauthorized');
  });
});

describe('demo host with AUTH_STRATEGY=jwt and its own claim names', () => {
  let identity: JwtIdentity;
  beforeAll(async () => {
    identity = await startJwtIdentity({ JWT_PROJECT_CLAIM: 'tenant.id', JWT_ROLES_CLAIM: 'realm_access.roles', AUTH_ADMIN_ROLE: 'cloud-admin' });
  });
  afterAll(() => identity.close());

  it('reads the project and the roles from the configured claims', async () => {
    const { projects, token, host } = identity;
    const member = await token('ignored', [], { tenant: { id: projects.owner }, realm_access: { roles: ['member'] } });
    expect((await host.http.get(`/v2/${projects.owner}/${SHARING}/count`).set('X-Auth-Token', member)).body).toEqual({ count: 0 });

    const admin = await token('ignored', [], { tenant: { id: projects.admin }, realm_access: { roles: ['cloud-admin'] } });
    expect((await host.http.get(`/v2/${projects.owner}/${SHARING}/count`).set('X-Auth-Token', admin)).status).toBe(200);
    // The default claim names mean nothing here, and "admin" is not the admin role.
    const plain = await token(projects.owner, ['admin']);
    expect((await host.http.get(`/v2/${projects.owner}/${SHARING}/count`).set('X-Auth-Token', plain)).status).toBe(401);
    const notAdmin = await token('ignored', [], { tenant: { id: projects.admin }, realm_access: { roles: ['admin'] } });
    expect((await host.http.get(`/v2/${projects.owner}/${SHARING}/count`).set('X-Auth-Token', notAdmin)).status).toBe(403);
  });
});

describe('demo host with AUTH_STRATEGY=jwt when the JWKS endpoint fails', () => {
  let idp: LocalJwksServer;
  let host: TestHost | undefined;
  beforeEach(async () => {
    idp = await new LocalJwksServer().start();
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
    await idp.stop().catch(() => undefined);
  });

  const start = (env: Record<string, string> = {}) =>
    startTestHost({ AUTH_STRATEGY: 'jwt', JWT_JWKS_URL: idp.jwksUrl, JWT_ISSUER, JWT_AUDIENCE, JWT_JWKS_COOLDOWN_SECONDS: '0', ...env });
  const token = () => idp.sign({ project_id: 'p1', roles: ['member'], iss: JWT_ISSUER, aud: JWT_AUDIENCE });

  it('unreachable → 502 badGateway, not 401; the keys it already has keep working', async () => {
    host = await start();
    const known = await token();
    expect((await host.http.get(`/v2/p1/${SHARING}/count`).set('X-Auth-Token', known)).status).toBe(200);

    // A token with a new kid needs a fetch, and nothing answers any more.
    await idp.rotate();
    const rotated = await token();
    await idp.stop();
    const response = await host.http.get(`/v2/p1/${SHARING}/count`).set('X-Auth-Token', rotated);
    expect(response.status).toBe(502);
    const fault = expectFault(response.body, 502, 'badGateway');
    expect(fault.error_code).toBe('BackupSharing.IdentityServiceFailed');
    expect(fault.message).not.toContain('127.0.0.1');
    expect((await host.http.get(`/v2/p1/${SHARING}/count`).set('X-Auth-Token', known)).status).toBe(200);
  });

  it('answering an error status → 502', async () => {
    host = await start();
    idp.mode = 'error';
    const response = await host.http.get(`/v2/p1/${SHARING}/count`).set('X-Auth-Token', await token());
    expect(response.status).toBe(502);
    expectFault(response.body, 502, 'badGateway');
  });

  it('too slow → 504 gatewayTimeout after JWT_JWKS_TIMEOUT_MS', async () => {
    host = await start({ JWT_JWKS_TIMEOUT_MS: '200' });
    idp.mode = 'hang';
    const response = await host.http.get(`/v2/p1/${SHARING}/count`).set('X-Auth-Token', await token());
    expect(response.status).toBe(504);
    expect(expectFault(response.body, 504, 'gatewayTimeout').error_code).toBe('BackupSharing.IdentityServiceTimeout');
  });
});
