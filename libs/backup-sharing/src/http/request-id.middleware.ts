import { Injectable, NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'X-Openstack-Request-Id';
const REQUEST_ID = Symbol.for('backup-sharing.request-id');

interface RawRequest {
  [REQUEST_ID]?: string;
  raw?: RawRequest;
}
interface RawResponse {
  setHeader(name: string, value: string): unknown;
}

/** The request ID of a request (Express request, Fastify request or raw Node request). */
export function requestIdOf(request: unknown): string | undefined {
  const req = request as RawRequest | undefined;
  return req?.[REQUEST_ID] ?? req?.raw?.[REQUEST_ID];
}

/**
 * Gives every request an OpenStack-style ID (`req-<uuid>`) and returns it in
 * `X-Openstack-Request-Id`. Idempotent: a host that already applied it globally keeps its ID.
 * An ID sent by the client is not reused, so that log lines cannot be forged or merged.
 */
export function assignRequestId(request: unknown, response: RawResponse): string {
  const req = request as RawRequest;
  const existing = requestIdOf(req);
  if (existing) return existing;
  const id = `req-${randomUUID()}`;
  req[REQUEST_ID] = id;
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  use(request: unknown, response: RawResponse, next: () => void): void {
    assignRequestId(request, response);
    next();
  }
}
