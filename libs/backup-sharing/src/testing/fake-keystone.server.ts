import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeKeystoneToken {
  projectId?: string;
  userId?: string;
  roles?: string[];
  /** Keystone's format, e.g. `2026-11-28T16:02:40.000000Z`. */
  expiresAt: string;
}

/**
 * A stand-in for Keystone's token API on a loopback port, for tests of Keystone clients: it
 * validates the tokens it was given (`GET /v3/auth/tokens`), logs in service users
 * (`POST /v3/auth/tokens`), and can fail, hang or hold answers on demand. Counts every call.
 */
export class FakeKeystone {
  /** Subject tokens it knows, by token. */
  readonly tokens = new Map<string, FakeKeystoneToken>();
  /** `X-Auth-Token` values allowed to validate tokens. */
  readonly serviceTokens = new Set<string>();
  /** Valid `X-Auth-Token` values whose user lacks the role to validate tokens (403). */
  readonly unprivilegedTokens = new Set<string>();
  /** Service users that may log in: name -> password. */
  readonly serviceUsers = new Map<string, string>();
  /** Lifetime of the tokens it issues at log-in. */
  serviceTokenLifetimeMs = 3_600_000;
  /** `normal`, or every answer a 500, or no answer at all. */
  mode: 'normal' | 'error' | 'hang' = 'normal';
  /** Validation requests and log-ins received. */
  validations = 0;
  logins = 0;
  /** The last validation request's path and headers. */
  lastValidation?: { url: string; headers: IncomingMessage['headers'] };
  private held?: { promise: Promise<void>; release: () => void };
  private readonly server: Server;
  private issued = 0;

  /** `now` is the clock of the tokens it issues (tests move it). */
  constructor(private readonly now: () => number = Date.now) {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.held?.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Validation answers wait until `release()`; counts still go up as requests arrive. */
  hold(): { release: () => void } {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.held = { promise, release };
    return { release };
  }

  /** Keystone's timestamp format, `ms` from the fake's clock. */
  timestamp(ms: number): string {
    return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (this.mode === 'hang') return;
    if (this.mode === 'error') return send(response, 500, { error: { code: 500, message: 'Internal error', title: 'Internal Server Error' } });
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/v3/auth/tokens') return send(response, 404, { error: { code: 404, message: 'Not found', title: 'Not Found' } });
    if (request.method === 'POST') return this.login(body, response);
    if (request.method !== 'GET') return send(response, 405, {});

    this.validations += 1;
    this.lastValidation = { url: request.url ?? '', headers: request.headers };
    await this.held?.promise;
    const serviceToken = request.headers['x-auth-token'];
    if (typeof serviceToken !== 'string' || !this.serviceTokens.has(serviceToken)) {
      return send(response, 401, { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
    }
    if (this.unprivilegedTokens.has(serviceToken)) {
      return send(response, 403, { error: { code: 403, message: 'You are not authorized to perform the requested action: identity:validate_token.', title: 'Forbidden' } });
    }
    const subject = this.tokens.get(String(request.headers['x-subject-token']));
    if (!subject) return send(response, 404, { error: { code: 404, message: 'Could not recognize Fernet token', title: 'Not Found' } });
    send(response, 200, {
      token: {
        methods: ['password'],
        user: { id: subject.userId ?? 'user-1', name: 'user', domain: { id: 'default', name: 'Default' } },
        ...(subject.projectId ? { project: { id: subject.projectId, name: 'project', domain: { id: 'default', name: 'Default' } } } : {}),
        roles: (subject.roles ?? []).map((name, index) => ({ id: `role-${index}`, name })),
        expires_at: subject.expiresAt,
        issued_at: this.timestamp(this.now()),
      },
    });
  }

  private login(body: string, response: ServerResponse): void {
    this.logins += 1;
    const user = (JSON.parse(body || '{}') as { auth?: { identity?: { password?: { user?: { name?: string; password?: string } } } } })
      .auth?.identity?.password?.user;
    if (!user?.name || this.serviceUsers.get(user.name) !== user.password) {
      return send(response, 401, { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
    }
    this.issued += 1;
    const token = `service-token-${this.issued}`;
    this.serviceTokens.add(token);
    send(response, 201, { token: { expires_at: this.timestamp(this.now() + this.serviceTokenLifetimeMs) } }, { 'X-Subject-Token': token });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
