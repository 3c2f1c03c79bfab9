import { generateKeyPairSync } from 'node:crypto';
import { JwtTokenVerifier, KeystoneTokenVerifier, StaticTokenVerifier } from '../../libs/backup-sharing/src';
import { ConfigError, loadConfig } from './host.config';
import { createTokenVerifier, describeAuth } from './token-verifier.factory';

const SECRET = 'a-shared-secret-of-at-least-32-characters';
const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('AUTH_STRATEGY=keystone', () => {
  it('reads the URL and the service token, with default time limit and cache', () => {
    const { auth } = loadConfig({ AUTH_STRATEGY: 'keystone', KEYSTONE_URL: 'http://keystone:5000', KEYSTONE_SERVICE_TOKEN: 'svc' });
    expect(auth).toEqual({
      strategy: 'keystone',
      demoTokens: false,
      keystone: {
        url: 'http://keystone:5000',
        serviceToken: 'svc',
        serviceCredentials: undefined,
        timeoutMs: 5000,
        cacheTtlMs: 300_000,
        invalidCacheTtlMs: 10_000,
      },
    });
    expect(createTokenVerifier(auth)).toBeInstanceOf(KeystoneTokenVerifier);
    expect(describeAuth(auth)).toBe('Keystone at http://keystone:5000 (service token)');
  });

  it('reads service user credentials, with Default domains, and the tuning variables', () => {
    const { auth } = loadConfig({
      AUTH_STRATEGY: 'keystone',
      KEYSTONE_URL: 'https://keystone.example.org/v3',
      KEYSTONE_SERVICE_USER: 'backup-sharing',
      KEYSTONE_SERVICE_PASSWORD: 'secret',
      KEYSTONE_SERVICE_PROJECT: 'service',
      KEYSTONE_TIMEOUT_MS: '1500',
      KEYSTONE_CACHE_TTL_SECONDS: '0',
      KEYSTONE_INVALID_CACHE_TTL_SECONDS: '2',
    });
    expect(auth).toMatchObject({
      keystone: {
        serviceToken: undefined,
        serviceCredentials: {
          username: 'backup-sharing',
          password: 'secret',
          projectName: 'service',
          userDomainName: 'Default',
          projectDomainName: 'Default',
        },
        timeoutMs: 1500,
        cacheTtlMs: 0,
        invalidCacheTtlMs: 2000,
      },
    });
  });

  it.each([
    [{}, /KEYSTONE_URL is required/],
    [{ KEYSTONE_URL: 'keystone:5000', KEYSTONE_SERVICE_TOKEN: 'svc' }, /KEYSTONE_URL must be an http/],
    [{ KEYSTONE_URL: 'not a url', KEYSTONE_SERVICE_TOKEN: 'svc' }, /KEYSTONE_URL is not a URL/],
    [{ KEYSTONE_URL: 'http://k:5000' }, /needs KEYSTONE_SERVICE_TOKEN, or a service user/],
    [{ KEYSTONE_URL: 'http://k:5000', KEYSTONE_SERVICE_USER: 'u' }, /also needs KEYSTONE_SERVICE_PASSWORD and KEYSTONE_SERVICE_PROJECT/],
    [{ KEYSTONE_URL: 'http://k:5000', KEYSTONE_SERVICE_TOKEN: 's', KEYSTONE_SERVICE_USER: 'u' }, /not both/],
    [{ KEYSTONE_URL: 'http://k:5000', KEYSTONE_SERVICE_TOKEN: 's', KEYSTONE_TIMEOUT_MS: '0' }, /KEYSTONE_TIMEOUT_MS/],
  ])('refuses %j with a message naming the problem', (env, message) => {
    expect(() => loadConfig({ AUTH_STRATEGY: 'keystone', ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ AUTH_STRATEGY: 'keystone', ...env })).toThrow(message);
  });
});

describe('AUTH_STRATEGY=jwt', () => {
  it('reads a JWKS URL, issuer, audiences and claims', () => {
    const { auth } = loadConfig({
      AUTH_STRATEGY: 'jwt',
      JWT_JWKS_URL: 'https://idp.example.org/jwks.json',
      JWT_ISSUER: 'https://idp.example.org',
      JWT_AUDIENCE: 'block-storage, volume',
      JWT_PROJECT_CLAIM: 'tenant.id',
      JWT_ROLES_CLAIM: 'realm_access.roles',
    });
    expect(auth).toEqual({
      strategy: 'jwt',
      demoTokens: false,
      jwt: {
        jwksUrl: 'https://idp.example.org/jwks.json',
        issuer: 'https://idp.example.org',
        audience: ['block-storage', 'volume'],
        projectClaim: 'tenant.id',
        rolesClaim: 'realm_access.roles',
        userClaim: 'sub',
        clockToleranceSec: 30,
        jwksTimeoutMs: 5000,
        jwksCooldownMs: 30_000,
      },
    });
    expect(createTokenVerifier(auth)).toBeInstanceOf(JwtTokenVerifier);
  });

  it('defaults the claims to project_id and roles, and takes a PEM key or a secret', () => {
    const pem = loadConfig({ AUTH_STRATEGY: 'jwt', JWT_PUBLIC_KEY: PEM });
    expect(pem.auth).toMatchObject({ jwt: { publicKey: PEM, projectClaim: 'project_id', rolesClaim: 'roles', audience: undefined } });
    expect(createTokenVerifier(pem.auth)).toBeInstanceOf(JwtTokenVerifier);
    const secret = loadConfig({ AUTH_STRATEGY: 'jwt', JWT_SECRET: SECRET, JWT_AUDIENCE: 'block-storage' });
    expect(secret.auth).toMatchObject({ jwt: { secret: SECRET, audience: 'block-storage' } });
    expect(describeAuth(secret.auth)).toBe('JWT, keys from JWT_SECRET, project claim "project_id", roles claim "roles"');
  });

  it.each([
    [{}, /needs the signature key/],
    [{ JWT_SECRET: SECRET, JWT_PUBLIC_KEY: PEM }, /only one of JWT_PUBLIC_KEY, JWT_SECRET/],
    [{ JWT_SECRET: 'short' }, /at least 32 characters/],
    [{ JWT_PUBLIC_KEY: 'not a key' }, /not a PEM public key/],
    [{ JWT_JWKS_URL: 'ftp://idp/jwks' }, /http:\/\/ or https:\/\//],
    [{ JWT_SECRET: SECRET, JWT_CLOCK_TOLERANCE_SECONDS: '-1' }, /JWT_CLOCK_TOLERANCE_SECONDS/],
  ])('refuses %j with a message naming the problem', (env, message) => {
    expect(() => loadConfig({ AUTH_STRATEGY: 'jwt', ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ AUTH_STRATEGY: 'jwt', ...env })).toThrow(message);
  });
});

describe('AUTH_STRATEGY in general', () => {
  it('names the three strategies for an unknown one', () => {
    expect(() => loadConfig({ AUTH_STRATEGY: 'ldap' })).toThrow(/static, keystone or jwt, not "ldap"/);
  });

  it('still refuses production with static tokens left to the demo set, and accepts keystone there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_STRATEGY: 'static' })).toThrow(/AUTH_STATIC_TOKENS/);
    const config = loadConfig({ NODE_ENV: 'production', AUTH_STRATEGY: 'keystone', KEYSTONE_URL: 'http://k:5000', KEYSTONE_SERVICE_TOKEN: 's' });
    expect(config.auth.strategy).toBe('keystone');
    expect(config.auth.demoTokens).toBe(false);
  });

  it('takes the admin role from AUTH_ADMIN_ROLE, admin by default', () => {
    expect(loadConfig({}).adminRole).toBe('admin');
    expect(loadConfig({ AUTH_ADMIN_ROLE: 'cloud-admin' }).adminRole).toBe('cloud-admin');
    expect(createTokenVerifier(loadConfig({}).auth)).toBeInstanceOf(StaticTokenVerifier);
  });
});
