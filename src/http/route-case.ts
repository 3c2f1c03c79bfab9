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
/** A registered route: its segments as registered (`undefined` for a parameter) and in lower case. */
interface Route {
  methods: Set<string>;
  spelled: (string | undefined)[];
  lowered: (string | undefined)[];
  /** Ends in `*`: matches any path that begins with its segments. */
  prefix: boolean;
}

export class RouteCase {
  private readonly routes: Route[] = [];

  /** Registers a route (`GET /v2/:project_id/backups/detail`, `GET /docs/*`). */
  add(methods: string | string[], path: string): void {
    const prefix = path.endsWith('*');
    const segments = segmentsOf(path).slice(0, prefix ? -1 : undefined);
    const spelled = segments.map((part) => (/[:*]/.test(part) ? undefined : part));
    const list = (Array.isArray(methods) ? methods : [methods]).map((method) => method.toUpperCase());
    this.routes.push({ methods: new Set(list), spelled, lowered: spelled.map((part) => part?.toLowerCase()), prefix });
  }

  /**
   * The request target with the static segments of the routes it matches spelled as registered:
   * the routes of its method, or where none of those matches, those of any method (so that the
   * path reads as known to the 405 check, while no parameter of another method's route is touched).
   */
  rewrite(method: string, url: string): string {
    const queryAt = url.search(/[?#]/);
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    // Nearly every request is already in lower case: nothing to do.
    if (!/[A-Z]/.test(path)) return url;
    // Empty segments (`//`, a trailing `/`) are kept but not matched, as the module's 405 check
    // reads a path.
    const parts = path.split('/');
    const at = parts.flatMap((part, index) => (part === '' ? [] : [index]));
    const lowered = at.map((index) => asciiLowerCase(parts[index]));
    const matching = this.routes.filter(
      (route) =>
        (route.prefix ? route.lowered.length <= at.length : route.lowered.length === at.length) &&
        route.lowered.every((part, index) => part === undefined || part === lowered[index]),
    );
    const served = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    const ofMethod = matching.filter((route) => served.some((name) => route.methods.has(name)));
    let changed = false;
    for (const route of ofMethod.length > 0 ? ofMethod : matching) {
      route.spelled.forEach((part, index) => {
        if (part !== undefined && parts[at[index]] !== part) {
          parts[at[index]] = part;
          changed = true;
        }
      });
    }
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
