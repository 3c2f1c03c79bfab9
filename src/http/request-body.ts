import {
  BadRequestException,
  HttpException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import secureJson from 'secure-json-parse';
import { BODY_FAULT_MESSAGES as BODY_MESSAGES, isJsonContentType, replyWithFault, toFault } from '../../libs/backup-sharing/src';

/** Where the parsed body waits for Fastify's content-type parser (Express reads `request.body`). */
const PARSED_BODY = Symbol.for('block-storage.parsed-body');

type BodyRequest = IncomingMessage & { body?: unknown; [PARSED_BODY]?: unknown };

/** A body fault; those raised before the body was read to its end also close the connection. */
class BodyFault extends Error {
  constructor(
    readonly exception: HttpException,
    readonly unread: boolean,
  ) {
    super(exception.message);
  }
}

/** Whether a request carries a body: a length above 0, or chunked. */
function declaresBody(request: IncomingMessage): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

/** `charset=` of a Content-Type, lower case and unquoted, or `undefined`. */
function charsetOf(contentType: string): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType)?.[1]?.toLowerCase();
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON body as the API takes it: UTF-8 (a byte-order mark is skipped), JSON (RFC 8259), an
 * object at the top (every body of the API is one), and without prototype keys, which would turn
 * into the prototype of an object further down (`__proto__`) or shadow it (`constructor`): they
 * are refused rather than dropped, so that no adapter keeps what the other one drops.
 */
export function parseJsonBody(bytes: Buffer, contentType: string): unknown {
  const charset = charsetOf(contentType);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaTypeException(BODY_MESSAGES.charset);
  }
  if (bytes.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch {
    throw new BadRequestException(BODY_MESSAGES.malformed);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestException(BODY_MESSAGES.notObject);
  try {
    secureJson.scan(value, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new BadRequestException(BODY_MESSAGES.prototypeKeys);
  }
  return value;
}

/** Reads a body up to `limit` bytes; past it (declared or sent) a 413 before another byte is read. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw new BodyFault(new PayloadTooLargeException(BODY_MESSAGES.tooLarge), true);
  try {
    return await getRawBody(request, { limit, length: declared });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new BodyFault(new PayloadTooLargeException(BODY_MESSAGES.tooLarge), true);
    throw new BodyFault(new BadRequestException(BODY_MESSAGES.aborted), true);
  }
}

/**
 * The host's one body reader, for Express and Fastify alike (at the server's edge, before either
 * adapter sees the request, `configureHttpEdge`):
 * - a `Content-Length` above `limit` is answered 413 at once, before the body is read, and a
 *   chunked body is read only until it passes `limit`; after either fault the connection is
 *   closed, as the rest of the body is never read;
 * - a body with a JSON `Content-Type` is parsed by `parseJsonBody`; its faults (400, 415) are
 *   answered here, for every path and method, so that no adapter's parser answers in its words;
 * - bodies of other types are read (within the limit) and left to the routes' 415.
 * Express then finds the body in `request.body`; Fastify's content-type parser takes it from the
 * request (`parsedBodyOf`).
 */
export function requestBodyMiddleware(limit: number) {
  return (request: BodyRequest, response: ServerResponse, next: () => void): void => {
    if (!declaresBody(request)) return next();
    readBody(request, limit)
      .then((bytes) => {
        const contentType = request.headers['content-type'];
        const body = contentType !== undefined && isJsonContentType(contentType) ? parseJsonBody(bytes, contentType) : undefined;
        request.body = body;
        request[PARSED_BODY] = body;
        next();
      })
      .catch((error: unknown) => {
        const fault = toFault(error instanceof BodyFault ? error.exception : error);
        // The rest of the body is still on its way: close once the answer is out, unread.
        if (error instanceof BodyFault && error.unread) fault.headers.Connection = 'close';
        replyWithFault(request, response, fault);
      });
  };
}

/** The body `requestBodyMiddleware` parsed, for Fastify's content-type parser. */
export function parsedBodyOf(request: IncomingMessage): unknown {
  return (request as BodyRequest)[PARSED_BODY];
}
