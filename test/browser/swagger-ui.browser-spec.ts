import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Locator, Page, chromium } from 'playwright-core';
import { Schemas } from '../support/openapi-contract';
import { DEMO_BACKUPS, DEMO_PROJECTS, TOKENS, TestHost, startTestHost } from '../support/test-host';

// A person's trial of the API in Swagger UI, in headless Chromium against the demo host:
// Authorize with a demo token, then share the seeded backup, list it and cancel it with
// is_backup_id=true through "Try it out", reading the status and body the page shows.

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'swagger-ui');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Swagger UI's element ID of an operation: `operations-<tag, spaces as _>-<operationId>`. */
const operationBlock = (page: Page, tag: string, operationId: string) => page.locator(`#operations-${tag.replace(/ /g, '_')}-${operationId}`);

async function screenshot(page: Page, name: string, focus?: Locator): Promise<void> {
  if (focus) await focus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Opens an operation and switches it to "Try it out". */
async function tryOut(page: Page, tag: string, operationId: string): Promise<Locator> {
  const block = operationBlock(page, tag, operationId);
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  await block.locator('button.execute').waitFor();
  return block;
}

/** The text under one of the answer's headings ("Response body", "Response headers"), '' when absent. */
async function section(live: Locator, heading: string): Promise<string> {
  const text = live.locator(`div:has(> h5:text-is("${heading}")) pre`);
  return (await text.count()) > 0 ? (await text.first().innerText()).trim() : '';
}

/**
 * Presses Execute and reads the answer as Swagger UI shows it: status, body text, headers and
 * the curl line. Waits for this request's answer, not one a previous Execute left on the page.
 */
async function execute(block: Locator): Promise<{ status: number; body: string; headers: string; curl: string }> {
  const clear = block.locator('button.btn-clear');
  if ((await clear.count()) > 0) await clear.click();
  await block.locator('button.execute').click();
  const live = block.locator('.live-responses-table');
  await live.waitFor();
  const status = Number((await live.locator('tbody .response-col_status').first().innerText()).trim());
  const curl = (await block.locator('.curl-command').innerText()).trim();
  return { status, body: await section(live, 'Response body'), headers: await section(live, 'Response headers'), curl };
}

async function parameterInput(block: Locator, name: string): Promise<Locator> {
  return block.locator(`tr[data-param-name="${name}"] input[type="text"]`);
}

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
  const offHost: string[] = [];
  const pageErrors: string[] = [];
  let sharingId: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    host = await startTestHost();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    // Fail on a missing element within seconds, with its selector, not at the test's timeout.
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The page must work from this host alone: record and refuse anything else.
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.origin === host.url) return route.continue();
      offHost.push(route.request().url());
      return route.abort();
    });
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
    await page.locator('.scheme-container button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.waitFor();
    await expect(dialog.innerText()).resolves.toContain('X-Auth-Token');
    await dialog.locator('input[type="text"]').fill(TOKENS.owner);
    await screenshot(page, '03-authorize-token');
    await dialog.getByRole('button', { name: 'Apply credentials' }).click();
    await dialog.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await expect(dialog.innerText()).resolves.toContain('Authorized');
    await screenshot(page, '04-authorized');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shares the seeded backup with the recipient project through Try it out', async () => {
    const block = await tryOut(page, 'Backup sharing', 'shareBackup');
    // Pre-filled as documented: nothing to type for the first trial.
    await expect((await parameterInput(block, 'project_id')).inputValue()).resolves.toBe(DEMO_PROJECTS.owner);
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
    // `id` offers two documented examples; pick the backup ID one, as a person would.
    await block.locator('tr[data-param-name="id"] .examples-select select').selectOption({ label: 'A backup ID (is_backup_id=true)' });
    await expect((await parameterInput(block, 'id')).inputValue()).resolves.toBe(DEMO_BACKUPS.nightly);
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
