import { BadRequestException, DynamicModule, HttpException, INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { IncomingMessage, ServerResponse } from 'node:http';
import { replyWithFault, toFault } from '../../libs/backup-sharing/src';
import { HostConfig } from '../config/host.config';

type NestLogger = false | LogLevel[] | LoggerService | undefined;

/** What a Fastify framework error carries (`FST_ERR_*`, with the status it would answer). */
interface FastifyFrameworkError extends Error {
  code?: string;
  statusCode?: number;
}

/**
 * Messages of body-parser's errors, which the fault filter already turns into readable faults:
 * Fastify's own parser errors are given the same shape, so that both adapters answer alike.
 */
const BODY_PARSER_SHAPES: Readonly<Record<string, { status: number; message: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, message: 'request entity too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, message: 'request size did not match content length' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, message: 'invalid json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, message: 'invalid json' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, message: 'The request body must be application/json.' },
};

/**
 * An error Fastify raised before the route (while reading or parsing the body) as body-parser
 * would raise it; anything else as it is.
 */
export function asBodyParserError(error: unknown): unknown {
  // Duck-typed: errors of Node's own streams may come from another realm (a test sandbox, say).
  const fastifyError = error as FastifyFrameworkError | null;
  if (error instanceof HttpException || typeof fastifyError?.message !== 'string') return error;
  const shape = fastifyError.code ? BODY_PARSER_SHAPES[fastifyError.code] : undefined;
  if (shape) return Object.assign(new Error(shape.message), { status: shape.status, cause: error });
  const status = fastifyError.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return error;
  // The JSON parser's SyntaxError: not valid JSON, whatever the detail. A client that went away
  // while sending the body (after a 408 from the edge, say) is no failure of the server.
  const message =
    fastifyError.name === 'SyntaxError' ? 'invalid json' : fastifyError.message === 'aborted' ? 'request aborted' : fastifyError.message;
  return Object.assign(new Error(message), { status, cause: error });
}

/** body-parser's rule: JSON in a UTF charset only (415 otherwise), as the Express host has it. */
function unsupportedCharset(contentType: string | undefined): Error | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  if (charset === undefined || /^utf-/i.test(charset)) return undefined;
  return Object.assign(new Error(`unsupported charset "${charset.toUpperCase()}"`), { status: 415 });
}

/**
 * Fastify under Nest, with the limits and answers of the host's Express edge:
 * - JSON bodies only (no text/plain parser), up to `BODY_LIMIT`; an empty body with a JSON
 *   `Content-Type` (a DELETE from some clients) is no body, as on Express, not a 400;
 * - paths match whatever their case and with a trailing slash, as Express routes do;
 * - parser errors reach the fault filter in body-parser's shape (413, 400 not valid JSON);
 * - the server's `clientError` answers (400, 408, 413 before a route) stay with `http-edge.ts`.
 */
class HostFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(handler: Parameters<FastifyAdapter['setErrorHandler']>[0]) {
    return super.setErrorHandler(function (this: unknown, error, request, reply) {
      return (handler as (...args: unknown[]) => unknown).call(this, asBodyParserError(error), request, reply);
    } as typeof handler);
  }
}

async function createFastifyApp(module: DynamicModule, config: HostConfig, logger: NestLogger): Promise<NestFastifyApplication> {
  const adapter = new HostFastifyAdapter({
    bodyLimit: config.edge.bodyLimitBytes,
    // Express bounds neither a path parameter's length nor its case; Node's header limit bounds the URL.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    // `configureHttpEdge` answers the server's client errors itself; Fastify must not answer too.
    clientErrorHandler: () => undefined,
    // During a graceful shutdown a request that arrives on an open connection is served, as on
    // Express, not answered 503 by Fastify.
    return503OnClosing: false,
    // A URL the router cannot decode ('%', '%FF'): a 400 in the fault shape, as on Express.
    frameworkErrors: (error: Error, request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }) => {
      reply.hijack();
      replyWithFault(request.raw, reply.raw, toFault(new BadRequestException(error.message)));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { logger, bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const charsetError = unsupportedCharset(request.headers['content-type']);
    if (charsetError) return done(charsetError, undefined);
    if (body === '') return done(null, undefined);
    parseJson(request, body as string, done);
  });
  return app;
}

/**
 * The Nest application of the host on the adapter `HTTP_ADAPTER` names. Express gets its JSON
 * parser from `useJsonBodyParser`, after the request log middleware, so that a body it refuses
 * is still logged; Fastify parses bodies after every middleware anyway.
 */
export async function createNestApp(module: DynamicModule, config: HostConfig, logger: NestLogger): Promise<INestApplication> {
  if (config.httpAdapter === 'fastify') return createFastifyApp(module, config, logger);
  // The default parsers would also read urlencoded bodies and allow 100 KiB: JSON only, with our limit.
  const app = await NestFactory.create<NestExpressApplication>(module, { logger, bodyParser: false });
  // No ETag (Express hashes every answer for it, a page of 100 sharings included, and no client
  // of this API sends If-None-Match) and no X-Powered-By: the headers Fastify answers with.
  app.set('etag', false);
  app.disable('x-powered-by');
  return app;
}

/** Express: the JSON body parser with the host's limit (Fastify's is set up in `createNestApp`). */
export function useJsonBodyParser(app: INestApplication, config: HostConfig): void {
  if (config.httpAdapter === 'express') (app as NestExpressApplication).useBodyParser('json', { limit: config.edge.bodyLimitBytes });
}
