import { BadRequestException, DynamicModule, INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { IncomingMessage, METHODS, ServerResponse } from 'node:http';
import { parseQueryString, replyWithFault, toFault } from '../../libs/backup-sharing/src';
import { HostConfig } from '../config/host.config';
import { MALFORMED_PATH_MESSAGE, requestHeadFault } from './http-edge';
import { parsedBodyOf } from './request-body';
import { RouteCase } from './route-case';

export interface NestAppOptions {
  logger: false | LogLevel[] | LoggerService | undefined;
  /**
   * `false`: a start that fails rejects to the caller instead of Nest logging it and ending the
   * process (a test that starts hosts reports the failure; Jest goes on).
   */
  abortOnError?: boolean;
}

/** The target of a request as the client sent it, where `RouteCase` spelled it otherwise for routing. */
const TARGET_AS_SENT = Symbol('targetAsSent');
type RewrittenRequest = IncomingMessage & { originalUrl?: string; [TARGET_AS_SENT]?: string };

/**
 * Fastify under Nest, answering as the Express host does:
 * - no body handling of its own: every method is declared bodyless (so Fastify never judges a
 *   Content-Type, nor answers 415 or a parse error in its own words); `requestBodyMiddleware`
 *   reads and parses every body first, and a `preValidation` hook hands the route what it parsed;
 * - the module's query parser (`parseQueryString`), as on Express;
 * - paths match whatever the case of their static segments and with a trailing slash, as Express
 *   routes do (`RouteCase`: find-my-way's own case folding misplaces parameters);
 * - the server's `clientError` answers (400, 408, 413 before a route) stay with `http-edge.ts`.
 */
async function createFastifyApp(module: DynamicModule, options: NestAppOptions): Promise<NestFastifyApplication> {
  const routeCase = new RouteCase();
  const adapter = new FastifyAdapter({
    rewriteUrl: (request: IncomingMessage) => {
      const target = request.url ?? '/';
      const routed = routeCase.rewrite(request.method ?? 'GET', target);
      if (routed !== target) (request as RewrittenRequest)[TARGET_AS_SENT] = target;
      return routed;
    },
    // Express bounds neither a path parameter's length nor its case; Node's header limit bounds the URL.
    routerOptions: {
      caseSensitive: true,
      ignoreTrailingSlash: true,
      maxParamLength: 16 * 1024,
      querystringParser: parseQueryString,
    },
    // `configureHttpEdge` answers the server's client errors itself; Fastify must not answer too.
    clientErrorHandler: () => undefined,
    // During a graceful shutdown a request that arrives on an open connection is served, as on
    // Express, not answered 503 by Fastify.
    return503OnClosing: false,
    // A URL the router cannot decode ('%', '%FF'): the 400 `requestHeadMiddleware` gives on
    // Express, checked in the same order (a missing Host first).
    frameworkErrors: (error: Error & { code?: string }, request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }) => {
      reply.hijack();
      const message = error.code === 'FST_ERR_BAD_URL' ? MALFORMED_PATH_MESSAGE : 'The request cannot be routed as sent.';
      replyWithFault(request.raw, reply.raw, toFault(requestHeadFault(request.raw) ?? new BadRequestException(message)));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { ...options, bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => routeCase.add(route.method, route.url));
  for (const method of METHODS) fastify.addHttpMethod(method, { hasBody: false, overrideExisting: true });
  fastify.addHook('preValidation', (request, _reply, done) => {
    request.body = parsedBodyOf(request.raw);
    // Routed: from here on (handlers, links, a route miss's message) the target reads as sent.
    const raw = request.raw as RewrittenRequest;
    const sent = raw[TARGET_AS_SENT];
    if (sent !== undefined) raw.url = raw.originalUrl = sent;
    done();
  });
  return app;
}

/**
 * The Nest application of the host on the adapter `HTTP_ADAPTER` names. Neither adapter parses
 * bodies itself (the host's server edge does, for both); both parse queries with the module's
 * parser.
 */
export async function createNestApp(module: DynamicModule, config: HostConfig, options: NestAppOptions): Promise<INestApplication> {
  if (config.httpAdapter === 'fastify') return createFastifyApp(module, options);
  const app = await NestFactory.create<NestExpressApplication>(module, { ...options, bodyParser: false });
  app.set('query parser', parseQueryString);
  // No ETag (Express hashes every answer for it, a page of 100 sharings included, and no client
  // of this API sends If-None-Match) and no X-Powered-By: the headers Fastify answers with.
  app.set('etag', false);
  app.disable('x-powered-by');
  return app;
}
