import { Logger } from '@nestjs/common';
import { IdentityServiceFailedError, IdentityServiceTimeoutError } from '../backup-sharing.errors';
import { FakeKeystone } from '../testing/fake-keystone.server';
import { KeystoneTokenVerifier, KeystoneTokenVerifierOptions } from './keystone-token.verifier';
import { parseKeystoneTime } from './keystone-service-auth';

const HOUR = 3_600_000;

// The verifier logs each outage; the expected ones would only clutter the test output.
beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['log', 'warn', 'error']));

describe('KeystoneTokenVerifier against a local fake Keystone', () => {
  let clock: number;
  const now = () => clock;
  let keystone: FakeKeystone;

  beforeEach(async () => {
    clock = Date.parse('2026-11-28T12:00:00Z');
    keystone = await new FakeKeystone(now).start();
    keystone.serviceTokens.add('service-token');
    keystone.tokens.set('alice-token', {
      projectId: 'alpha',
      userId: 'alice',
      roles: ['member', 'reader'],
      expiresAt: keystone.timestamp(clock + HOUR),
    });
  });
  afterEach(() => keystone.stop());

  function verifier(options: Partial<KeystoneTokenVerifierOptions> = {}): KeystoneTokenVerifier {
    return new KeystoneTokenVerifier({ url: keystone.url, serviceToken: 'service-token', now, ...options });
  }

  it('validates with GET /v3/auth/tokens?nocatalog, the service token and X-Subject-Token', async () => {
    const identity = await verifier().verify('alice-token');
    expect(identity).toEqual({
      projectId: 'alpha',
      userId: 'alice',
      roles: ['member', 'reader'],
      expiresAt: new Date(clock + HOUR),
    });
    expect(keystone.lastValidation?.url).toBe('/v3/auth/tokens?nocatalog');
    expect(keystone.lastValidation?.headers['x-auth-token']).toBe('service-token');
    expect(keystone.lastValidation?.headers['x-subject-token']).toBe('alice-token');
  });

  it('accepts KEYSTONE_URL with /v3 and a trailing slash, and names it in WWW-Authenticate', async () => {
    const v = verifier({ url: `${keystone.url}/v3/` });
    await expect(v.verify('alice-token')).resolves.toMatchObject({ projectId: 'alpha' });
    expect(keystone.lastValidation?.url).toBe('/v3/auth/tokens?nocatalog');
    expect(v.authenticateHeader()).toBe(`Keystone uri="${keystone.url}/v3"`);
  });

  it('answers undefined for a token Keystone does not know (404)', async () => {
    await expect(verifier().verify('forged')).resolves.toBeUndefined();
    expect(keystone.validations).toBe(1);
  });

  it('refuses without a call a token that cannot be sent as a header', async () => {
    const v = verifier();
    for (const token of ['two words', 'caf\u00e9', 'line\nbreak', 'x'.repeat(20_000)]) {
      await expect(v.verify(token)).resolves.toBeUndefined();
    }
    expect(keystone.validations).toBe(0);
  });

  it('refuses a token that is not scoped to a project, or whose expires_at has passed', async () => {
    keystone.tokens.set('domain-token', { userId: 'alice', roles: ['admin'], expiresAt: keystone.timestamp(clock + HOUR) });
    keystone.tokens.set('stale-token', { projectId: 'alpha', expiresAt: keystone.timestamp(clock - 1000) });
    const v = verifier();
    await expect(v.verify('domain-token')).resolves.toBeUndefined();
    await expect(v.verify('stale-token')).resolves.toBeUndefined();
  });

  describe('cache', () => {
    it('reuses a valid result, and asks again once the TTL has passed', async () => {
      const v = verifier({ cacheTtlMs: 60_000 });
      await v.verify('alice-token');
      clock += 59_000;
      await expect(v.verify('alice-token')).resolves.toMatchObject({ projectId: 'alpha' });
      expect(keystone.validations).toBe(1);

      keystone.tokens.delete('alice-token'); // revoked meanwhile
      clock += 2_000;
      await expect(v.verify('alice-token')).resolves.toBeUndefined();
      expect(keystone.validations).toBe(2);
    });

    it('never reuses a result past the token’s own expiry, even within the TTL', async () => {
      keystone.tokens.set('short-token', { projectId: 'alpha', expiresAt: keystone.timestamp(clock + 10_000) });
      const v = verifier({ cacheTtlMs: HOUR });
      await expect(v.verify('short-token')).resolves.toMatchObject({ projectId: 'alpha' });
      clock += 11_000;
      await expect(v.verify('short-token')).resolves.toBeUndefined();
      expect(keystone.validations).toBe(2);
    });

    it('reuses an invalid verdict briefly, then asks again', async () => {
      const v = verifier({ invalidCacheTtlMs: 5_000 });
      await v.verify('late-token');
      await v.verify('late-token');
      expect(keystone.validations).toBe(1);

      keystone.tokens.set('late-token', { projectId: 'alpha', expiresAt: keystone.timestamp(clock + HOUR) });
      clock += 6_000;
      await expect(v.verify('late-token')).resolves.toMatchObject({ projectId: 'alpha' });
      expect(keystone.validations).toBe(2);
    });

    it('does not cache an outage: the next request asks again', async () => {
      const v = verifier();
      keystone.mode = 'error';
      await expect(v.verify('alice-token')).rejects.toBeInstanceOf(IdentityServiceFailedError);
      keystone.mode = 'normal';
      await expect(v.verify('alice-token')).resolves.toMatchObject({ projectId: 'alpha' });
      expect(keystone.validations).toBe(1); // the 500 was answered before counting validations
    });

    it('keeps at most maxCacheEntries results', async () => {
      for (const name of ['a', 'b', 'c']) keystone.tokens.set(name, { projectId: name, expiresAt: keystone.timestamp(clock + HOUR) });
      const v = verifier({ maxCacheEntries: 2 });
      await v.verify('a');
      await v.verify('b');
      await v.verify('c'); // evicts a, the oldest
      await v.verify('c');
      await v.verify('a');
      expect(keystone.validations).toBe(4);
    });

    it('hands out identities that callers cannot alter for the next request', async () => {
      const v = verifier();
      const first = await v.verify('alice-token');
      expect(() => first!.roles.push('admin')).toThrow(TypeError);
      await expect(v.verify('alice-token')).resolves.toMatchObject({ roles: ['member', 'reader'] });
    });
  });

  it('makes one call for concurrent validations of one token', async () => {
    const v = verifier();
    const gate = keystone.hold();
    const pending = Array.from({ length: 5 }, () => v.verify('alice-token'));
    await waitFor(() => keystone.validations === 1);
    gate.release();
    const identities = await Promise.all(pending);
    expect(identities.every((identity) => identity?.projectId === 'alpha')).toBe(true);
    expect(keystone.validations).toBe(1);
  });

  describe('outages are 502 or 504, never a 401', () => {
    it('Keystone answering 500 → IdentityServiceFailedError (502)', async () => {
      keystone.mode = 'error';
      await expect(verifier().verify('alice-token')).rejects.toBeInstanceOf(IdentityServiceFailedError);
    });

    it('nothing listening → IdentityServiceFailedError (502)', async () => {
      const url = keystone.url;
      await keystone.stop();
      const failure = new KeystoneTokenVerifier({ url, serviceToken: 'service-token', now }).verify('alice-token');
      await expect(failure).rejects.toBeInstanceOf(IdentityServiceFailedError);
      await expect(failure).rejects.toThrow(/identity service/);
      keystone = await new FakeKeystone(now).start(); // for afterEach
    });

    it('no answer within timeoutMs → IdentityServiceTimeoutError (504)', async () => {
      keystone.mode = 'hang';
      await expect(verifier({ timeoutMs: 100 }).verify('alice-token')).rejects.toBeInstanceOf(IdentityServiceTimeoutError);
    });

    it('the service token refused (401) or not allowed (403) → 502, with no internal detail for the client', async () => {
      const refused = verifier({ serviceToken: 'expired-service-token' }).verify('alice-token');
      await expect(refused).rejects.toBeInstanceOf(IdentityServiceFailedError);
      await expect(refused).rejects.not.toThrow(/127\.0\.0\.1/);

      keystone.serviceTokens.add('member-token');
      keystone.unprivilegedTokens.add('member-token');
      await expect(verifier({ serviceToken: 'member-token' }).verify('alice-token')).rejects.toBeInstanceOf(IdentityServiceFailedError);
    });
  });

  describe('service user credentials', () => {
    const credentials = { username: 'backup-sharing', password: 'service-secret', projectName: 'service' };

    beforeEach(() => {
      keystone.serviceUsers.set('backup-sharing', 'service-secret');
      keystone.serviceTokenLifetimeMs = HOUR;
    });

    it('logs in once and uses the token it got for validations', async () => {
      const v = verifier({ serviceToken: undefined, serviceCredentials: credentials, cacheTtlMs: 0 });
      await expect(v.verify('alice-token')).resolves.toMatchObject({ projectId: 'alpha' });
      await v.verify('alice-token');
      expect(keystone.logins).toBe(1);
      expect(keystone.validations).toBe(2);
      expect(keystone.lastValidation?.headers['x-auth-token']).toBe('service-token-1');
    });

    it('renews its token before it expires', async () => {
      const v = verifier({ serviceToken: undefined, serviceCredentials: credentials, cacheTtlMs: 0, renewBeforeMs: 120_000 });
      await v.verify('alice-token');
      clock += HOUR - 121_000;
      await v.verify('alice-token');
      expect(keystone.logins).toBe(1);
      clock += 2_000; // now within two minutes of the service token's expiry
      await v.verify('alice-token');
      expect(keystone.logins).toBe(2);
      expect(keystone.lastValidation?.headers['x-auth-token']).toBe('service-token-2');
    });

    it('logs in again when Keystone refuses its token early (revoked), and validates once more', async () => {
      const v = verifier({ serviceToken: undefined, serviceCredentials: credentials, cacheTtlMs: 0 });
      await v.verify('alice-token');
      keystone.serviceTokens.delete('service-token-1');
      await expect(v.verify('alice-token')).resolves.toMatchObject({ projectId: 'alpha' });
      expect(keystone.logins).toBe(2);
    });

    it('makes one log-in for concurrent validations', async () => {
      for (const name of ['a', 'b', 'c', 'd']) keystone.tokens.set(name, { projectId: name, expiresAt: keystone.timestamp(clock + HOUR) });
      const v = verifier({ serviceToken: undefined, serviceCredentials: credentials });
      const identities = await Promise.all(['a', 'b', 'c', 'd'].map((token) => v.verify(token)));
      expect(identities.map((identity) => identity?.projectId)).toEqual(['a', 'b', 'c', 'd']);
      expect(keystone.logins).toBe(1);
    });

    it('wrong service credentials → 502, not a 401 for the caller', async () => {
      const v = verifier({ serviceToken: undefined, serviceCredentials: { ...credentials, password: 'wrong' } });
      await expect(v.verify('alice-token')).rejects.toBeInstanceOf(IdentityServiceFailedError);
      expect(keystone.validations).toBe(0);
    });
  });

  it('needs a service token or service credentials', () => {
    expect(() => new KeystoneTokenVerifier({ url: keystone.url })).toThrow(/service token or service user credentials/);
  });
});

describe('parseKeystoneTime', () => {
  it.each([
    ['2026-11-28T16:02:40.000000Z', Date.UTC(2026, 10, 28, 16, 2, 40)],
    ['2026-11-28T16:02:40Z', Date.UTC(2026, 10, 28, 16, 2, 40)],
    // Tokens of application credentials carry no zone; Keystone means UTC.
    ['2026-11-28T15:43:48', Date.UTC(2026, 10, 28, 15, 43, 48)],
    ['2026-11-28T17:02:40+01:00', Date.UTC(2026, 10, 28, 16, 2, 40)],
  ])('reads %s', (value, expected) => {
    expect(parseKeystoneTime(value)).toBe(expected);
  });

  it.each([undefined, null, 42, '', 'tomorrow', '2026-11-28'])('refuses %p', (value) => {
    expect(parseKeystoneTime(value)).toBeUndefined();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}
