import { readFileSync } from 'node:fs';

/** What `scripts/keystone-dev.sh start` writes to `$KEYSTONE_HOME/fixtures.json`. */
export interface KeystoneFixtures {
  url: string;
  pid: number;
  home: string;
  projects: Record<'admin' | 'owner' | 'recipient' | 'other' | 'service', { name: string; id: string }>;
  users: Record<'admin' | 'owner' | 'recipient' | 'other' | 'service', { name: string; id?: string; password: string; project: string }>;
}

export type KeystoneUser = keyof KeystoneFixtures['users'];

/** The fixtures of the Keystone that `npm run test:keystone` started, or undefined when none. */
export function keystoneFixtures(): KeystoneFixtures | undefined {
  const path = process.env.TEST_KEYSTONE_FIXTURES;
  return path ? (JSON.parse(readFileSync(path, 'utf8')) as KeystoneFixtures) : undefined;
}

/** A client of the real Keystone's token API, as a user of the cloud would use it. */
export class KeystoneClient {
  constructor(readonly fixtures: KeystoneFixtures) {}

  get v3(): string {
    return `${this.fixtures.url}/v3`;
  }

  /** A project-scoped token for `user` (password method): `POST /v3/auth/tokens`. */
  async token(user: KeystoneUser): Promise<string> {
    const { name, password, project } = this.fixtures.users[user];
    return this.issue({
      identity: { methods: ['password'], password: { user: { name, password, domain: { id: 'default' } } } },
      scope: { project: { name: project, domain: { id: 'default' } } },
    });
  }

  /**
   * A token of the owner that expires in `seconds`: Keystone caps a token's life at its
   * application credential's `expires_at`, the one way to get a short-lived token without
   * reconfiguring the server.
   */
  async shortLivedToken(seconds: number): Promise<{ token: string; expiresAt: number }> {
    const owner = await this.token('owner');
    const expires = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
    const created = await this.call('POST', `/users/${this.fixtures.users.owner.id}/application_credentials`, owner, {
      application_credential: { name: `short-${Date.now()}-${Math.random()}`, secret: 'short-lived-secret', expires_at: expires },
    });
    expect(created.status).toBe(201);
    const id = (created.body as { application_credential: { id: string } }).application_credential.id;
    const token = await this.issue({
      identity: { methods: ['application_credential'], application_credential: { id, secret: 'short-lived-secret' } },
    });
    return { token, expiresAt: Date.parse(`${expires}Z`) };
  }

  /** `DELETE /v3/auth/tokens`: revokes `token` (authenticated by the token itself). */
  async revoke(token: string): Promise<void> {
    const response = await fetch(`${this.v3}/auth/tokens`, { method: 'DELETE', headers: { 'X-Auth-Token': token, 'X-Subject-Token': token } });
    expect(response.status).toBe(204);
  }

  /** Keystone's own verdict on a token, as the service user sees it (200 or 404). */
  async validationStatus(token: string): Promise<number> {
    const service = await this.token('service');
    const response = await fetch(`${this.v3}/auth/tokens?nocatalog`, { headers: { 'X-Auth-Token': service, 'X-Subject-Token': token } });
    await response.text();
    return response.status;
  }

  private async issue(auth: unknown): Promise<string> {
    const response = await fetch(`${this.v3}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth }),
    });
    await response.text();
    expect(response.status).toBe(201);
    const token = response.headers.get('x-subject-token');
    expect(token).toBeTruthy();
    return token!;
  }

  private async call(method: string, path: string, token: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.v3}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': token },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
}
