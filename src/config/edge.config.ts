import { ConfigError } from './host.config';

/** Limits of the host's HTTP edge and of its database calls, from the environment. */
export interface EdgeConfig {
  /** Largest JSON body accepted (`BODY_LIMIT`); larger ones get 413. */
  bodyLimitBytes: number;
  /** Time a client has to send a whole request, headers and body (`REQUEST_TIMEOUT_MS`); then 408. */
  requestTimeoutMs: number;
  /**
   * MySQL: time to get a pooled connection, connecting included (`DB_CONNECT_TIMEOUT_MS`); then
   * 503. 0 lifts the wait for a free connection; a connect still gives up after mysql2's 10 s.
   */
  dbConnectTimeoutMs: number;
  /**
   * MySQL: time limit of one statement (`DB_STATEMENT_TIMEOUT_MS`), enforced by the server and, a
   * little later, by the driver for a server that stopped answering; then 504. 0 turns it off.
   * Migrations at start run under it too: raise it (or migrate apart, DB_MIGRATE=false) for long ones.
   */
  dbStatementTimeoutMs: number;
  /** Serve cancel-all (`CANCEL_ALL_ENABLED`); when off it answers 501. */
  cancelAllEnabled: boolean;
  /**
   * `LOG_FORMAT`: `text` (Nest's human format) or `json` (one JSON object per line). Unset: text
   * when stdout is a terminal (a person reads it), JSON otherwise (a collector parses it).
   */
  logFormat: 'json' | 'text';
  /** `LOG_LEVEL`: the lowest level written; `debug` adds Nest's module and route-mapping lines. */
  logLevel: HostLogLevel;
}

/** Nest's levels, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type HostLogLevel = (typeof LOG_LEVELS)[number];

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2 };

/** `65536`, `64kb`, `64KiB`, `1mb` -> bytes. */
export function parseByteSize(name: string, raw: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = match ? BYTE_UNITS[match[2].toLowerCase()] : undefined;
  const bytes = match && unit !== undefined ? Number(match[1]) * unit : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > 100 * 1024 ** 2) {
    throw new ConfigError(`${name} must be a size from 1 byte to 100mb, e.g. 65536, 64kb or 1mb, not "${raw}".`);
  }
  return bytes;
}

export function loadEdgeConfig(
  env: NodeJS.ProcessEnv,
  integer: (name: string, fallback: number, min: number, max: number) => number,
  boolean: (name: string, fallback: boolean) => boolean,
  stdoutIsTerminal = process.stdout.isTTY === true,
): EdgeConfig {
  const logFormat = (env.LOG_FORMAT || (stdoutIsTerminal ? 'text' : 'json')).toLowerCase();
  if (logFormat !== 'json' && logFormat !== 'text') {
    throw new ConfigError(`LOG_FORMAT must be json or text, not "${env.LOG_FORMAT}".`);
  }
  const logLevel = (env.LOG_LEVEL || 'log').toLowerCase() as HostLogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${env.LOG_LEVEL}".`);
  }
  return {
    bodyLimitBytes: env.BODY_LIMIT ? parseByteSize('BODY_LIMIT', env.BODY_LIMIT) : 64 * 1024,
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
    dbConnectTimeoutMs: integer('DB_CONNECT_TIMEOUT_MS', 5_000, 0, 600_000),
    // Above the 10 s a change waits for another change of the same backup (then 409).
    dbStatementTimeoutMs: integer('DB_STATEMENT_TIMEOUT_MS', 15_000, 0, 3_600_000),
    cancelAllEnabled: boolean('CANCEL_ALL_ENABLED', true),
    logFormat,
    logLevel,
  };
}
