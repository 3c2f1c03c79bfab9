import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import { jose } from '../auth/jose.loader';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * An identity provider in miniature for tests: signs JWTs with its keys and serves their public
 * halves as a JWKS on a loopback port (`GET /jwks.json`). Keys can be rotated, and the endpoint
 * can fail or hang on demand. Counts the key-set fetches it serves.
 */
export class LocalJwksServer {
  /** Every key made, published or not, so that tests can sign with retired or unknown keys. */
  private readonly all = new Map<string, SigningKey>();
  /** `kid`s published in the JWKS; the last one signs by default. */
  private published: string[] = [];
  mode: 'normal' | 'error' | 'hang' = 'normal';
  fetches = 0;
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      if (this.mode === 'hang') return;
      if (request.url !== '/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      this.fetches += 1;
      if (this.mode === 'error') {
        response.writeHead(503, { 'Content-Type': 'text/plain' }).end('down for maintenance');
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/jwk-set+json' });
      response.end(JSON.stringify({ keys: this.published.map((kid) => this.all.get(kid)!.publicJwk) }));
    });
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    if (this.published.length === 0) await this.addKey();
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Makes a key and, unless `publish` is false, publishes it (it then signs by default).
   * Returns its `kid`.
   */
  async addKey(alg = 'RS256', publish = true): Promise<string> {
    const kid = randomUUID();
    const { privateKey, publicKey } = await jose().generateKeyPair(alg, { extractable: true });
    this.all.set(kid, { kid, alg, privateKey, publicJwk: { ...(await jose().exportJWK(publicKey)), kid, alg, use: 'sig' } });
    if (publish) this.published.push(kid);
    return kid;
  }

  /** Rotation: a new key replaces every published one. Returns the new `kid`. */
  async rotate(): Promise<string> {
    const kid = await this.addKey();
    this.published = [kid];
    return kid;
  }

  get currentKid(): string {
    return this.published[this.published.length - 1];
  }

  /**
   * A JWT with `claims`, signed by the key `kid` (default: the newest published). `exp` defaults to an hour
   * from now; pass `exp`, `nbf`, `iss`, `aud` as epoch seconds or strings in `claims` to override.
   */
  async sign(claims: JWTPayload, kid = this.currentKid): Promise<string> {
    const key = this.all.get(kid);
    if (!key) throw new Error(`No published key ${kid}.`);
    const now = Math.floor(Date.now() / 1000);
    return new (jose().SignJWT)({ iat: now, exp: now + 3600, ...claims }).setProtectedHeader({ alg: key.alg, kid }).sign(key.privateKey);
  }
}
