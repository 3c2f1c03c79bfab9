import { KeyObject, createPublicKey } from 'node:crypto';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { identityServiceError } from './identity-service.http';
import { jose } from './jose.loader';
import { Identity, TokenVerifier } from './token-verifier.port';
import { isPlausibleToken } from './token-shape';

/** Where the signature keys come from: give exactly one. */
export type JwtKeySource =
  /** A JWKS endpoint; keys are cached and fetched again when a token names an unknown `kid`. */
  | { jwksUrl: string }
  /** A PEM public key or certificate (RSA, EC or Ed25519). */
  | { publicKey: string }
  /** A shared secret for HS256, at least 32 characters. */
  | { secret: string };

export type JwtTokenVerifierOptions = JwtKeySource & {
  /** Required `iss`, when set. */
  issuer?: string;
  /** Required `aud` (one of them), when set. */
  audience?: string | string[];
  /**
   * Claim holding the project ID; a dotted path reaches into objects (`tenant.id`).
   * @default 'project_id'
   */
  projectClaim?: string;
  /**
   * Claim holding the roles: an array of strings, or one string of names separated by spaces
   * or commas. A dotted path reaches into objects (`realm_access.roles`).
   * @default 'roles'
   */
  rolesClaim?: string;
  /** @default 'sub' */
  userClaim?: string;
  /**
   * Accepted `alg` values.
   * @default HS256 for a secret; the algorithms of the key's type for a PEM key; RS, PS, ES and EdDSA for a JWKS
   */
  algorithms?: string[];
  /**
   * Leeway for `exp` and `nbf`, for clocks that drift apart.
   * @default 30
   */
  clockToleranceSec?: number;
  /** Time limit of a JWKS fetch; past it the request answers 504. @default 5000 */
  jwksTimeoutMs?: number;
  /** Keys are fetched again after this long. @default 600000 */
  jwksCacheMaxAgeMs?: number;
  /**
   * After a fetch, an unknown `kid` does not cause another one for this long, so that tokens
   * with made-up key IDs cannot drive a fetch per request.
   * @default 30000
   */
  jwksCooldownMs?: number;
};

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const SERVICE = 'JWKS';

/** Marks a failure to obtain keys, as opposed to a token that does not verify. */
class KeySourceError extends Error {
  constructor(readonly original: unknown) {
    super('JWKS unavailable');
  }
}

/**
 * `TokenVerifier` for JSON Web Tokens signed by an identity provider: signature, `exp` (required),
 * `nbf`, and `iss`/`aud` when configured. The project and the roles come from configurable claims.
 * A JWKS endpoint that cannot be reached is a 502 (504 when slow), never a 401.
 */
export class JwtTokenVerifier extends TokenVerifier {
  private readonly key: KeyObject | Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly projectClaim: string;
  private readonly rolesClaim: string;
  private readonly userClaim: string;
  private readonly jwksTimeoutMs: number;

  constructor(private readonly options: JwtTokenVerifierOptions) {
    super();
    this.projectClaim = options.projectClaim || 'project_id';
    this.rolesClaim = options.rolesClaim || 'roles';
    this.userClaim = options.userClaim || 'sub';
    this.jwksTimeoutMs = options.jwksTimeoutMs ?? 5000;
    const sources = (['jwksUrl', 'publicKey', 'secret'] as const).filter((name) => (options as Record<string, unknown>)[name]);
    if (sources.length !== 1) {
      throw new Error(`JwtTokenVerifier needs exactly one of jwksUrl, publicKey or secret (got ${sources.join(', ') || 'none'}).`);
    }
    if ('jwksUrl' in options && options.jwksUrl) {
      this.key = this.remoteKeys(options.jwksUrl);
      this.algorithms = options.algorithms ?? ASYMMETRIC_ALGORITHMS;
    } else if ('publicKey' in options && options.publicKey) {
      const key = createPublicKey(options.publicKey.replace(/\\n/g, '\n'));
      this.key = key;
      this.algorithms = options.algorithms ?? algorithmsFor(key);
    } else {
      const secret = (options as { secret: string }).secret;
      if (secret.length < 32) throw new Error('The JWT secret must be at least 32 characters (HS256 needs a 256-bit key).');
      this.key = new TextEncoder().encode(secret);
      this.algorithms = options.algorithms ?? ['HS256'];
    }
  }

  async verify(token: string): Promise<Identity | undefined> {
    if (!isPlausibleToken(token)) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jose().jwtVerify(token, this.key as Uint8Array, {
        algorithms: this.algorithms,
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSec ?? 30,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof KeySourceError) throw identityServiceError(SERVICE, 'fetching the key set', error.original, this.jwksTimeoutMs);
      if (error instanceof jose().errors.JOSEError) return undefined;
      throw error;
    }
    const projectId = claim(payload, this.projectClaim);
    if (typeof projectId !== 'string' || projectId.length === 0) return undefined;
    const userId = claim(payload, this.userClaim);
    return {
      projectId,
      userId: typeof userId === 'string' ? userId : null,
      roles: rolesOf(claim(payload, this.rolesClaim)),
      expiresAt: new Date((payload.exp as number) * 1000),
    };
  }

  /**
   * jose's remote key set, with its fetch failures told apart from keys that do not match: the
   * former are the identity service's fault (502/504), the latter the token's (401).
   */
  private remoteKeys(url: string): JWTVerifyGetKey {
    const jwks = jose().createRemoteJWKSet(new URL(url), {
      timeoutDuration: this.jwksTimeoutMs,
      cacheMaxAge: this.options.jwksCacheMaxAgeMs ?? 600_000,
      cooldownDuration: this.options.jwksCooldownMs ?? 30_000,
    });
    return async (header, token) => {
      try {
        return await jwks(header, token);
      } catch (error) {
        if (error instanceof jose().errors.JWKSNoMatchingKey || error instanceof jose().errors.JWKSMultipleMatchingKeys) throw error;
        if (error instanceof jose().errors.JOSENotSupported || error instanceof jose().errors.JOSEAlgNotAllowed) throw error;
        throw new KeySourceError(error);
      }
    };
  }
}

/** The algorithms a PEM key can verify, so that a token cannot pick a weaker or foreign one. */
function algorithmsFor(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return [curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256'];
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      throw new Error(`JWT public keys of type ${key.asymmetricKeyType} are not supported; use RSA, EC or Ed25519.`);
  }
}

function claim(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  return path.split('.').reduce<unknown>((value, part) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), payload);
}

function rolesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((role): role is string => typeof role === 'string' && role.length > 0);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}
