interface AnyRequest {
  protocol?: string;
  headers: Record<string, string | string[] | undefined>;
  originalUrl?: string;
  url?: string;
}

/**
 * The absolute URL of the page after `lastId`: the same query with `marker` set and `offset`
 * dropped (the marker already positions the page). Express and Fastify both expose `protocol`
 * with their own trust-proxy rules, so a host behind a proxy gets its public scheme.
 */
export function nextPageLink(request: AnyRequest, lastId: string): string {
  const host = request.headers.host ?? 'localhost';
  const url = new URL(request.originalUrl ?? request.url ?? '/', `${request.protocol ?? 'http'}://${host}`);
  url.searchParams.delete('offset');
  url.searchParams.set('marker', lastId);
  return url.toString();
}
