import { callIdentityService, identityServiceFailed } from './identity-service.http';

/** A service user that may validate tokens (Keystone role `service` or `admin`). */
export interface KeystoneServiceCredentials {
  username: string;
  password: string;
  /** Project the service token is scoped to. */
  projectName: string;
  /** @default 'Default' */
  userDomainName?: string;
  /** @default 'Default' */
  projectDomainName?: string;
}

export interface KeystoneServiceAuthOptions {
  /** Keystone's v3 root, e.g. `http://keystone:5000/v3`. */
  v3Url: string;
  serviceToken?: string;
  credentials?: KeystoneServiceCredentials;
  timeoutMs: number;
  /** A token of the service user is renewed this long before it expires. */
  renewBeforeMs: number;
  now: () => number;
}

const SERVICE = 'Keystone';

/**
 * The token the verifier presents as `X-Auth-Token` when it validates users' tokens: either a
 * fixed service token, or one obtained with the service user's password and renewed before it
 * expires. Concurrent requests for a new token make one call to Keystone.
 */
export class KeystoneServiceAuth {
  private current?: { token: string; renewAt: number };
  private pending?: Promise<string>;

  constructor(private readonly options: KeystoneServiceAuthOptions) {
    if (!options.serviceToken && !options.credentials) {
      throw new Error('KeystoneTokenVerifier needs a service token or service user credentials to validate tokens.');
    }
  }

  /** Whether a refused service token can be replaced by logging in again. */
  get renewable(): boolean {
    return !this.options.serviceToken;
  }

  async token(): Promise<string> {
    if (this.options.serviceToken) return this.options.serviceToken;
    if (this.current && this.options.now() < this.current.renewAt) return this.current.token;
    this.pending ??= this.issue().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Keystone refused `token` (revoked, or expired early): the next call logs in again. */
  discard(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async issue(): Promise<string> {
    const credentials = this.options.credentials!;
    const answer = await callIdentityService(
      SERVICE,
      `${this.options.v3Url}/auth/tokens?nocatalog`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ['password'],
              password: {
                user: {
                  name: credentials.username,
                  password: credentials.password,
                  domain: { name: credentials.userDomainName ?? 'Default' },
                },
              },
            },
            scope: { project: { name: credentials.projectName, domain: { name: credentials.projectDomainName ?? 'Default' } } },
          },
        }),
      },
      this.options.timeoutMs,
    );
    const token = answer.headers.get('x-subject-token');
    if (answer.status !== 201 || !token) {
      throw identityServiceFailed(
        SERVICE,
        answer.status === 401
          ? `the service user "${credentials.username}" could not log in (401): check its name, password and project`
          : `logging in the service user answered ${answer.status}${token ? '' : ' without X-Subject-Token'}`,
      );
    }
    const now = this.options.now();
    const expiresAt = parseKeystoneTime((answer.body as { token?: { expires_at?: unknown } } | undefined)?.token?.expires_at);
    // Renew ahead of expiry; a short-lived token is renewed half-way through its life instead.
    const lifetime = (expiresAt ?? now + 2 * this.options.renewBeforeMs) - now;
    const renewAt = now + (lifetime > 2 * this.options.renewBeforeMs ? lifetime - this.options.renewBeforeMs : lifetime / 2);
    this.current = { token, renewAt };
    return token;
  }
}

/**
 * Keystone's `expires_at`: `2026-11-28T16:02:40.000000Z`, or without a zone (tokens of
 * application credentials), which is UTC too.
 */
export function parseKeystoneTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(value)) {
    return undefined;
  }
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? undefined : time;
}
