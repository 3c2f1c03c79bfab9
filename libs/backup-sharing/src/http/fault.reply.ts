import { Fault } from './fault.filter';
import { REQUEST_ID_HEADER, assignRequestId, requestIdOf } from './request-id.middleware';

/** The raw Node response under Express's and Fastify's middleware arguments. */
export interface RawResponse {
  statusCode: number;
  headersSent?: boolean;
  setHeader(name: string, value: string | number): unknown;
  end(body?: string): unknown;
}

/**
 * Answers a fault straight from a middleware, before any route handler or exception filter runs:
 * the same body and headers `FaultFilter` writes, on Express and on Fastify, whether or not the
 * host uses `FaultFilter` as its global filter.
 */
export function replyWithFault(request: unknown, response: RawResponse, fault: Fault): void {
  if (response.headersSent) return;
  const requestId = requestIdOf(request) ?? assignRequestId(request, response);
  const body = JSON.stringify(fault.body);
  response.statusCode = fault.status;
  for (const [name, value] of Object.entries({ ...fault.headers, [REQUEST_ID_HEADER]: requestId })) {
    response.setHeader(name, value);
  }
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
}
