import { createHash } from 'node:crypto';
import { Identity } from './token-verifier.port';
import { telemetry } from '../telemetry/backup-sharing.telemetry';

export interface VerifiedTokenCacheOptions {
  /** Upper bound on how long a valid result is reused, even when the token lives longer. */
  ttlMs: number;
  /** How long an invalid result is reused: short, so that a token issued late is soon accepted. */
  invalidTtlMs: number;
  /** Most entries kept; the oldest go first. */
  maxEntries: number;
  now: () => number;
}

interface Entry {
  identity: Identity | undefined;
  until: number;
}

/**
 * Results of token verification, keyed by a digest of the token (the cache never holds a usable
 * token). A valid result is reused until the token expires or the TTL ends, whichever is first;
 * an invalid one briefly. Concurrent lookups of one token share one verification. Failures of
 * the identity service are not cached: the next request asks again.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Identity | undefined>>();

  constructor(private readonly options: VerifiedTokenCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  lookup(token: string, verify: () => Promise<Identity | undefined>): Promise<Identity | undefined> {
    const key = createHash('sha256').update(token).digest('base64url');
    const entry = this.entries.get(key);
    if (entry && entry.until > this.options.now()) {
      telemetry.tokenCacheLookup(true);
      return Promise.resolve(entry.identity);
    }
    if (entry) this.entries.delete(key);

    // Joining a verification already on its way asks the identity service nothing more: a hit.
    const pending = this.inFlight.get(key);
    telemetry.tokenCacheLookup(pending !== undefined);
    if (pending) return pending;
    const verification = verify()
      .then((identity) => {
        const frozen = identity && Object.freeze({ ...identity, roles: Object.freeze([...identity.roles]) as string[] });
        this.store(key, frozen);
        return frozen;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, verification);
    return verification;
  }

  private store(key: string, identity: Identity | undefined): void {
    const now = this.options.now();
    const until = identity
      ? Math.min(now + this.options.ttlMs, identity.expiresAt?.getTime() ?? Infinity)
      : now + this.options.invalidTtlMs;
    if (until <= now || this.options.maxEntries < 1) return;
    if (this.entries.size >= this.options.maxEntries) this.evict(now);
    this.entries.set(key, { identity, until });
  }

  /** Drops what has expired; when everything is still live, the oldest entry (Map order). */
  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.until <= now) this.entries.delete(key);
    }
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
