import { PublicAddress } from './public-address';

interface AnyRequest {
  originalUrl?: string;
  url?: string;
  raw?: unknown;
}

/**
 * The path and query of a request target. An absolute-form target (`GET http://x/v2/...`, which
 * HTTP/1.1 servers must accept) keeps only its path: its authority is the client's to choose.
 */
export function pathAndQueryOf(target: string): string {
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  const rest = absolute ? target.slice(absolute[0].length) : target;
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * The absolute URL of the page after `lastId`: the service's public address (never the client's
 * `Host`), the path of this request, its query with `marker` set and `offset` dropped (the marker
 * already positions the page).
 */
export function nextPageLink(address: PublicAddress, request: AnyRequest, lastId: string): string {
  const url = new URL(address.urlOf(request as never, pathAndQueryOf(request.originalUrl ?? request.url ?? '/')));
  url.searchParams.delete('offset');
  url.searchParams.set('marker', lastId);
  return url.toString();
}
