import { randomBytes } from 'node:crypto';
import { JWTPayload } from 'jose';
import { LocalJwksServer } from '../../libs/backup-sharing/src/testing/local-jwks.server';
import { TestHost, startTestHost } from './test-host';

export const JWT_ISSUER = 'https://idp.test.example';
export const JWT_AUDIENCE = 'block-storage';

export interface JwtIdentity {
  host: TestHost;
  idp: LocalJwksServer;
  /** Fresh project IDs, so that nothing seeded for the demo tokens is in the way. */
  projects: { owner: string; recipient: string; other: string; admin: string };
  /** A token for `project` with the right issuer and audience; `claims` override any of it. */
  token(project: string, roles: string[], claims?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/**
 * The demo host with AUTH_STRATEGY=jwt, trusting a JWKS served over HTTP on loopback by a
 * stand-in identity provider that signs the tests' tokens.
 */
export async function startJwtIdentity(env: Record<string, string> = {}): Promise<JwtIdentity> {
  const idp = await new LocalJwksServer().start();
  const host = await startTestHost({
    AUTH_STRATEGY: 'jwt',
    JWT_JWKS_URL: idp.jwksUrl,
    JWT_ISSUER,
    JWT_AUDIENCE,
    // A rotated key must be picked up at once in tests; 30 s by default.
    JWT_JWKS_COOLDOWN_SECONDS: '0',
    ...env,
  }).catch(async (error: unknown) => {
    await idp.stop();
    throw error;
  });
  const project = () => randomBytes(16).toString('hex');
  return {
    host,
    idp,
    projects: { owner: project(), recipient: project(), other: project(), admin: project() },
    token: (projectId, roles, claims = {}) =>
      idp.sign({ sub: `user-of-${projectId.slice(0, 6)}`, project_id: projectId, roles, iss: JWT_ISSUER, aud: JWT_AUDIENCE, ...claims }),
    close: async () => {
      try {
        await host.close();
      } finally {
        await idp.stop();
      }
    },
  };
}
