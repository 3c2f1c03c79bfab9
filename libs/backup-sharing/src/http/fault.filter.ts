import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BackupSharingError, BackupSharingErrorKind, NotAuthenticatedError } from '../backup-sharing.errors';
import { echoInput } from '../dto/input-echo';
import { translateDatabaseError } from '../persistence/database-errors';
import { bodyFaultOf } from './body-faults';
import { REQUEST_ID_HEADER, assignRequestId, requestIdOf } from './request-id.middleware';

/** Cinder's fault names, by HTTP status. */
export const FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  406: 'notAcceptable',
  407: 'proxyAuthenticationRequired',
  408: 'requestTimeout',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  500: 'computeFault',
  501: 'notImplemented',
  502: 'badGateway',
  503: 'serviceUnavailable',
  504: 'gatewayTimeout',
};

const STATUS_BY_KIND: Readonly<Record<BackupSharingErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  disabled: 501,
  'upstream-failed': 502,
  unavailable: 503,
  timeout: 504,
};

/** Error codes of faults that do not come from a domain error (routing, body parsing, ...). */
const HTTP_ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'BackupSharing.InvalidRequest',
  404: 'BackupSharing.ResourceNotFound',
  405: 'BackupSharing.MethodNotAllowed',
  406: 'BackupSharing.NotAcceptable',
  408: 'BackupSharing.RequestTimeout',
  413: 'BackupSharing.RequestTooLarge',
  415: 'BackupSharing.UnsupportedMediaType',
};

const INTERNAL_MESSAGE =
  'The server has either erred or is incapable of performing the requested operation.';

export interface Fault {
  status: number;
  body: Record<string, { code: number; message: string; error_code: string }>;
  headers: Record<string, string>;
}

/** Builds the Cinder fault answer for any thrown value; unknown errors become a bare 500. */
export function toFault(exception: unknown): Fault {
  const headers: Record<string, string> = {};
  let status: number;
  let message: string;
  let code: string;
  if (exception instanceof BackupSharingError) {
    status = STATUS_BY_KIND[exception.kind];
    message = exception.message;
    code = exception.code;
    if (exception instanceof NotAuthenticatedError && exception.challenge) {
      headers['WWW-Authenticate'] = exception.challenge;
    }
  } else if (exception instanceof HttpException && exception.getStatus() < 500) {
    status = exception.getStatus();
    message = httpExceptionMessage(exception);
    code = HTTP_ERROR_CODES[status] ?? 'BackupSharing.RequestFailed';
  } else if (bodyFaultOf(exception)) {
    // body-parser's (Express) and Fastify's errors for a body they could not take.
    ({ status, message } = bodyFaultOf(exception)!);
    code = HTTP_ERROR_CODES[status];
  } else if (isClientErrorFromMiddleware(exception)) {
    // Other middleware throw plain errors that carry a 4xx status; their words may echo input.
    status = exception.status ?? exception.statusCode!;
    message = CLIENT_ERROR_MESSAGES[status] ?? 'The request cannot be served as sent.';
    code = HTTP_ERROR_CODES[status] ?? 'BackupSharing.RequestFailed';
  } else {
    // A database outage that no repository translated (a host's own route, say) is still a 503/504.
    const translated = translateDatabaseError(exception);
    if (translated !== exception) return toFault(translated);
    status = 500;
    message = INTERNAL_MESSAGE;
    code = 'BackupSharing.InternalError';
  }
  const name = FAULT_NAMES[status] ?? (status < 500 ? 'badRequest' : 'computeFault');
  return { status, body: { [name]: { code: status, message, error_code: code } }, headers };
}

/** Messages for plain 4xx errors of middleware, which say nothing a client could act on. */
const CLIENT_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  400: 'The request is not valid.',
  404: 'The resource could not be found.',
  413: 'The request body is larger than this service accepts.',
  415: 'The request body must be application/json.',
};

/** Nest's answer to a path no route serves: `Cannot GET /the/whole/url?and=query`. */
const ROUTE_MISS = /^Cannot ([A-Z]+) (.*)$/s;

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  const routeMiss = exception instanceof NotFoundException ? ROUTE_MISS.exec(exception.message) : null;
  // The path only (the query is not part of what is missing), and cut: a client's input.
  if (routeMiss) return `No route serves ${routeMiss[1]} ${echoInput(routeMiss[2].split(/[?#]/)[0])}.`;
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function isClientErrorFromMiddleware(error: unknown): error is { status?: number; statusCode?: number } {
  const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && value >= 400 && value < 500;
}

/**
 * Turns anything thrown while serving a request into the Cinder fault shape, with the request ID.
 * The module binds it to its own controller; a host may also use it as its global filter so that
 * its own routes and unknown paths answer in the same shape. Works on Express and Fastify.
 */
@Catch()
@Injectable()
export class FaultFilter implements ExceptionFilter {
  private readonly logger = new Logger('BackupSharing');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    const adapter = this.adapterHost.httpAdapter;
    const fault = toFault(exception);
    const requestId = requestIdOf(request) ?? assignRequestId(request, rawResponse(response));
    if (fault.status >= 500) {
      // The cause (driver errors included) goes to the log only, with the request ID; never a header.
      this.logger.error(
        { request_id: requestId, method: request?.method, path: pathOf(request), status: fault.status, cause: describe(exception) },
        exception instanceof Error ? exception.stack : undefined,
      );
    }
    // The answer is under way already (the connection broke mid-answer): nothing more can be sent.
    if (adapter.isHeadersSent(response)) return;
    for (const [name, value] of Object.entries({ ...fault.headers, [REQUEST_ID_HEADER]: requestId })) {
      adapter.setHeader(response, name, value);
    }
    adapter.reply(response, fault.body, fault.status);
  }
}

function rawResponse(response: { raw?: unknown; setHeader?: unknown }): { setHeader(name: string, value: string): unknown } {
  return (typeof response.setHeader === 'function' ? response : response.raw) as {
    setHeader(name: string, value: string): unknown;
  };
}

/** The error and its causes, e.g. `DatabaseUnavailableError: ... <- Error: connect ECONNREFUSED ...`. */
function describe(exception: unknown): string {
  const chain: string[] = [];
  for (let error = exception; error !== undefined && chain.length < 5; error = (error as { cause?: unknown }).cause) {
    chain.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    if (!(error instanceof Error)) break;
  }
  return chain.join(' <- ');
}

function pathOf(request: { originalUrl?: string; url?: string } | undefined): string | undefined {
  return (request?.originalUrl ?? request?.url)?.split(/[?#]/)[0];
}
