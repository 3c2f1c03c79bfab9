import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Fault, FAULT_NAMES } from './fault.filter';
import { RawResponse, replyWithFault } from './fault.reply';

interface RawRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
}

/** One route of a controller: its method and its path as segments (`:name` matches any one). */
export interface RouteShape {
  method: string;
  segments: string[];
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function asArray(value: string | string[] | undefined, fallback: string): string[] {
  if (value === undefined) return [fallback];
  return Array.isArray(value) ? value : [value];
}

/** The routes a controller serves, read from the metadata its decorators left. */
export function routesOf(controller: Type<unknown>): RouteShape[] {
  const bases = asArray(Reflect.getMetadata(PATH_METADATA, controller), '/');
  const routes: RouteShape[] = [];
  for (const name of Object.getOwnPropertyNames(controller.prototype)) {
    const handler = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
    if (typeof handler !== 'function' || name === 'constructor') continue;
    const paths: string | string[] | undefined = Reflect.getMetadata(PATH_METADATA, handler);
    const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
    if (paths === undefined || method === undefined) continue;
    for (const base of bases) {
      for (const path of asArray(paths, '/')) {
        routes.push({ method: RequestMethod[method], segments: [...segmentsOf(base), ...segmentsOf(path)] });
      }
    }
  }
  return routes;
}

/**
 * Whether `route` matches the end of `path`: the host may serve the controller under a global
 * prefix, which the middleware does not need to know.
 */
function matchesTail(route: string[], path: string[]): boolean {
  // Runs on every request of the host: compared in place, without a copy of the tail.
  const offset = path.length - route.length;
  if (offset < 0) return false;
  for (let index = 0; index < route.length; index++) {
    if (route[index][0] !== ':' && route[index] !== path[offset + index]) return false;
  }
  return true;
}

/** The methods the routes serve on `path` (HEAD wherever GET is); empty for an unknown path. */
export function allowedMethods(routes: RouteShape[], path: string): string[] {
  const segments = segmentsOf(path);
  const allowed = new Set<string>();
  for (const route of routes) {
    if (!matchesTail(route.segments, segments)) continue;
    if (route.method === 'ALL') return [];
    allowed.add(route.method);
    if (route.method === 'GET') allowed.add('HEAD');
  }
  return [...allowed].sort();
}

/** The 405 `badMethod` fault, with `Allow`. */
export function methodNotAllowed(method: string, allowed: string[]): Fault {
  return {
    status: 405,
    body: {
      [FAULT_NAMES[405]]: {
        code: 405,
        message: `${method} is not served on this path; it serves ${allowed.join(', ')}.`,
        error_code: 'BackupSharing.MethodNotAllowed',
      },
    },
    headers: { Allow: allowed.join(', ') },
  };
}

/**
 * A middleware that answers 405 `badMethod`, with `Allow`, to a method the controllers do not
 * serve on a path they do serve (without it the router answers 404, as for an unknown path).
 * Known paths pass on, unknown ones too (they stay 404). The route table comes from the
 * controllers' own decorators, so it cannot drift from what they serve. Mount it on `EVERY_PATH`,
 * as `BackupSharingModule` does.
 */
export function methodNotAllowedMiddleware(...controllers: Type<unknown>[]) {
  const routes = controllers.flatMap(routesOf);
  return (request: RawRequest, response: RawResponse, next: () => void): void => {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = request.originalUrl ?? request.url ?? '/';
    const allowed = allowedMethods(routes, url.split(/[?#]/)[0]);
    if (allowed.length === 0 || allowed.includes(method)) return next();
    replyWithFault(request, response, methodNotAllowed(method, allowed));
  };
}

/**
 * Where to mount `methodNotAllowedMiddleware`: every path, on every method. The controllers' own
 * paths would not do: a host may put them under a prefix (`RouterModule`, a global prefix) that
 * string routes of a middleware do not get, and the middleware matches by the path's tail anyway.
 */
export const EVERY_PATH = { path: '{*path}', method: RequestMethod.ALL };
