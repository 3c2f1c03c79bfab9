import { existsSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { OpenApiDocument, operationsOf } from '../support/openapi-contract';
import { CHROMIUM, authorize, execute, openSwaggerUiSession, screenshot, tryOut } from '../support/swagger-ui-page';
import { TOKENS, TestHost, startTestHost } from '../support/test-host';

// A newcomer's first click on every operation: the demo host as `npm start` runs it (demo backups
// and the demo sharing seeded), Authorize with the owner's demo token, then on each operation in
// the order the page shows them "Try it out" and "Execute" without touching a field. Each answers
// the success its documentation names. Screenshots in test-output/swagger-ui-first-try/.

const FOLDER = 'swagger-ui-first-try';
/** Operations the owner's token may not run by design: the page's own text says which token to use. */
const TOKEN_OF: Record<string, keyof typeof TOKENS> = { backupAction: 'admin' };

jest.setTimeout(180_000);

const describeIfChromium = existsSync(CHROMIUM) ? describe : describe.skip;

describeIfChromium('Swagger UI: Execute on every operation as pre-filled', () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  let offHost: string[];
  let pageErrors: string[];
  let document: OpenApiDocument;

  beforeAll(async () => {
    host = await startTestHost({ DEMO_SEED_SHARING: 'true' });
    document = (await host.http.get('/docs-json')).body;
    ({ browser, page, offHost, pageErrors } = await openSwaggerUiSession(host.url));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('answers each operation with its documented success, first time, fields untouched', async () => {
    await page.goto(`${host.url}/docs`);
    await page.locator('.opblock').first().waitFor();
    // No list of schemas below the operations (defaultModelsExpandDepth: -1).
    await expect(page.locator('section.models').count()).resolves.toBe(0);
    await authorize(page, TOKENS.owner);
    let token: keyof typeof TOKENS = 'owner';

    const success = new Map(
      operationsOf(document).map(({ operation }) => [operation.operationId!, Object.keys(operation.responses).find((status) => status.startsWith('2'))]),
    );
    // In the order of the page: a person scrolls down and tries each in turn.
    const blockIds = await page.locator('.opblock[id^="operations-"]').evaluateAll((blocks) => blocks.map((block) => block.id));
    const results: { operationId: string; status: number; documented: string | undefined }[] = [];
    for (const [index, blockId] of blockIds.entries()) {
      const operationId = blockId.slice(blockId.lastIndexOf('-') + 1);
      const wanted = TOKEN_OF[operationId] ?? 'owner';
      if (wanted !== token) {
        await authorize(page, TOKENS[wanted]);
        token = wanted;
      }
      const block = await tryOut(page.locator(`#${blockId}`));
      const answer = await execute(block);
      await screenshot(page, FOLDER, `${String(index + 1).padStart(2, '0')}-${operationId}-${answer.status}`, block.locator('.live-responses-table'));
      results.push({ operationId, status: answer.status, documented: success.get(operationId) });
      // Closed again, so that the next operation's answer is on the screen for its screenshot.
      await block.locator('.opblock-summary').first().click();
    }

    expect(results.map((result) => result.operationId).sort()).toEqual([...success.keys()].sort());
    for (const result of results) expect(result).toEqual({ ...result, status: Number(result.documented) });
  });

  it('loaded nothing from outside the host and raised no page error', () => {
    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
