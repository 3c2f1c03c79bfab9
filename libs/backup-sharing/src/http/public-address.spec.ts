import { IncomingMessage } from 'node:http';
import { PublicAddress, isValidHostHeader, parsePublicBaseUrl } from './public-address';

/** A request as Node hands it over: its headers and the two ends of its connection. */
function requestFrom(peer: string, headers: Record<string, string> = {}, local = { address: '10.1.2.3', port: 8776 }): IncomingMessage {
  const socket = { remoteAddress: peer, localAddress: local.address, localPort: local.port };
  return { headers, socket } as unknown as IncomingMessage;
}

describe('isValidHostHeader', () => {
  it.each(['example.org', 'EXAMPLE.org:8080', '10.0.0.1', '10.0.0.1:65535', '[::1]', '[2001:db8::1]:443', 'block_storage', 'a.b.c.'])('accepts %p', (host) => {
    expect(isValidHostHeader(host)).toBe(true);
  });

  it.each(['', 'a@evil.example', 'evil.example/x', 'x y', 'host:', 'host:65536', 'host:80:80', '[zz]', '[::1', '-bad.example', 'a..b'])('refuses %p', (host) => {
    expect(isValidHostHeader(host)).toBe(false);
  });

  it('judges each Host on its own, whatever was judged before', () => {
    expect(isValidHostHeader('example.org:8080')).toBe(true);
    expect(isValidHostHeader('example.org:8080')).toBe(true);
    expect(isValidHostHeader('example.org:80800')).toBe(false);
    expect(isValidHostHeader('a@example.org:8080')).toBe(false);
    expect(isValidHostHeader('')).toBe(false);
    expect(isValidHostHeader('example.org:8080')).toBe(true);
  });
});

describe('parsePublicBaseUrl', () => {
  it('keeps the origin and a path prefix without its trailing slash', () => {
    expect(parsePublicBaseUrl('https://bs.example.org/api/')).toEqual({ origin: 'https://bs.example.org', prefix: '/api' });
    expect(parsePublicBaseUrl('http://bs.example.org')).toEqual({ origin: 'http://bs.example.org', prefix: '' });
  });

  it.each(['bs.example.org', 'ftp://bs.example.org', 'https://u:p@bs.example.org', 'https://bs.example.org/?a=1', 'https://bs.example.org/#x'])('refuses %p', (raw) => {
    expect(() => parsePublicBaseUrl(raw)).toThrow();
  });
});

describe('PublicAddress', () => {
  it('without settings: the address the connection reached, whatever Host and forwarded headers say', () => {
    const request = requestFrom('127.0.0.1', { host: 'evil.example', 'x-forwarded-host': 'x.example', forwarded: 'host=y.example' });
    expect(new PublicAddress().baseUrlOf(request)).toBe('http://10.1.2.3:8776');
    expect(new PublicAddress().baseUrlOf(requestFrom('::1', {}, { address: '::1', port: 80 }))).toBe('http://[::1]:80');
    expect(new PublicAddress().baseUrlOf(requestFrom('::ffff:127.0.0.1', {}, { address: '::ffff:127.0.0.1', port: 80 }))).toBe('http://127.0.0.1:80');
  });

  it('a Fastify request is read through `raw`', () => {
    expect(new PublicAddress({ publicBaseUrl: 'https://bs.example.org' }).urlOf({ raw: requestFrom('1.2.3.4') }, '/v2/p')).toBe('https://bs.example.org/v2/p');
  });

  it('trusts forwarded headers only from the proxies named', () => {
    const address = new PublicAddress({ trustProxy: ['10.0.0.0/8'] });
    const headers = { 'x-forwarded-host': 'public.example', 'x-forwarded-proto': 'https' };
    expect(address.baseUrlOf(requestFrom('10.9.9.9', headers))).toBe('https://public.example');
    expect(address.baseUrlOf(requestFrom('192.0.2.1', headers))).toBe('http://10.1.2.3:8776');
  });

  it('walks a chain of trusted proxies to the outermost one', () => {
    const address = new PublicAddress({ trustProxy: 'loopback, 10.0.0.0/8' });
    const forwarded = 'for=198.51.100.1;host=outer.example;proto=https, for="10.0.0.5:1234";host=inner.example';
    expect(address.baseUrlOf(requestFrom('127.0.0.1', { forwarded }))).toBe('https://outer.example');
    const chain = { 'x-forwarded-for': '198.51.100.1, 10.0.0.5', 'x-forwarded-host': 'outer.example, inner.example' };
    expect(address.baseUrlOf(requestFrom('127.0.0.1', chain))).toBe('http://outer.example');
  });

  it('refuses trusted proxies that are not addresses at construction', () => {
    expect(() => new PublicAddress({ trustProxy: 'my-proxy' })).toThrow(/trusted proxies/);
  });
});
