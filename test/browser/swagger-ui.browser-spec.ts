import { existsSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { Schemas } from '../support/openapi-contract';
import { CHROMIUM, authorize, execute, openSwaggerUiSession, operationBlock, parameterInput, screenshot as shoot, tryOut as open } from '../support/swagger-ui-page';
import { DEMO_BACKUPS, DEMO_PROJECTS, TOKENS, TestHost, startTestHost } from '../support/test-host';

// A person's trial of the API in Swagger UI, in headless Chromium against the demo host:
// Authorize with a demo token, then share the seeded backup, list it and cancel it with
// is_backup_id=true through "Try it out", reading the status and body the page shows.

const screenshot = (page: Page, name: string, focus?: Parameters<typeof shoot>[3]) => shoot(page, 'swagger-ui', name, focus);
const tryOut = (page: Page, tag: string, operationId: string) => open(operationBlock(page, tag, operationId));

// Jest takes `testTimeout` from the root configuration only, not from a project's.
jest.setTimeout(120_000);

const describeIfChromium = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  // `npm run test:browser` says this before Jest starts; this is for a direct `jest --selectProjects browser`.
  console.log(`Skipped: the Swagger UI browser test (no Chromium at ${CHROMIUM}; run bash scripts/ensure-chromium.sh).`);
}

describeIfChromium('Swagger UI in Chromium', () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  let offHost: string[];
  let pageErrors: string[];
  let sharingId: string;

  beforeAll(async () => {
    host = await startTestHost();
    // The page must work from this host alone: anything else is recorded and refused.
    ({ browser, page, offHost, pageErrors } = await openSwaggerUiSession(host.url));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('shows the API with its tags, both cancel forms and the demo tokens', async () => {
    await page.goto(`${host.url}/docs`);
    await operationBlock(page, 'Backup sharing', 'shareBackup').waitFor();
    await expect(page.locator('.info .title').innerText()).resolves.toContain('Block storage API (demo) with backup sharing');
    await expect(page.locator('.info').innerText()).resolves.toContain(`owner-token`);
    await expect(page.locator('.info').innerText()).resolves.toContain(DEMO_PROJECTS.owner);
    const tags = await page.locator('.opblock-tag-section h3 .opblock-tag, h3.opblock-tag').allInnerTexts();
    expect(tags.map((tag) => tag.trim().split('\n')[0])).toEqual(expect.arrayContaining(['Backup sharing', 'Backups']));
    const collection = operationBlock(page, 'Backup sharing', 'cancelBackupSharingsOfBackup');
    await expect(collection.locator('.opblock-summary-description').innerText()).resolves.toContain('?backup_id=');
    const byId = operationBlock(page, 'Backup sharing', 'cancelBackupSharing');
    await expect(byId.locator('.opblock-summary-description').innerText()).resolves.toContain('is_backup_id=true');
    await screenshot(page, '01-docs');
    await page.locator('#operations-tag-Backup_sharing').evaluate((tag) => tag.scrollIntoView());
    await screenshot(page, '02-operations');
  });

  it('authorizes with the demo token owner-token', async () => {
    await authorize(page, TOKENS.owner, { folder: 'swagger-ui', name: '03-authorize' });
  });

  it('shares the seeded backup with the recipient project through Try it out', async () => {
    const block = await tryOut(page, 'Backup sharing', 'shareBackup');
    // Pre-filled as documented: nothing to type for the first trial.
    await expect(parameterInput(block, 'project_id').inputValue()).resolves.toBe(DEMO_PROJECTS.owner);
    const body = JSON.parse(await block.locator('textarea.body-param__text').inputValue());
    expect(body).toEqual({ shared: { backup_id: DEMO_BACKUPS.nightly, to_project_ids: [DEMO_PROJECTS.recipient] } });

    const answer = await execute(block);
    expect(answer.curl).toContain('X-Auth-Token: owner-token');
    expect(answer.curl).toContain(`/v2/${DEMO_PROJECTS.owner}/os-vendor-backup-sharing`);
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: expect.any(String) });
    const shared: Schemas['ShareBackupResponse'] = JSON.parse(answer.body);
    expect(shared.shared).toHaveLength(1);
    expect(shared.shared[0]).toMatchObject({
      backup_id: DEMO_BACKUPS.nightly,
      from_project_id: DEMO_PROJECTS.owner,
      to_project_id: DEMO_PROJECTS.recipient,
      deleted: null,
    });
    sharingId = shared.shared[0].id;
    await screenshot(page, '05-share-200', block.locator('.live-responses-table'));
  });

  it('lists the new sharing', async () => {
    const block = await tryOut(page, 'Backup sharing', 'listBackupSharings');
    const answer = await execute(block);
    expect(answer.status).toBe(200);
    const list: Schemas['ListSharingsResponse'] = JSON.parse(answer.body);
    expect(list.shared.map((sharing) => sharing.id)).toEqual([sharingId]);
    expect(list.shared[0].backup?.name).toBe('db-nightly');
    await screenshot(page, '06-list-200', block.locator('.live-responses-table'));
  });

  it('cancels every sharing of the backup with is_backup_id=true', async () => {
    const block = await tryOut(page, 'Backup sharing', 'cancelBackupSharing');
    // `id` comes pre-filled with a sharing ID; a person types the backup ID the description names.
    await parameterInput(block, 'id').fill(DEMO_BACKUPS.nightly);
    await block.locator('tr[data-param-name="is_backup_id"] select').selectOption('true');
    await screenshot(page, '07-cancel-request', block.locator('button.execute'));

    const answer = await execute(block);
    expect(answer.curl).toContain(`/os-vendor-backup-sharing/${DEMO_BACKUPS.nightly}?is_backup_id=true`);
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: '' });
    expect(answer.headers).toContain('content-length: 0');
    expect(answer.headers).toMatch(/x-openstack-request-id: req-[0-9a-f-]{36}/);
    await screenshot(page, '08-cancel-200', block.locator('.live-responses-table'));

    // The page's list now shows nothing, and the recipient lost the sharing for real.
    const list = operationBlock(page, 'Backup sharing', 'listBackupSharings');
    const again = await execute(list);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ shared: [] });
    await screenshot(page, '09-list-empty', list.locator('.live-responses-table'));
    const recipient = await host.http.get(`/v2/${DEMO_PROJECTS.recipient}/backups/${DEMO_BACKUPS.nightly}`).set('X-Auth-Token', TOKENS.recipient);
    expect(recipient.status).toBe(404);
  });

  it('loaded nothing from outside the host and raised no page error', () => {
    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
