import { DEMO_BACKUPS, TOKENS, TestHost, expectFault, startTestHost, v2 } from './support/test-host';
import { SHARING, randomProjectId, shareOk } from './support/sharing-api';
import { rawRequest, sendRaw } from './support/raw-http';

// Absolute links in answers (`shared_links` of a full page, a created backup's `links`) are
// followed by clients with their token: they start with the service's public address, never
// with the client's Host. PUBLIC_BASE_URL sets it; forwarded headers count only from proxies
// TRUST_PROXY names (the tests connect from 127.0.0.1); else the address the server listens on.

type Headers = Record<string, string>;

/** The next-page link of a full page and the self link of a new backup, for the given headers. */
async function linksOf(host: TestHost, headers: Headers = {}): Promise<{ next: string; self: string; bookmark: string }> {
  const page = await host.http.get(`${v2('owner')}/${SHARING}/detail?limit=1&offset=0`).set('X-Auth-Token', TOKENS.owner).set(headers);
  expect(page.status).toBe(200);
  const created = await host.http
    .post(`${v2('owner')}/backups`)
    .set('X-Auth-Token', TOKENS.owner)
    .set(headers)
    .send({ backup: { volume_id: '5024a06e-6990-4f12-9dcc-8fe26b01a710' } });
  expect(created.status).toBe(202);
  const [self, bookmark] = created.body.backup.links.map((link: { href: string }) => link.href);
  return { next: page.body.shared_links[0].href, self, bookmark };
}

async function hostWithSharing(env: Record<string, string>): Promise<TestHost> {
  const host = await startTestHost(env);
  await shareOk(host, DEMO_BACKUPS.nightly, [randomProjectId()]);
  return host;
}

const HOSTILE: Headers = {
  Host: 'evil.example',
  'X-Forwarded-Host': 'forwarded.example',
  'X-Forwarded-Proto': 'https',
  Forwarded: 'for=203.0.113.9;host=rfc.example;proto=https',
};

describe('links without PUBLIC_BASE_URL or TRUST_PROXY: the listening address', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await hostWithSharing({});
  });
  afterAll(() => host.close());

  it('ignores Host and every forwarded header', async () => {
    const links = await linksOf(host, HOSTILE);
    expect(links.next.startsWith(`${host.url}${v2('owner')}/${SHARING}/detail?`)).toBe(true);
    expect(new URL(links.next).searchParams.get('offset')).toBeNull();
    expect(links.self).toMatch(new RegExp(`^${host.url}${v2('owner')}/backups/[0-9a-f-]{36}$`));
    expect(links.bookmark.startsWith(`${host.url}/${v2('owner').slice('/v2/'.length)}/backups/`)).toBe(true);
  });

  it('an absolute-form target (GET http://evil.example/...) is served by its path and does not choose the link', async () => {
    const answer = await sendRaw(host.url, rawRequest('GET', `http://evil.example${v2('owner')}/${SHARING}/detail?limit=1`, [['X-Auth-Token', TOKENS.owner]]));
    expect(answer?.status).toBe(200);
    expect(JSON.parse(answer!.body).shared_links[0].href.startsWith(`${host.url}${v2('owner')}/${SHARING}/detail?`)).toBe(true);
  });

  it.each(['a@evil.example', 'evil.example/path', 'evil.example:99999', 'x y', '[zz]', ''])('a Host %p that is not host[:port]: 400', async (value) => {
    const response = await host.http.get(`${v2('owner')}/${SHARING}/detail`).set('X-Auth-Token', TOKENS.owner).set('Host', value);
    expect(response.status).toBe(400);
    expect(expectFault(response.body, 400, 'badRequest').message).toMatch(/Host/);
  });

  it.each(['evil.example', 'EVIL.example:8080', '[::1]:3000', '10.0.0.1', 'block_storage'])('a well-formed Host %p is served, and still not used', async (value) => {
    const response = await host.http.get(`${v2('owner')}/${SHARING}/detail?limit=1`).set('X-Auth-Token', TOKENS.owner).set('Host', value);
    expect(response.status).toBe(200);
    expect(response.body.shared_links[0].href.startsWith(host.url)).toBe(true);
  });
});

describe('links with PUBLIC_BASE_URL', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await hostWithSharing({ PUBLIC_BASE_URL: 'https://block-storage.example.org/api/' });
  });
  afterAll(() => host.close());

  it('start with the configured address and its path prefix, whatever the request says', async () => {
    const links = await linksOf(host, HOSTILE);
    expect(links.next.startsWith(`https://block-storage.example.org/api${v2('owner')}/${SHARING}/detail?`)).toBe(true);
    expect(links.self).toMatch(new RegExp(`^https://block-storage\\.example\\.org/api${v2('owner')}/backups/[0-9a-f-]{36}$`));
  });
});

describe('links with TRUST_PROXY naming the peer', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await hostWithSharing({ TRUST_PROXY: 'loopback, 203.0.113.0/24' });
  });
  afterAll(() => host.close());

  it('take X-Forwarded-Host and X-Forwarded-Proto from the trusted proxy', async () => {
    const links = await linksOf(host, { Host: 'evil.example', 'X-Forwarded-Host': 'public.example:8443', 'X-Forwarded-Proto': 'https' });
    expect(links.next.startsWith(`https://public.example:8443${v2('owner')}/`)).toBe(true);
    expect(links.self.startsWith(`https://public.example:8443${v2('owner')}/backups/`)).toBe(true);
  });

  it('prefer Forwarded (RFC 7239), and take the element of the outermost trusted proxy', async () => {
    const forwarded = 'for=198.51.100.7;host=outer.example;proto=https, for=203.0.113.5;host=inner.example;proto=http';
    expect((await linksOf(host, { Forwarded: forwarded, 'X-Forwarded-Host': 'legacy.example' })).next.startsWith('https://outer.example/')).toBe(true);
    // The first hop is not trusted: only the element the trusted peer wrote counts.
    const untrusted = 'for=198.51.100.7;host=spoofed.example;proto=https, for=198.51.100.8;host=inner.example;proto=http';
    expect((await linksOf(host, { Forwarded: untrusted })).next.startsWith('http://inner.example/')).toBe(true);
  });

  it('take the X-Forwarded value of the outermost trusted hop', async () => {
    const links = await linksOf(host, {
      'X-Forwarded-For': '198.51.100.7, 203.0.113.5',
      'X-Forwarded-Host': 'spoofed.example, outer.example, inner.example',
    });
    expect(links.next.startsWith('http://outer.example/')).toBe(true);
  });

  it('ignore forwarded values that are not well formed, and fall back to the listening address', async () => {
    const malformed: Headers[] = [{ 'X-Forwarded-Host': 'a@evil.example' }, { Forwarded: 'for=;;host=' }, { 'X-Forwarded-Proto': 'javascript' }];
    for (const headers of malformed) {
      expect((await linksOf(host, headers)).next.startsWith(`${host.url}/`)).toBe(true);
    }
  });
});

describe('links with TRUST_PROXY that does not name the peer, and PUBLIC_BASE_URL', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await hostWithSharing({ TRUST_PROXY: '10.0.0.0/8', PUBLIC_BASE_URL: 'https://block-storage.example.org' });
  });
  afterAll(() => host.close());

  it('ignore forwarded headers from a peer that is no trusted proxy', async () => {
    const links = await linksOf(host, HOSTILE);
    expect(links.next.startsWith(`https://block-storage.example.org${v2('owner')}/`)).toBe(true);
    expect(links.self.startsWith(`https://block-storage.example.org${v2('owner')}/backups/`)).toBe(true);
  });
});

describe('links with TRUST_PROXY and PUBLIC_BASE_URL with a path prefix', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await hostWithSharing({ TRUST_PROXY: 'true', PUBLIC_BASE_URL: 'https://block-storage.example.org/api' });
  });
  afterAll(() => host.close());

  it("take the trusted proxy's host and scheme, and keep the configured prefix", async () => {
    const links = await linksOf(host, { 'X-Forwarded-Host': 'edge.example', 'X-Forwarded-Proto': 'http' });
    expect(links.next.startsWith(`http://edge.example/api${v2('owner')}/`)).toBe(true);
    expect((await linksOf(host)).next.startsWith(`https://block-storage.example.org/api${v2('owner')}/`)).toBe(true);
  });
});
