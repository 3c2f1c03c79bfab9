import proxyAddr from '@fastify/proxy-addr';
import forwardedParse from 'forwarded-parse';
import { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * Which peers may tell the public address through forwarded headers: `false` (none, the
 * default), `true` (every peer: only when nothing but the proxy can reach the service), or
 * addresses and CIDR ranges, also `loopback`, `linklocal` and `uniquelocal`, as a list or a
 * comma-separated string (`'10.0.0.0/8, loopback'`).
 */
export type TrustProxy = boolean | string | readonly string[];

export interface PublicAddressOptions {
  /**
   * The scheme, host and optional path prefix clients reach the service at, e.g.
   * `https://block-storage.example.org` or `https://api.example.org/block-storage`.
   */
  publicBaseUrl?: string;
  trustProxy?: TrustProxy;
}

/** A request of Express (Node's own) or Fastify (`raw`). */
type AnyRequest = IncomingMessage | { raw: IncomingMessage };

/** RFC 3986 reg-name labels (with `_`, as container names have), an IPv4 address, or `[IPv6]`. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

/**
 * The last `Host` found valid: the host's edge and the module's judge each request's, and a
 * server's clients keep sending the same one.
 */
let lastValidHost: string | undefined;

/** Whether a `Host` (or forwarded host) is a plain `host[:port]`: no user info, path or spaces. */
export function isValidHostHeader(value: string): boolean {
  if (value === lastValidHost) return true;
  if (!isPlainHost(value)) return false;
  lastValidHost = value;
  return true;
}

function isPlainHost(value: string): boolean {
  let host = value;
  const port = /:(\d{1,5})$/.exec(value);
  if (port) {
    if (Number(port[1]) > 65535) return false;
    host = value.slice(0, port.index);
  } else if (value.endsWith(':')) {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) return isIPv6(host.slice(1, -1));
  return host.length > 0 && host.length <= 253 && HOST_NAME.test(host);
}

/** A configured base URL, checked: http(s), no user info, query or fragment; no trailing `/`. */
export function parsePublicBaseUrl(raw: string): { origin: string; prefix: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`The public base URL "${raw}" is not a URL; use e.g. https://block-storage.example.org.`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash || raw.includes('#')) {
    throw new Error(`The public base URL "${raw}" must be http:// or https://, without user, query or fragment.`);
  }
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
}

function compileTrust(trust: TrustProxy | undefined): ((address: string, hop: number) => boolean) | undefined {
  if (trust === undefined || trust === false) return undefined;
  if (trust === true) return () => true;
  const list = typeof trust === 'string' ? trust.split(',') : [...trust];
  const addresses = list.map((entry) => entry.trim()).filter(Boolean);
  if (addresses.length === 0) return undefined;
  try {
    return proxyAddr.compile(addresses);
  } catch (error) {
    throw new Error(`The trusted proxies "${addresses.join(', ')}" are not addresses, CIDR ranges or loopback/linklocal/uniquelocal: ${(error as Error).message}`);
  }
}

function rawOf(request: AnyRequest): IncomingMessage {
  return 'raw' in request && request.raw ? request.raw : (request as IncomingMessage);
}

/** The address the connection reached: where the server listens, never what the client claims. */
function listeningOrigin(request: IncomingMessage): { proto: string; host: string } {
  const socket = request.socket as (IncomingMessage['socket'] & { encrypted?: boolean }) | undefined;
  const proto = socket?.encrypted ? 'https' : 'http';
  let address = socket?.localAddress;
  if (!address) return { proto, host: 'localhost' };
  if (address.startsWith('::ffff:') && address.includes('.')) address = address.slice('::ffff:'.length);
  const host = isIPv6(address) ? `[${address}]` : address;
  return { proto, host: socket?.localPort ? `${host}:${socket.localPort}` : host };
}

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((line) => line.split(',')).map((part) => part.trim());
}

const PROTOCOLS = new Set(['http', 'https']);

/**
 * The public address of the service for a request: what absolute links in its answers start
 * with (`shared_links`, a host's backup `links`). A client follows such a link with its token,
 * so it never comes from the client's `Host`:
 * 1. forwarded headers (`Forwarded`, else `X-Forwarded-Host` / `X-Forwarded-Proto`), only when
 *    the peer is a trusted proxy, and then the values written by the outermost trusted proxy;
 * 2. else the configured public base URL;
 * 3. else the address and port the connection reached (the server's own).
 * A configured path prefix is kept in every case.
 */
export class PublicAddress {
  private readonly configured?: { origin: string; prefix: string };
  private readonly trust?: (address: string, hop: number) => boolean;

  constructor(options: PublicAddressOptions = {}) {
    this.configured = options.publicBaseUrl ? parsePublicBaseUrl(options.publicBaseUrl) : undefined;
    this.trust = compileTrust(options.trustProxy);
  }

  /** `scheme://host[:port][/prefix]`, without a trailing slash. */
  baseUrlOf(request: AnyRequest): string {
    const raw = rawOf(request);
    const forwarded = this.trust ? this.forwarded(raw) : {};
    let origin = this.configured?.origin;
    if (forwarded.host !== undefined || forwarded.proto !== undefined || origin === undefined) {
      const fallback = origin ? new URL(origin) : undefined;
      const own = fallback ? { proto: fallback.protocol.slice(0, -1), host: fallback.host } : listeningOrigin(raw);
      origin = `${forwarded.proto ?? own.proto}://${forwarded.host ?? own.host}`;
    }
    return `${origin}${this.configured?.prefix ?? ''}`;
  }

  /** The absolute URL of a path of this service (`path` starts with `/`). */
  urlOf(request: AnyRequest, path: string): string {
    return `${this.baseUrlOf(request)}${path}`;
  }

  /**
   * What trusted proxies say the client used. The hops are the peer, then the `for` of each
   * forwarded element from the last: every hop the trust function accepts vouches for the element
   * (or value) it wrote, and the outermost of them is the one that faced the client.
   */
  private forwarded(request: IncomingMessage): { proto?: string; host?: string } {
    const peer = request.socket?.remoteAddress;
    if (!peer || !this.trust!(peer, 0)) return {};
    const header = request.headers.forwarded;
    if (header !== undefined) {
      let elements: { for?: string; host?: string; proto?: string }[];
      try {
        elements = forwardedParse(Array.isArray(header) ? header.join(',') : header);
      } catch {
        return {};
      }
      let outermost = elements.length - 1;
      while (outermost > 0 && this.trusts(elements[outermost].for, elements.length - outermost)) outermost--;
      return checked(elements[outermost]?.proto, elements[outermost]?.host);
    }
    const chain = headerValues(request.headers['x-forwarded-for']);
    let hops = 1;
    while (hops <= chain.length && this.trusts(chain[chain.length - hops], hops)) hops++;
    const pick = (values: string[]) => (values.length === 0 ? undefined : values[Math.max(0, values.length - hops)]);
    return checked(pick(headerValues(request.headers['x-forwarded-proto'])), pick(headerValues(request.headers['x-forwarded-host'])));
  }

  private trusts(address: string | undefined, hop: number): boolean {
    if (!address) return false;
    const bare = address.replace(/^\[([^\]]+)\](:\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
    try {
      return this.trust!(bare, hop);
    } catch {
      return false;
    }
  }
}

/** Forwarded values are used only when they are well formed; anything else is as if absent. */
function checked(proto: string | undefined, host: string | undefined): { proto?: string; host?: string } {
  const result: { proto?: string; host?: string } = {};
  if (proto !== undefined && PROTOCOLS.has(proto.toLowerCase())) result.proto = proto.toLowerCase();
  if (host !== undefined && isValidHostHeader(host)) result.host = host.toLowerCase();
  return result;
}
