import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Locator, Page, chromium } from 'playwright-core';

// Driving Swagger UI in headless Chromium as a person does: Authorize, "Try it out", "Execute",
// and reading the answer the page shows. Used by the browser suite (test/browser/).

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Screenshots go below test-output/ (not committed). */
const SCREENSHOTS = join(__dirname, '..', '..', 'test-output');

export interface SwaggerUiSession {
  browser: Browser;
  page: Page;
  /** Requests the page tried to send anywhere but the host (refused). */
  offHost: string[];
  pageErrors: string[];
}

/** A browser page that may load from `hostUrl` only: anything else is recorded and refused. */
export async function openSwaggerUiSession(hostUrl: string): Promise<SwaggerUiSession> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  // Fail on a missing element within seconds, with its selector, not at the test's timeout.
  page.setDefaultTimeout(15_000);
  const session: SwaggerUiSession = { browser, page, offHost: [], pageErrors: [] };
  page.on('pageerror', (error) => session.pageErrors.push(error.message));
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.origin === hostUrl) return route.continue();
    session.offHost.push(route.request().url());
    return route.abort();
  });
  return session;
}

/** Swagger UI's element ID of an operation: `operations-<tag, spaces as _>-<operationId>`. */
export const operationBlock = (page: Page, tag: string, operationId: string) => page.locator(`#operations-${tag.replace(/ /g, '_')}-${operationId}`);

export async function screenshot(page: Page, folder: string, name: string, focus?: Locator): Promise<void> {
  mkdirSync(join(SCREENSHOTS, folder), { recursive: true });
  if (focus) await focus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, folder, `${name}.png`) });
}

/** Opens an operation and switches it to "Try it out". */
export async function tryOut(block: Locator): Promise<Locator> {
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

export interface ShownAnswer {
  status: number;
  body: string;
  headers: string;
  curl: string;
}

/**
 * Presses Execute and reads the answer as Swagger UI shows it: status, body text, headers and
 * the curl line. Waits for this request's answer, not one a previous Execute left on the page.
 */
export async function execute(block: Locator): Promise<ShownAnswer> {
  const clear = block.locator('button.btn-clear');
  if ((await clear.count()) > 0) await clear.click();
  await block.locator('button.execute').click();
  const live = block.locator('.live-responses-table');
  await live.waitFor();
  const status = Number((await live.locator('tbody .response-col_status').first().innerText()).trim());
  const curl = (await block.locator('.curl-command').innerText()).trim();
  return { status, body: await section(live, 'Response body'), headers: await section(live, 'Response headers'), curl };
}

export function parameterInput(block: Locator, name: string): Locator {
  return block.locator(`tr[data-param-name="${name}"] input[type="text"]`);
}

/** Authorize: the X-Auth-Token value every operation sends from then on (replacing any before). */
export async function authorize(page: Page, token: string, shots?: { folder: string; name: string }): Promise<void> {
  await page.locator('.scheme-container button.authorize').click();
  const dialog = page.locator('.modal-ux');
  await dialog.waitFor();
  const logout = dialog.getByRole('button', { name: 'Remove authorization' });
  if ((await logout.count()) > 0) await logout.click();
  await dialog.locator('input[type="text"]').fill(token);
  if (shots) await screenshot(page, shots.folder, `${shots.name}-token`);
  await dialog.getByRole('button', { name: 'Apply credentials' }).click();
  await logout.waitFor();
  if (!(await dialog.innerText()).includes('Authorized')) throw new Error('Swagger UI did not show "Authorized"');
  if (shots) await screenshot(page, shots.folder, `${shots.name}-authorized`);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });
}
