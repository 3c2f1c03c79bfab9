import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Fault, FAULT_NAMES } from './fault.filter';
import { RawResponse, replyWithFault } from './fault.reply';

interface RawRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
  app?: { enabled?: (setting: string) => boolean };
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
 * prefix, which the middleware does not need to know. With `foldCase`, static segments match
 * whatever the case of their ASCII letters, as Express's router matches unless told otherwise.
 */
function matchesTail(route: string[], path: string[], foldCase: boolean): boolean {
  // Runs on every request of the host: compared in place, without a copy of the tail.
  const offset = path.length - route.length;
  if (offset < 0) return false;
  for (let index = 0; index < route.length; index++) {
    const expected = route[index];
    if (expected[0] === ':') continue;
    const actual = path[offset + index];
    if (expected !== actual && !(foldCase && expected.length === actual.length && asciiLowerCase(actual) === expected.toLowerCase())) return false;
  }
  return true;
}

function asciiLowerCase(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * Whether the host's router matches paths whatever their case: Express's does unless its
 * `case sensitive routing` is on; elsewhere (Fastify's find-my-way) paths are compared as the
 * router was handed them.
 */
export function routerFoldsCase(request: { app?: { enabled?: (setting: string) => boolean } }): boolean {
  return typeof request.app?.enabled === 'function' && !request.app.enabled('case sensitive routing');
}

/** The methods the routes serve on `path` (HEAD wherever GET is); empty for an unknown path. */
export function allowedMethods(routes: RouteShape[], path: string, foldCase = false): string[] {
  const segments = segmentsOf(path);
  const allowed = new Set<string>();
  for (const route of routes) {
    if (!matchesTail(route.segments, segments, foldCase)) continue;
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
    const allowed = allowedMethods(routes, url.split(/[?#]/)[0], routerFoldsCase(request));
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
