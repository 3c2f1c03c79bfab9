import { BadRequestException } from '@nestjs/common';
import { echoInput } from '../dto/input-echo';

/** A parsed query string: one string per key, or several for a key given more than once. */
export type ParsedQuery = Record<string, string | string[]>;

/** `+` is a space in a query, as in HTML forms; a malformed `%` escape is kept as written. */
function decodeQueryPart(part: string): string {
  // Most parts (`limit=100`) have nothing to decode, and decodeURIComponent is not free.
  if (!part.includes('%') && !part.includes('+')) return part;
  const spaced = part.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%[0-9A-Fa-f]{2}/g, (escape) => {
      try {
        return decodeURIComponent(escape);
      } catch {
        return escape;
      }
    });
  }
}

/**
 * The one query parser of the module's routes, whatever the adapter: `name=value` pairs split on
 * `&`, no nesting (`a[b]=1` is the key `a[b]`), a repeated key collected in an array, into an
 * object without a prototype (so that `__proto__` is a key like any other). A host sets it as
 * Express's `query parser` and Fastify's `querystringParser`, so both hand the same values to
 * the validation, and `queryStringFault` judges the same keys.
 */
export function parseQueryString(search: string | null | undefined): ParsedQuery {
  const query: ParsedQuery = Object.create(null);
  // Express hands over `null` for a URL without a query.
  if (!search) return query;
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodeQueryPart(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decodeQueryPart(pair.slice(equals + 1));
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

/** The query string of a request target (after `?`, before `#`), or `''`. */
export function searchOf(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return '';
  const hash = url.indexOf('#', question);
  return hash < 0 ? url.slice(question + 1) : url.slice(question + 1, hash);
}

/**
 * The last query `queryStringFault` found sound. A request's query is judged at the host's edge
 * and again by the module's, and a client's next request often repeats it (the same page size,
 * the same filters): judging it anew would parse it again for the same answer.
 */
let lastSoundSearch = '';

/**
 * The 400 for a query the routes cannot read as written, or `undefined`: a key with brackets
 * (`is_backup_id[]=true`, `status[$ne]=x`: an array or an object in the parsers of PHP, qs and
 * others) or a key given more than once. Either would otherwise be dropped or read as something
 * else, and a flag meant as `true` silently taken for `false`.
 */
export function queryStringFault(search: string): BadRequestException | undefined {
  if (search === '' || search === lastSoundSearch) return undefined;
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(parseQueryString(search))) {
    if (/[[\]]/.test(key)) {
      return new BadRequestException(
        `The query parameter ${echoInput(key)} is not understood: give each parameter once, as name=value, without brackets.`,
      );
    }
    if (Array.isArray(value) && !seen.has(key)) {
      return new BadRequestException(`The query parameter ${echoInput(key)} is given more than once; give it once.`);
    }
    seen.add(key);
  }
  lastSoundSearch = search;
  return undefined;
}
