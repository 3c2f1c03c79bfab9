import { Logger } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { IdentityServiceFailedError, IdentityServiceTimeoutError } from '../backup-sharing.errors';
import { LocalJwksServer } from '../testing/local-jwks.server';
import { JwtTokenVerifier } from './jwt-token.verifier';

const SECRET = 'a-shared-secret-of-at-least-32-characters';
const now = () => Math.floor(Date.now() / 1000);

function hs256(claims: Record<string, unknown>, secret = SECRET, alg = 'HS256'): Promise<string> {
  return new SignJWT({ exp: now() + 600, ...claims }).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['log', 'warn', 'error']));

describe('JwtTokenVerifier with a shared secret (HS256)', () => {
  const verifier = new JwtTokenVerifier({ secret: SECRET });

  it('reads project, user, roles and expiry from the default claims', async () => {
    const exp = now() + 600;
    const token = await hs256({ project_id: 'alpha', sub: 'alice', roles: ['member', 'reader'], exp });
    await expect(verifier.verify(token)).resolves.toEqual({
      projectId: 'alpha',
      userId: 'alice',
      roles: ['member', 'reader'],
      expiresAt: new Date(exp * 1000),
    });
  });

  it('reads configured claims, dotted paths into objects, and roles as one string', async () => {
    const custom = new JwtTokenVerifier({ secret: SECRET, projectClaim: 'tenant.id', rolesClaim: 'realm_access.roles', userClaim: 'email' });
    const token = await hs256({ tenant: { id: 'beta' }, realm_access: { roles: 'member, admin' }, email: 'bob@example.org' });
    await expect(custom.verify(token)).resolves.toMatchObject({ projectId: 'beta', userId: 'bob@example.org', roles: ['member', 'admin'] });
  });

  it('has no roles when the claim is missing, and no identity without a project', async () => {
    await expect(verifier.verify(await hs256({ project_id: 'alpha' }))).resolves.toMatchObject({ roles: [], userId: null });
    await expect(verifier.verify(await hs256({ sub: 'alice', roles: ['admin'] }))).resolves.toBeUndefined();
    await expect(verifier.verify(await hs256({ project_id: '' }))).resolves.toBeUndefined();
    await expect(verifier.verify(await hs256({ project_id: 42 }))).resolves.toBeUndefined();
  });

  it.each([
    ['expired', { exp: now() - 3600 }],
    ['not valid yet (nbf)', { nbf: now() + 3600 }],
  ])('refuses a token that is %s', async (_, claims) => {
    await expect(verifier.verify(await hs256({ project_id: 'alpha', ...claims }))).resolves.toBeUndefined();
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({ project_id: 'alpha' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
    await expect(verifier.verify(token)).resolves.toBeUndefined();
  });

  it('tolerates 30 s of clock drift by default, and what is configured', async () => {
    const drifted = await hs256({ project_id: 'alpha', exp: now() - 10 });
    await expect(verifier.verify(drifted)).resolves.toMatchObject({ projectId: 'alpha' });
    await expect(new JwtTokenVerifier({ secret: SECRET, clockToleranceSec: 0 }).verify(drifted)).resolves.toBeUndefined();
  });

  it('refuses another secret, another algorithm, alg none, a tampered payload and garbage', async () => {
    await expect(verifier.verify(await hs256({ project_id: 'alpha' }, 'another-secret-of-at-least-32-characters'))).resolves.toBeUndefined();
    await expect(verifier.verify(await hs256({ project_id: 'alpha' }, SECRET, 'HS512'))).resolves.toBeUndefined();
    const [, payload] = (await hs256({ project_id: 'alpha' })).split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    await expect(verifier.verify(none)).resolves.toBeUndefined();
    const [header, , signature] = (await hs256({ project_id: 'alpha' })).split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ project_id: 'beta', exp: now() + 600 })).toString('base64url')}.${signature}`;
    await expect(verifier.verify(tampered)).resolves.toBeUndefined();
    for (const garbage of ['not-a-jwt', 'a.b.c', 'caf\u00e9']) await expect(verifier.verify(garbage)).resolves.toBeUndefined();
  });

  it('checks iss and aud when configured', async () => {
    const strict = new JwtTokenVerifier({ secret: SECRET, issuer: 'https://idp.example.org', audience: ['block-storage', 'volume'] });
    const good = await hs256({ project_id: 'alpha', iss: 'https://idp.example.org', aud: 'block-storage' });
    await expect(strict.verify(good)).resolves.toMatchObject({ projectId: 'alpha' });
    await expect(strict.verify(await hs256({ project_id: 'alpha', iss: 'https://evil.example.org', aud: 'block-storage' }))).resolves.toBeUndefined();
    await expect(strict.verify(await hs256({ project_id: 'alpha', iss: 'https://idp.example.org', aud: 'compute' }))).resolves.toBeUndefined();
    await expect(strict.verify(await hs256({ project_id: 'alpha' }))).resolves.toBeUndefined();
  });

  it('refuses a secret shorter than 32 characters, and zero or two key sources', () => {
    expect(() => new JwtTokenVerifier({ secret: 'short' })).toThrow(/at least 32/);
    expect(() => new JwtTokenVerifier({} as never)).toThrow(/exactly one/);
    expect(() => new JwtTokenVerifier({ secret: SECRET, jwksUrl: 'http://127.0.0.1/jwks.json' } as never)).toThrow(/exactly one/);
  });
});

describe('JwtTokenVerifier with a PEM public key', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('verifies RS256, also with the PEM written on one line with \\n escapes', async () => {
    const token = await new SignJWT({ project_id: 'alpha', exp: now() + 600 }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
    await expect(new JwtTokenVerifier({ publicKey: pem }).verify(token)).resolves.toMatchObject({ projectId: 'alpha' });
    await expect(new JwtTokenVerifier({ publicKey: pem.replace(/\n/g, '\\n') }).verify(token)).resolves.toMatchObject({ projectId: 'alpha' });
  });

  it('verifies ES256 with an EC key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = await new SignJWT({ project_id: 'alpha', exp: now() + 600 }).setProtectedHeader({ alg: 'ES256' }).sign(ec.privateKey);
    const verifier = new JwtTokenVerifier({ publicKey: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    await expect(verifier.verify(token)).resolves.toMatchObject({ projectId: 'alpha' });
  });

  it('refuses an HS256 token whose secret is the public key (algorithm confusion)', async () => {
    const token = await hs256({ project_id: 'alpha' }, pem);
    await expect(new JwtTokenVerifier({ publicKey: pem }).verify(token)).resolves.toBeUndefined();
  });
});

describe('JwtTokenVerifier with a JWKS URL', () => {
  let idp: LocalJwksServer;
  beforeEach(async () => {
    idp = await new LocalJwksServer().start();
  });
  afterEach(() => idp.stop());

  it('fetches the key set once and reuses it', async () => {
    const verifier = new JwtTokenVerifier({ jwksUrl: idp.jwksUrl });
    for (const project of ['alpha', 'beta', 'gamma']) {
      await expect(verifier.verify(await idp.sign({ project_id: project }))).resolves.toMatchObject({ projectId: project });
    }
    expect(idp.fetches).toBe(1);
  });

  it('fetches again for an unknown kid after the cooldown, picking up a rotated key', async () => {
    const verifier = new JwtTokenVerifier({ jwksUrl: idp.jwksUrl, jwksCooldownMs: 0 });
    const old = await idp.sign({ project_id: 'alpha' });
    await expect(verifier.verify(old)).resolves.toMatchObject({ projectId: 'alpha' });
    await idp.rotate();
    await expect(verifier.verify(await idp.sign({ project_id: 'alpha' }))).resolves.toMatchObject({ projectId: 'alpha' });
    expect(idp.fetches).toBe(2);
  });

  it('refuses a token signed by a key the JWKS does not publish (401, not 502)', async () => {
    const verifier = new JwtTokenVerifier({ jwksUrl: idp.jwksUrl, jwksCooldownMs: 0 });
    const foreign = await idp.addKey('RS256', false);
    await expect(verifier.verify(await idp.sign({ project_id: 'alpha' }, foreign))).resolves.toBeUndefined();
  });

  it('answers 502 when the JWKS endpoint fails or is gone, and 504 when it hangs', async () => {
    idp.mode = 'error';
    await expect(new JwtTokenVerifier({ jwksUrl: idp.jwksUrl }).verify(await idp.sign({ project_id: 'alpha' }))).rejects.toBeInstanceOf(
      IdentityServiceFailedError,
    );
    idp.mode = 'hang';
    await expect(
      new JwtTokenVerifier({ jwksUrl: idp.jwksUrl, jwksTimeoutMs: 100 }).verify(await idp.sign({ project_id: 'alpha' })),
    ).rejects.toBeInstanceOf(IdentityServiceTimeoutError);
    const token = await idp.sign({ project_id: 'alpha' });
    const url = idp.jwksUrl;
    await idp.stop();
    await expect(new JwtTokenVerifier({ jwksUrl: url }).verify(token)).rejects.toBeInstanceOf(IdentityServiceFailedError);
    idp = await new LocalJwksServer().start();
  });

  it('refuses HS256 tokens outright, whatever their secret', async () => {
    const verifier = new JwtTokenVerifier({ jwksUrl: idp.jwksUrl });
    await expect(verifier.verify(await hs256({ project_id: 'alpha' }))).resolves.toBeUndefined();
    expect(idp.fetches).toBe(0);
  });
});
