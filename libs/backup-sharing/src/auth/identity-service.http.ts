import { Logger } from '@nestjs/common';
import { IdentityServiceFailedError, IdentityServiceTimeoutError } from '../backup-sharing.errors';

export interface IdentityServiceAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; `undefined` when there is none or it is not JSON. */
  body: unknown;
}

const logger = new Logger('BackupSharingIdentity');

/**
 * One HTTP call to an identity service, within `timeoutMs` for the whole exchange (body
 * included). An unreachable or slow service becomes a 502 or 504 domain error whose message
 * says nothing of internal addresses; the detail goes to the log.
 */
export async function callIdentityService(
  service: string,
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<IdentityServiceAnswer> {
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJson(text) };
  } catch (error) {
    throw identityServiceError(service, `${init.method} ${withoutQuery(url)}`, error, timeoutMs);
  }
}

/** Maps a failed call to the 504 (time limit) or 502 (anything else) domain error, and logs it. */
export function identityServiceError(service: string, what: string, error: unknown, timeoutMs: number): Error {
  if (isTimeout(error)) {
    logger.warn(`${service}: ${what} took longer than ${timeoutMs} ms`);
    return new IdentityServiceTimeoutError(`The identity service (${service}) did not answer in time; try again later.`);
  }
  logger.warn(`${service}: ${what} failed: ${describe(error)}`);
  return identityServiceFailed(service);
}

export function identityServiceFailed(service: string, detail?: string): IdentityServiceFailedError {
  if (detail) logger.warn(`${service}: ${detail}`);
  return new IdentityServiceFailedError(`The identity service (${service}) failed; the token could not be checked. Try again later.`);
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || (error as { code?: unknown } | null)?.code === 'ERR_JWKS_TIMEOUT';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withoutQuery(url: string): string {
  return url.split('?')[0];
}
