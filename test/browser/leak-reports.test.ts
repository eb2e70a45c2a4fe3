// The leak screens in a real headless Chromium, against the real example host: "Check text for
// tokens" finds a token in a pasted log, shows it masked and revokes it with one click (refused
// on the API at once); "Report leaked" on another token asks where it was found; both tokens'
// pages then show the "Reported leaked" banner with the link. Needs Debian's chromium and
// `npm run build` first (the host loads the plugin, and AdminJS bundles its screens, from dist/).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { IssuedToken } from 'adminjs-api-access';
import type { TestHost } from '../helpers/host.js';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { closeServer } from '../helpers/close-server.js';

const SCREENSHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
const FOUND_AT = 'https://github.com/octo-org/octo-repo/blob/4f2a1c9/deploy/values.yml';

// A fresh AdminJS bundle folder per run (see admin-tokens.test.ts), set before adminjs loads.
const ownBundleDir = process.env.ADMIN_JS_TMP_DIR ? null : mkdtempSync(path.join(tmpdir(), 'api-access-adminjs-'));
if (ownBundleDir) process.env.ADMIN_JS_TMP_DIR = ownBundleDir;

describe('leak screens in a browser', { timeout: 170_000 }, () => {
  let t: TestHost;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  let pasted: IssuedToken;
  let reported: IssuedToken;
  const pageErrors: string[] = [];

  async function screenshot(name: string) {
    const viewport = page.viewportSize()!;
    const contentHeight = await page.evaluate(() => Math.max(...Array.from(document.querySelectorAll('body *'), (el) => el.scrollHeight)));
    if (contentHeight > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.min(contentHeight + 100, 6000) });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.setViewportSize(viewport);
  }

  async function apiStatus(secret: string): Promise<number> {
    const res = await fetch(`${base}/api/v1/whoami`, { headers: { authorization: `Bearer ${secret}` } });
    await res.arrayBuffer();
    return res.status;
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: run node scripts/ensure-chromium.mjs`);
    const { startTestHost } = await import('../helpers/host.js');
    t = await startTestHost();
    const make = (name: string) => t.host.apiAccess.service.create(t.superAdmin, { name, roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } });
    await t.host.prisma.apiToken.deleteMany({ where: { name: 'Adoption report' } }); // room under the limit of five
    pasted = await make('Deploy bot');
    reported = await make('Billing sync');
    server = t.host.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const bundle = async () => {
      const res = await fetch(`${base}/admin/frontend/assets/components.bundle.js`, { signal: AbortSignal.timeout(120_000) });
      const body = await res.text();
      assert.equal(res.status, 200, `components bundle: ${body.slice(0, 500)}`);
      assert.match(body, /ApiAccessCheckText/, 'the bundle holds the leak screens');
    };
    const launching = launchChromium();
    try {
      await bundle();
    } finally {
      browser = await launching;
    }
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 900 } });
    await context.route('**/*', (route) => (new URL(route.request().url()).origin === base ? route.continue() : route.abort()));
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)));
    await page.goto('/admin/login');
    await page.locator('input[name="email"]').fill('super@example.com');
    await page.locator('input[name="password"]').fill('super-admin-demo');
    await page.locator('form button').click();
    await page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/');
  });

  after(async () => {
    await browser?.close();
    await closeServer(server);
    await t?.close();
    if (ownBundleDir) rmSync(ownBundleDir, { recursive: true, force: true });
  });

  it('Check text for tokens: a pasted log shows the token masked, and one click revokes it', async () => {
    await page.goto('/admin/resources/ApiToken');
    await page.getByTestId('action-checkText').click();
    await page.waitForURL('**/admin/resources/ApiToken/actions/checkText');
    const log = [
      '2026-12-05T08:59:58Z INFO deploy starting',
      `2026-12-05T08:59:59Z DEBUG calling https://api.example.com/v1/vaults with Authorization: Bearer ${pasted.secret}`,
      '2026-12-05T09:00:00Z INFO deploy finished',
    ].join('\n');
    await page.getByTestId('field-check-text').fill(log);
    await page.getByTestId('button-check-text').click();
    const row = page.getByTestId('found-token');
    await row.waitFor();
    assert.equal(await row.count(), 1);
    const masked = await page.getByTestId('found-token-masked').textContent();
    assert.equal(masked, `aat_••••••••${pasted.secret.slice(-4)}`);
    assert.ok(!(await page.getByTestId('check-text-results').innerText()).includes(pasted.secret.slice(4, 20)), 'the results never show the secret');
    await screenshot('leak-01-check-text-found');
    await page.getByTestId('button-revoke').click();
    await page.getByTestId('found-token-revoked').waitFor();
    assert.equal(await page.getByTestId('found-token-revoked').textContent(), 'Disabled');
    assert.equal(await apiStatus(pasted.secret), 401, 'refused on the API at once');
    await screenshot('leak-02-check-text-revoked');
  });

  it('Report leaked asks where it was found; the token page then shows the banner with the link', async () => {
    await page.goto(`/admin/resources/ApiToken/records/${reported.token.id}/show`);
    await page.getByTestId('action-reportLeak').click();
    await page.waitForURL(`**/records/${reported.token.id}/reportLeak`);
    await page.getByTestId('report-leak-form').waitFor();
    await screenshot('leak-03-report-form');
    await page.getByTestId('button-report-leak').click();
    await page.getByTestId('error-url').waitFor();
    assert.equal(await apiStatus(reported.secret), 200, 'nothing changed without a URL');
    await page.getByTestId('field-leak-url').fill(FOUND_AT);
    await page.getByTestId('button-report-leak').click();
    await page.waitForURL(`**/records/${reported.token.id}/show`);
    await page.getByTestId('leak-banner').waitFor();
    assert.equal(await page.getByTestId('leak-url').getAttribute('href'), FOUND_AT);
    assert.match(await page.getByTestId('leak-banner').innerText(), /Reported by super@example\.com on .* UTC\. The token was disabled\./);
    assert.equal(await apiStatus(reported.secret), 401);
    await screenshot('leak-04-banner');

    // The token revoked from the pasted text has its banner too, with no link (none was given).
    await page.goto(`/admin/resources/ApiToken/records/${pasted.token.id}/show`);
    await page.getByTestId('leak-banner').waitFor();
    assert.match(await page.getByTestId('leak-banner').innerText(), /in a place the report does not name/);
    assert.deepEqual(pageErrors, []);
  });
});
