import {
  BadRequestException,
  HttpException,
  MethodNotAllowedException,
  PayloadTooLargeException,
  RequestTimeoutException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, STATUS_CODES, Server, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import {
  REQUEST_ID_HEADER,
  assignRequestId,
  hostHeaderFault,
  queryStringFault,
  replyWithFault,
  requestIdOf,
  searchOf,
  toFault,
} from '../../libs/backup-sharing/src';
import { pathAndQueryOf } from '../../libs/backup-sharing/src';
import { ANSWERED_AT_EDGE, RequestLineLogger, RequestLogLine, pathOf, requestLogMiddleware } from './request-log.middleware';
import { HostTelemetry } from '../telemetry/host-telemetry';
import { requestBodyMiddleware } from './request-body';

/** What Node's HTTP server knows of a request it could not finish parsing or receiving. */
interface ClientError extends Error {
  code?: string;
  reason?: string;
}

/** A socket of Node's HTTP server, with the response in flight on it, if any. */
type ServerSocket = Duplex & { _httpMessage?: ServerResponse & { req?: IncomingMessage } };

/** How often Node looks for requests past their time: a fraction of the limit, 50 ms to 1 s. */
export function checkingIntervalFor(requestTimeoutMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(requestTimeoutMs / 10)));
}

/** The fault for a request Node's HTTP parser gave up on, before any route saw it. */
function faultForClientError(error: ClientError): HttpException {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new RequestTimeoutException('The request was not received in time: send the whole request, headers and body, at once.');
    case 'HPE_HEADER_OVERFLOW':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new PayloadTooLargeException('The request headers are larger than this service accepts.');
    default:
      return new BadRequestException(`The request is not valid HTTP/1.1${error.reason ? `: ${error.reason}` : ''}.`);
  }
}

/**
 * Writes a whole fault answer on a raw socket and closes it once sent: the request was not (or
 * not completely) read, so the connection cannot carry another one.
 */
function answerOnSocket(socket: Duplex, exception: HttpException, requestId: string, extraHeaders: Record<string, string> = {}): number {
  const fault = toFault(exception);
  const body = JSON.stringify(fault.body);
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    [REQUEST_ID_HEADER]: requestId,
    ...fault.headers,
    ...extraHeaders,
  };
  const head = [`HTTP/1.1 ${fault.status} ${STATUS_CODES[fault.status]}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
  return fault.status;
}

/**
 * The host's HTTP server limits and its answers to requests that never reach a route, each in the
 * fault shape with a request ID and a log line:
 * - a client that does not send the whole request within `requestTimeoutMs` (headers or body):
 *   408 `requestTimeout` (Node's `requestTimeout`/`headersTimeout`, checked often enough to answer
 *   close to the limit);
 * - a request Node cannot parse: 400; headers above Node's limit: 413;
 * - `CONNECT` (a proxy request): 405;
 * - before either adapter sees a request (`guardRequests`): its server span (trace ID), ID and
 *   log line, then the 400s of `requestHeadFault`, an absolute-form target turned into its path,
 *   and the body read and parsed (`requestBodyMiddleware`: 400, 413, 415).
 */
export function configureHttpEdge(
  server: Server,
  limits: { requestTimeoutMs: number; bodyLimitBytes: number },
  logger: RequestLineLogger,
  telemetry: HostTelemetry,
): void {
  guardRequests(server, logger, telemetry, requestBodyMiddleware(limits.bodyLimitBytes));
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = limits.requestTimeoutMs;
  // Read by Node when the server starts listening (Node 18.14+), so it must be set before `listen`.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = checkingIntervalFor(limits.requestTimeoutMs);

  // Node would answer these itself, outside the fault shape: a missing Host with a bare 400 (the
  // middleware below answers it instead), an `Expect` other than 100-continue with 417 (not one of
  // our statuses; RFC 9110 lets a server ignore it, and so the request is served as it is).
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => server.emit('request', request, response));

  server.on('clientError', (error: ClientError, socket: ServerSocket) => {
    const inFlight = socket._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    // A request whose headers were read already has an ID (and a log line waiting): keep both.
    const request = inFlight?.req;
    const requestId = requestIdOf(request) ?? `req-${randomUUID()}`;
    if (inFlight) (inFlight as unknown as Record<symbol, unknown>)[ANSWERED_AT_EDGE] = true;
    const status = answerOnSocket(socket, faultForClientError(error), requestId);
    const line: RequestLogLine & { error: string } = {
      request_id: requestId,
      method: request?.method ?? null,
      path: request ? pathOf(request.url) : null,
      status,
      duration_ms: null,
      error: error.code ?? error.message,
    };
    const traceId = telemetry.traceIdOf(request);
    if (traceId) line.trace_id = traceId;
    logger.log(line);
  });

  server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    const requestId = assignRequestId(request, { setHeader: () => undefined });
    const status = answerOnSocket(socket, new MethodNotAllowedException('CONNECT is not served: this is not a proxy.'), requestId, {
      Allow: 'GET, HEAD, POST, DELETE',
    });
    const line: RequestLogLine = { request_id: requestId, method: 'CONNECT', path: null, status, duration_ms: null };
    const traceId = telemetry.answeredOnSocket(request, status);
    if (traceId) line.trace_id = traceId;
    logger.log(line);
  });
}

/** The message of a path with a broken percent-encoding, on Express and from Fastify's router alike. */
export const MALFORMED_PATH_MESSAGE = 'The request path is not valid: each "%" must begin a percent-encoded UTF-8 byte (%XX).';

/**
 * Runs in front of the adapter's own handler on Node's `request` event, so that Express and
 * Fastify (whose router runs before any middleware, and whose middleware skip a target that is
 * not a path) get the same requests: every request gets its server span (and so its trace ID),
 * is logged and given its ID here, and those `requestHeadFault` refuses never reach an adapter.
 */
function guardRequests(
  server: Server,
  logger: RequestLineLogger,
  telemetry: HostTelemetry,
  readBody: (request: IncomingMessage, response: ServerResponse, next: () => void) => void,
): void {
  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  const log = requestLogMiddleware(logger, (request) => telemetry.traceIdOf(request));
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    telemetry.serve(request, response, () => {
      log(request, response, () => undefined);
      const fault = requestHeadFault(request);
      if (fault) return replyWithFault(request, response, toFault(fault));
      // `GET http://host/path` (which a server must accept): the authority is the client's word.
      if (request.url && request.url[0] !== '/') request.url = pathAndQueryOf(request.url);
      if (request.url?.includes('%')) request.url = withUnreservedDecoded(request.url);
      // The body here rather than in a middleware of the adapter: a middleware layer costs every
      // request (Fastify's and Express's dispatch, Nest's proxy) more than the check for a body.
      readBody(request, response, () => {
        for (const handler of handlers) handler.call(server, request, response);
      });
    });
  });
}

/**
 * What every request must get right before anything reads it, answered 400 in the fault shape:
 * - the target is a path or an absolute URL (not `*`, nor `host:port` outside `CONNECT`);
 * - an HTTP/1.1 request needs a `Host` (RFC 9112, section 3.2), and any `Host` must be a plain
 *   `host[:port]` (no answer is built from it, but a bad one means a broken or hostile client);
 * - the path must decode (Express's router would say so in its own words, Fastify's in others);
 * - the query must not hold bracketed or repeated keys (`queryStringFault`).
 */
export function requestHeadFault(request: IncomingMessage): HttpException | undefined {
  const host = request.headers.host;
  const url = request.url ?? '/';
  if (!url.startsWith('/') && !/^https?:\/\/[^/?#]*(?:[/?#]|$)/i.test(url)) {
    return new BadRequestException('The request target must be a path (/v2/...) or an absolute http URL.');
  }
  if (host === undefined) {
    if (request.httpVersion === '1.1') return new BadRequestException('An HTTP/1.1 request needs a Host header.');
  } else {
    const invalid = hostHeaderFault(host);
    if (invalid) return invalid;
  }
  return pathFault(pathOf(pathAndQueryOf(url))) ?? queryStringFault(searchOf(url));
}

/**
 * The target with percent-encoded unreserved characters of its path decoded (RFC 3986, 6.2.2.2:
 * `/v2/p/%62ackups` is `/v2/p/backups`), so that both routers see one spelling: Fastify's decodes
 * before matching, Express's matches the raw path.
 */
function withUnreservedDecoded(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const decoded = path.replace(/%[0-9A-Fa-f]{2}/g, (escape) => {
    const char = String.fromCharCode(parseInt(escape.slice(1), 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : escape;
  });
  return decoded === path ? url : decoded + (queryAt === -1 ? '' : url.slice(queryAt));
}

function pathFault(path: string): BadRequestException | undefined {
  // Without a '%' there is nothing that could fail to decode.
  if (!path.includes('%')) return undefined;
  try {
    decodeURIComponent(path);
    return undefined;
  } catch {
    return new BadRequestException(MALFORMED_PATH_MESSAGE);
  }
}
