import { PublicAddress, StaticTokenEntry, TrustProxy } from '../../libs/backup-sharing/src';
import { DEMO_TOKENS } from './demo-tokens';
import { JwtAuthConfig, KeystoneAuthConfig, parseJwtAuth, parseKeystoneAuth } from './identity.config';
import { EdgeConfig, loadEdgeConfig } from './edge.config';
import { SqliteDurability } from '../database/sqlite-pragmas';
import { TelemetryConfig, loadTelemetryConfig } from './telemetry.config';

export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

export type DatabaseConfig =
  | { type: 'sqlite'; path: string; durability: SqliteDurability }
  | { type: 'mysql'; url: string; database: string }
  | { type: 'postgres'; url: string; database: string };

export interface HostConfig {
  host: string;
  port: number;
  /** The HTTP server under Nest (`HTTP_ADAPTER`): Express (the default) or Fastify. */
  httpAdapter: HttpAdapterName;
  production: boolean;
  database: DatabaseConfig;
  migrate: boolean;
  demoSeed: boolean;
  /** With the demo seed: one sharing of the `app-shared` backup with the recipient project (`DEMO_SEED_SHARING`). */
  demoSeedSharing: boolean;
  auth: { strategy: 'static'; tokens: Record<string, StaticTokenEntry>; demoTokens: boolean } | KeystoneAuthConfig | JwtAuthConfig;
  /** The role that acts for any project (AUTH_ADMIN_ROLE). */
  adminRole: string;
  maxSharesPerBackup: number;
  /** Body and request-time limits, database time limits, cancel-all switch, log format. */
  edge: EdgeConfig;
  /**
   * The start of absolute links (`PUBLIC_BASE_URL`; else the address the server listens on) and
   * the proxies whose forwarded headers may set it instead (`TRUST_PROXY`).
   */
  publicAddress: { publicBaseUrl?: string; trustProxy: TrustProxy };
  /** Outbox delivery in this instance (EVENTS_DISPATCH, EVENTS_POLL_INTERVAL_MS, EVENTS_LEASE_MS). */
  events: { dispatch: boolean; pollIntervalMs: number; leaseMs: number };
  /** Metrics at `/metrics` (METRICS_ENABLED) and traces (OTEL_*): docs/observability.md. */
  telemetry: TelemetryConfig;
}

/** A configuration error: the host refuses to start and prints this message. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DEFAULT_DATABASE_URL = 'sqlite:data/block-storage.sqlite';

/** Reads and validates the environment once, at start (the variables of host-contract.md). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  const production = env.NODE_ENV === 'production';
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65535),
    httpAdapter: httpAdapter(env.HTTP_ADAPTER),
    production,
    database: parseDatabaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL, sqliteDurability(env)),
    migrate: boolean(env, 'DB_MIGRATE', true),
    demoSeed: boolean(env, 'DEMO_SEED', !production),
    demoSeedSharing: boolean(env, 'DEMO_SEED_SHARING', true),
    auth: parseAuth(env, production),
    adminRole: env.AUTH_ADMIN_ROLE || 'admin',
    maxSharesPerBackup: integer(env, 'MAX_SHARES_PER_BACKUP', 10, 1, 1000),
    edge: loadEdgeConfig(
      env,
      (name, fallback, min, max) => integer(env, name, fallback, min, max),
      (name, fallback) => boolean(env, name, fallback),
    ),
    publicAddress: parsePublicAddress(env),
    events: {
      dispatch: boolean(env, 'EVENTS_DISPATCH', true),
      pollIntervalMs: integer(env, 'EVENTS_POLL_INTERVAL_MS', 1000, 10, 3600_000),
      leaseMs: integer(env, 'EVENTS_LEASE_MS', 30_000, 100, 3600_000),
    },
    telemetry: loadTelemetryConfig(env, production, (name, fallback) => boolean(env, name, fallback)),
  };
}

function httpAdapter(raw: string | undefined): HttpAdapterName {
  const name = (raw || 'express').toLowerCase();
  if (!(HTTP_ADAPTERS as readonly string[]).includes(name)) {
    throw new ConfigError(`HTTP_ADAPTER must be express or fastify, not "${raw}".`);
  }
  return name as HttpAdapterName;
}

/** `SQLITE_JOURNAL_MODE` (`wal`, `delete`) and `SQLITE_SYNCHRONOUS` (`normal`, `full`). */
function sqliteDurability(env: NodeJS.ProcessEnv): SqliteDurability {
  const journalMode = (env.SQLITE_JOURNAL_MODE || 'wal').toLowerCase();
  const synchronous = (env.SQLITE_SYNCHRONOUS || 'normal').toLowerCase();
  if (journalMode !== 'wal' && journalMode !== 'delete') {
    throw new ConfigError(`SQLITE_JOURNAL_MODE must be wal or delete, not "${env.SQLITE_JOURNAL_MODE}".`);
  }
  if (synchronous !== 'normal' && synchronous !== 'full') {
    throw new ConfigError(`SQLITE_SYNCHRONOUS must be normal or full, not "${env.SQLITE_SYNCHRONOUS}".`);
  }
  return { journalMode, synchronous };
}

export function parseDatabaseUrl(url: string, durability: SqliteDurability = { journalMode: 'wal', synchronous: 'normal' }): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (!path) throw new ConfigError('DATABASE_URL "sqlite:" needs a file path or ":memory:", e.g. sqlite:data/block-storage.sqlite.');
    return { type: 'sqlite', path, durability };
  }
  const scheme = /^([a-z]+):\/\//.exec(url)?.[1];
  const type = scheme === 'mysql' ? 'mysql' : scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : undefined;
  if (type) {
    const shape = `${scheme}://<user>:<password>@<host>:<port>/<database>`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`DATABASE_URL is not a valid URL: use ${shape}.`);
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!database) throw new ConfigError(`DATABASE_URL must name a database: ${shape}.`);
    return { type, url, database };
  }
  throw new ConfigError('DATABASE_URL must start with sqlite:, mysql://, postgres:// or postgresql:// (see the README).');
}

/**
 * `PUBLIC_BASE_URL`: an http(s) URL, optionally with a path prefix. `TRUST_PROXY`: unset or
 * `false` (forwarded headers ignored), `true` (every peer is a proxy: only when nothing else can
 * reach the host), or a comma-separated list of addresses, CIDR ranges and `loopback`,
 * `linklocal`, `uniquelocal`.
 */
function parsePublicAddress(env: NodeJS.ProcessEnv): HostConfig['publicAddress'] {
  const publicBaseUrl = env.PUBLIC_BASE_URL || undefined;
  const raw = (env.TRUST_PROXY ?? '').trim();
  const trustProxy: TrustProxy = raw === '' || /^false$/i.test(raw) ? false : /^true$/i.test(raw) ? true : raw;
  try {
    new PublicAddress({ publicBaseUrl, trustProxy });
  } catch (error) {
    throw new ConfigError(`PUBLIC_BASE_URL or TRUST_PROXY: ${(error as Error).message}`);
  }
  return { publicBaseUrl, trustProxy };
}

function parseAuth(env: NodeJS.ProcessEnv, production: boolean): HostConfig['auth'] {
  const strategy = env.AUTH_STRATEGY || 'static';
  if (strategy === 'keystone') return parseKeystoneAuth(env);
  if (strategy === 'jwt') return parseJwtAuth(env);
  if (strategy !== 'static') {
    throw new ConfigError(`AUTH_STRATEGY must be static, keystone or jwt, not "${strategy}".`);
  }
  if (!env.AUTH_STATIC_TOKENS) {
    if (production) {
      throw new ConfigError(
        'NODE_ENV=production with AUTH_STRATEGY=static needs AUTH_STATIC_TOKENS: the built-in demo tokens are for trials only.',
      );
    }
    return { strategy, tokens: DEMO_TOKENS, demoTokens: true };
  }
  return { strategy, tokens: parseStaticTokens(env.AUTH_STATIC_TOKENS), demoTokens: false };
}

function parseStaticTokens(json: string): Record<string, StaticTokenEntry> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConfigError('AUTH_STATIC_TOKENS is not valid JSON: use {"<token>": {"project_id": "...", "roles": ["member"]}}.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('AUTH_STATIC_TOKENS must be a JSON object of token -> {"project_id", "roles"}.');
  }
  for (const [token, entry] of Object.entries(value)) {
    const e = entry as Partial<StaticTokenEntry> | null;
    const rolesOk = e?.roles === undefined || (Array.isArray(e.roles) && e.roles.every((r) => typeof r === 'string'));
    if (!token || typeof e?.project_id !== 'string' || !e.project_id || !rolesOk) {
      throw new ConfigError(`AUTH_STATIC_TOKENS entry "${token}" needs a "project_id" string and optional "roles" strings.`);
    }
  }
  return value as Record<string, StaticTokenEntry>;
}

export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, not "${env[name]}".`);
}
