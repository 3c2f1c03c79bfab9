import { BadRequestException, MiddlewareConsumer, Type } from '@nestjs/common';
import { toFault } from './fault.filter';
import { RawResponse, replyWithFault } from './fault.reply';
import { MediaTypeMiddleware } from './media-type.middleware';
import { EVERY_PATH, allowedMethods, methodNotAllowed, routerFoldsCase, routesOf } from './method-not-allowed.middleware';
import { isValidHostHeader } from './public-address';
import { queryStringFault, searchOf } from './query-string';
import { assignRequestId } from './request-id.middleware';

interface RawRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  app?: { enabled?: (setting: string) => boolean };
}

/**
 * The HTTP edge of a set of controllers in one middleware, mounted on `EVERY_PATH`:
 * - a path the controllers serve with a `Host` that is not `host[:port]`, or a query with a
 *   bracketed or repeated key: 400 (`hostHeaderFault`, `queryStringFault`);
 * - a path the controllers serve, with a method they do not: 405 `badMethod` with `Allow`
 *   (`methodNotAllowedMiddleware`);
 * - a path and method they serve: the request ID (`RequestIdMiddleware`), then 406/415 content
 *   negotiation (`MediaTypeMiddleware`);
 * - any other path: passed on untouched.
 *
 * One middleware rather than the three: each Nest middleware costs a layer of its own on every
 * request of the host (path matching, a proxy, on Fastify a URL decode), several times the work
 * of these checks. Paths match by their tail, as for the 405, so that a prefix the host mounts
 * the controllers under needs no configuration.
 */
export function httpEdgeMiddleware(...controllers: Type<unknown>[]) {
  const routes = controllers.flatMap(routesOf);
  const media = new MediaTypeMiddleware();
  return (request: RawRequest, response: RawResponse, next: () => void): void => {
    const url = request.originalUrl ?? request.url ?? '/';
    const query = url.search(/[?#]/);
    const allowed = allowedMethods(routes, query < 0 ? url : url.slice(0, query), routerFoldsCase(request));
    if (allowed.length === 0) return next();
    const invalid = hostHeaderFault(request.headers.host) ?? (query < 0 ? undefined : queryStringFault(searchOf(url)));
    if (invalid) return replyWithFault(request, response, toFault(invalid));
    const method = (request.method ?? 'GET').toUpperCase();
    if (!allowed.includes(method)) return replyWithFault(request, response, methodNotAllowed(method, allowed));
    assignRequestId(request, response);
    media.use(request, response, next);
  };
}

/**
 * The 400 for a `Host` that is not a plain `host[:port]` (`a@evil.example`, a path, spaces), or
 * `undefined`. An absent `Host` is the server's to judge (HTTP/1.0 may omit it).
 */
export function hostHeaderFault(host: string | string[] | undefined): BadRequestException | undefined {
  if (host === undefined || (typeof host === 'string' && isValidHostHeader(host))) return undefined;
  return new BadRequestException('The Host header must be a host name or address with an optional port (host[:port]).');
}

/**
 * Mounts the HTTP edge of `controllers` (`httpEdgeMiddleware`) on every path, from a module's
 * `configure(consumer)`: for a host's own controllers, so that they answer 405, 406 and 415 and
 * carry request IDs as the module's routes do. Prefixes the host mounts them under need nothing.
 */
export function applyHttpEdge(consumer: MiddlewareConsumer, ...controllers: Type<unknown>[]): void {
  consumer.apply(httpEdgeMiddleware(...controllers)).forRoutes(EVERY_PATH);
}
