/**
 * Case-insensitive routing for Fastify that matches Express's: the static segments of a route
 * match whatever the case of their ASCII letters, parameters keep the client's spelling.
 *
 * find-my-way's own `caseSensitive: false` lower-cases the whole decoded path and then cuts the
 * parameters out of the original path at the offsets of the lower-cased one. Where lower-casing
 * changes a string's length (`İ`, U+0130, becomes two code units) every later offset is wrong:
 * `/v2/%C4%B0/os-vendor-backup-sharing/count` found no route on Fastify while Express served it.
 * It also folds non-ASCII letters (the Kelvin sign `K` matched `k`), which Express does not. So the
 * router stays case-sensitive and `rewriteUrl` spells a path's static segments as the route does.
 */
export class RouteCase {
  /** Each route's segments: the lower-case spelling of a static one, `undefined` for a parameter. */
  private readonly routes: (string | undefined)[][] = [];
  private readonly wildcards: (string | undefined)[][] = [];

  /** Registers a route path (`/v2/:project_id/backups/detail`, `/docs/*`). */
  add(path: string): void {
    const segments = segmentsOf(path).map((part) => (/[:*]/.test(part) ? undefined : part.toLowerCase()));
    if (path.endsWith('*')) this.wildcards.push(segments.slice(0, -1));
    else this.routes.push(segments);
  }

  /** The request target with the static segments of every route it matches spelled as registered. */
  rewrite(url: string): string {
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    // Nearly every request is already in lower case: nothing to do.
    if (!/[A-Z]/.test(path)) return url;
    // Empty segments (`//`, a trailing `/`) are kept but not matched, as the module's 405 check
    // reads a path.
    const parts = path.split('/');
    const at = parts.flatMap((part, index) => (part === '' ? [] : [index]));
    const lowered = at.map((index) => asciiLowerCase(parts[index]));
    let changed = false;
    const apply = (route: (string | undefined)[]) => {
      if (!route.every((part, index) => part === undefined || part === lowered[index])) return;
      route.forEach((part, index) => {
        if (part !== undefined && parts[at[index]] !== part) {
          parts[at[index]] = part;
          changed = true;
        }
      });
    };
    for (const route of this.routes) if (route.length === at.length) apply(route);
    for (const route of this.wildcards) if (route.length <= at.length) apply(route);
    if (!changed) return url;
    return parts.join('/') + (queryAt === -1 ? '' : url.slice(queryAt));
  }
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** Lower case of A–Z only, as Express's case-insensitive route expressions compare. */
function asciiLowerCase(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
