import { createPublicKey } from 'node:crypto';
import { JwtTokenVerifierOptions, KeystoneTokenVerifierOptions } from '../../libs/backup-sharing/src';
import { ConfigError, integer } from './host.config';

export interface KeystoneAuthConfig {
  strategy: 'keystone';
  demoTokens: false;
  keystone: KeystoneTokenVerifierOptions;
}

export interface JwtAuthConfig {
  strategy: 'jwt';
  demoTokens: false;
  jwt: JwtTokenVerifierOptions;
}

/**
 * AUTH_STRATEGY=keystone: KEYSTONE_URL, and either KEYSTONE_SERVICE_TOKEN or the service user
 * (KEYSTONE_SERVICE_USER, KEYSTONE_SERVICE_PASSWORD, KEYSTONE_SERVICE_PROJECT, optionally
 * KEYSTONE_SERVICE_USER_DOMAIN and KEYSTONE_SERVICE_PROJECT_DOMAIN, default "Default").
 * KEYSTONE_TIMEOUT_MS, KEYSTONE_CACHE_TTL_SECONDS and KEYSTONE_INVALID_CACHE_TTL_SECONDS tune it.
 */
export function parseKeystoneAuth(env: NodeJS.ProcessEnv): KeystoneAuthConfig {
  const url = httpUrl(env, 'KEYSTONE_URL', 'the Keystone endpoint, e.g. http://keystone:5000');
  const serviceToken = env.KEYSTONE_SERVICE_TOKEN || undefined;
  const userVariables = ['KEYSTONE_SERVICE_USER', 'KEYSTONE_SERVICE_PASSWORD', 'KEYSTONE_SERVICE_PROJECT'] as const;
  const given = userVariables.filter((name) => env[name]);
  if (serviceToken && given.length > 0) {
    throw new ConfigError(`Give either KEYSTONE_SERVICE_TOKEN or the service user (${userVariables.join(', ')}), not both.`);
  }
  if (!serviceToken && given.length < userVariables.length) {
    const missing = userVariables.filter((name) => !env[name]);
    throw new ConfigError(
      given.length === 0
        ? `AUTH_STRATEGY=keystone needs KEYSTONE_SERVICE_TOKEN, or a service user allowed to validate tokens: ${userVariables.join(', ')}.`
        : `The Keystone service user also needs ${missing.join(' and ')}.`,
    );
  }
  return {
    strategy: 'keystone',
    demoTokens: false,
    keystone: {
      url,
      serviceToken,
      serviceCredentials: serviceToken
        ? undefined
        : {
            username: env.KEYSTONE_SERVICE_USER!,
            password: env.KEYSTONE_SERVICE_PASSWORD!,
            projectName: env.KEYSTONE_SERVICE_PROJECT!,
            userDomainName: env.KEYSTONE_SERVICE_USER_DOMAIN || 'Default',
            projectDomainName: env.KEYSTONE_SERVICE_PROJECT_DOMAIN || 'Default',
          },
      timeoutMs: integer(env, 'KEYSTONE_TIMEOUT_MS', 5000, 1, 600_000),
      cacheTtlMs: integer(env, 'KEYSTONE_CACHE_TTL_SECONDS', 300, 0, 86_400) * 1000,
      invalidCacheTtlMs: integer(env, 'KEYSTONE_INVALID_CACHE_TTL_SECONDS', 10, 0, 3600) * 1000,
    },
  };
}

/**
 * AUTH_STRATEGY=jwt: one of JWT_JWKS_URL, JWT_PUBLIC_KEY (PEM) or JWT_SECRET (HS256, 32+
 * characters); JWT_ISSUER and JWT_AUDIENCE (comma-separated) when tokens must carry them;
 * JWT_PROJECT_CLAIM (default project_id), JWT_ROLES_CLAIM (default roles), JWT_USER_CLAIM
 * (default sub); JWT_CLOCK_TOLERANCE_SECONDS, JWT_JWKS_TIMEOUT_MS, JWT_JWKS_COOLDOWN_SECONDS.
 */
export function parseJwtAuth(env: NodeJS.ProcessEnv): JwtAuthConfig {
  const sources = (['JWT_JWKS_URL', 'JWT_PUBLIC_KEY', 'JWT_SECRET'] as const).filter((name) => env[name]);
  if (sources.length !== 1) {
    throw new ConfigError(
      sources.length === 0
        ? 'AUTH_STRATEGY=jwt needs the signature key: JWT_JWKS_URL, JWT_PUBLIC_KEY (PEM) or JWT_SECRET (HS256).'
        : `Give only one of ${sources.join(', ')}: they are alternative sources of the signature key.`,
    );
  }
  const audience = (env.JWT_AUDIENCE ?? '').split(',').map((value) => value.trim()).filter(Boolean);
  const common = {
    issuer: env.JWT_ISSUER || undefined,
    audience: audience.length === 0 ? undefined : audience.length === 1 ? audience[0] : audience,
    projectClaim: env.JWT_PROJECT_CLAIM || 'project_id',
    rolesClaim: env.JWT_ROLES_CLAIM || 'roles',
    userClaim: env.JWT_USER_CLAIM || 'sub',
    clockToleranceSec: integer(env, 'JWT_CLOCK_TOLERANCE_SECONDS', 30, 0, 3600),
  };
  let jwt: JwtTokenVerifierOptions;
  if (env.JWT_JWKS_URL) {
    jwt = {
      ...common,
      jwksUrl: httpUrl(env, 'JWT_JWKS_URL', "the identity provider's key set, e.g. https://idp.example.org/.well-known/jwks.json"),
      jwksTimeoutMs: integer(env, 'JWT_JWKS_TIMEOUT_MS', 5000, 1, 600_000),
      jwksCooldownMs: integer(env, 'JWT_JWKS_COOLDOWN_SECONDS', 30, 0, 3600) * 1000,
    };
  } else if (env.JWT_PUBLIC_KEY) {
    try {
      createPublicKey(env.JWT_PUBLIC_KEY.replace(/\\n/g, '\n'));
    } catch {
      throw new ConfigError('JWT_PUBLIC_KEY is not a PEM public key or certificate ("-----BEGIN PUBLIC KEY-----" ...).');
    }
    jwt = { ...common, publicKey: env.JWT_PUBLIC_KEY };
  } else {
    if (env.JWT_SECRET!.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters: HS256 needs a 256-bit key.');
    jwt = { ...common, secret: env.JWT_SECRET! };
  }
  return { strategy: 'jwt', demoTokens: false, jwt };
}

function httpUrl(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const raw = env[name];
  if (!raw) throw new ConfigError(`${name} is required: ${what}.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${raw}" (expected ${what}).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http:// or https:// URL.`);
  return raw;
}
