import { callIdentityService, identityServiceFailed } from './identity-service.http';
import { KeystoneServiceAuth, KeystoneServiceCredentials, parseKeystoneTime } from './keystone-service-auth';
import { Identity, TokenVerifier } from './token-verifier.port';
import { VerifiedTokenCache } from './verified-token.cache';
import { isPlausibleToken } from './token-shape';

export { KeystoneServiceCredentials } from './keystone-service-auth';

export interface KeystoneTokenVerifierOptions {
  /**
   * Keystone's public endpoint, with or without `/v3` (`https://keystone.example.com:5000`).
   * Also the `uri` of `WWW-Authenticate: Keystone uri="..."` on 401 answers.
   */
  url: string;
  /** A fixed token allowed to validate tokens. Give this or `serviceCredentials`. */
  serviceToken?: string;
  /** A service user (role `service` or `admin`) whose own token is obtained and renewed. */
  serviceCredentials?: KeystoneServiceCredentials;
  /**
   * Time limit of one call to Keystone; past it the request answers 504.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * A valid token's identity is reused until the token expires, but never longer than this.
   * Revocation takes effect within this time (keystonemiddleware's `token_cache_time`).
   * @default 300000 (5 minutes)
   */
  cacheTtlMs?: number;
  /**
   * How long an invalid token's verdict is reused, which spares Keystone repeated bad tokens.
   * @default 10000
   */
  invalidCacheTtlMs?: number;
  /** @default 10000 */
  maxCacheEntries?: number;
  /**
   * The service user's token is renewed this long before it expires.
   * @default 120000
   */
  renewBeforeMs?: number;
  /** The clock, in epoch milliseconds (tests move it). @default Date.now */
  now?: () => number;
}

const SERVICE = 'Keystone';

interface KeystoneTokenBody {
  token?: {
    project?: { id?: unknown };
    user?: { id?: unknown };
    roles?: Array<{ name?: unknown }>;
    expires_at?: unknown;
  };
}

/**
 * `TokenVerifier` on Keystone v3: `GET /v3/auth/tokens?nocatalog` with the user's token in
 * `X-Subject-Token`, authenticated by a service token. Only project-scoped tokens identify a
 * caller (the API acts for a project). An unreachable or failing Keystone is a 502 and a slow one
 * a 504, never a 401: the token was not judged.
 */
export class KeystoneTokenVerifier extends TokenVerifier {
  private readonly url: string;
  private readonly v3Url: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly serviceAuth: KeystoneServiceAuth;
  private readonly cache: VerifiedTokenCache;

  constructor(options: KeystoneTokenVerifierOptions) {
    super();
    this.url = options.url.replace(/\/+$/, '');
    this.v3Url = /\/v3$/.test(this.url) ? this.url : `${this.url}/v3`;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.serviceAuth = new KeystoneServiceAuth({
      v3Url: this.v3Url,
      serviceToken: options.serviceToken,
      credentials: options.serviceCredentials,
      timeoutMs: this.timeoutMs,
      renewBeforeMs: options.renewBeforeMs ?? 120_000,
      now: this.now,
    });
    this.cache = new VerifiedTokenCache({
      ttlMs: options.cacheTtlMs ?? 300_000,
      invalidTtlMs: options.invalidCacheTtlMs ?? 10_000,
      maxEntries: options.maxCacheEntries ?? 10_000,
      now: this.now,
    });
  }

  verify(token: string): Promise<Identity | undefined> {
    // Keystone would answer 404 too; a header Node cannot even send must not become a 502.
    if (!isPlausibleToken(token)) return Promise.resolve(undefined);
    return this.cache.lookup(token, () => this.validate(token, true));
  }

  override authenticateHeader(): string {
    return `Keystone uri="${this.url}"`;
  }

  private async validate(token: string, mayRenew: boolean): Promise<Identity | undefined> {
    const serviceToken = await this.serviceAuth.token();
    const answer = await callIdentityService(
      SERVICE,
      `${this.v3Url}/auth/tokens?nocatalog`,
      { method: 'GET', headers: { 'X-Auth-Token': serviceToken, 'X-Subject-Token': token, Accept: 'application/json' } },
      this.timeoutMs,
    );
    switch (answer.status) {
      case 200:
        return this.identityOf(answer.body as KeystoneTokenBody | undefined);
      case 404:
        // Unknown, revoked or expired: the only answer that judges the token itself.
        return undefined;
      case 401:
        if (mayRenew && this.serviceAuth.renewable) {
          this.serviceAuth.discard(serviceToken);
          return this.validate(token, false);
        }
        throw identityServiceFailed(SERVICE, 'Keystone refused the service token (401): renew KEYSTONE_SERVICE_TOKEN or check the service user');
      case 403:
        throw identityServiceFailed(SERVICE, 'the service token may not validate tokens (403): give its user the service or admin role');
      default:
        throw identityServiceFailed(SERVICE, `token validation answered ${answer.status}`);
    }
  }

  private identityOf(body: KeystoneTokenBody | undefined): Identity | undefined {
    const token = body?.token;
    if (!token || typeof token !== 'object') throw identityServiceFailed(SERVICE, 'token validation answered 200 without a token body');
    const projectId = token.project?.id;
    // Unscoped, domain- or system-scoped tokens name no project to act for.
    if (typeof projectId !== 'string' || projectId.length === 0) return undefined;
    const expiresAt = parseKeystoneTime(token.expires_at);
    if (expiresAt !== undefined && expiresAt <= this.now()) return undefined;
    const userId = token.user?.id;
    return {
      projectId,
      userId: typeof userId === 'string' ? userId : null,
      roles: (Array.isArray(token.roles) ? token.roles : [])
        .map((role) => role?.name)
        .filter((name): name is string => typeof name === 'string'),
      expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt),
    };
  }
}
