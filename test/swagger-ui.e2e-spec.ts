import { TestHost, startTestHost, testHttpAdapter } from './support/test-host';

// Swagger UI is served by @nestjs/swagger through Express or, on Fastify, @fastify/static: the
// page and every asset it loads must come from this host on either adapter.
describe(`Swagger UI on the ${testHttpAdapter} adapter`, () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  it('serves the page at /docs and every script and style it loads', async () => {
    const page = await host.http.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="\.\/(docs\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]);
    expect(assets).toEqual(
      expect.arrayContaining(['docs/swagger-ui.css', 'docs/swagger-ui-bundle.js', 'docs/swagger-ui-standalone-preset.js', 'docs/swagger-ui-init.js']),
    );
    for (const asset of assets) {
      const response = await host.http.get(`/${asset}`);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect(response.headers['content-type']).toMatch(asset.endsWith('.css') ? /^text\/css/ : /javascript/);
    }
  });

  it('points the page at the document served at /docs-json', async () => {
    const init = await host.http.get('/docs/swagger-ui-init.js');
    expect(init.text).toContain('"openapi"');
    const document = await host.http.get('/docs-json');
    expect(document.status).toBe(200);
    expect(document.body.paths['/v2/{project_id}/os-vendor-backup-sharing/detail']).toBeDefined();
  });
});
