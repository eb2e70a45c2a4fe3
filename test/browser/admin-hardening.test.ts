// The admin panel against pages on other origins, in a real headless Chromium: a form on a sibling
// subdomain (same site: SameSite=Lax sends the admin's cookie along) and one on another site post
// to the panel with the signed-in admin's cookie and change nothing; another origin cannot frame
// the panel. Chromium resolves the made-up host names to loopback (--host-resolver-rules); the
// attacker's pages come from a second loopback server on another port.
// Needs Debian's chromium and `npm run build` first, as admin-tokens.test.ts does.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestHost } from '../helpers/host.js';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';

const SUPER = { email: 'super@example.com', password: 'super-admin-demo' };

const ownBundleDir = process.env.ADMIN_JS_TMP_DIR ? null : mkdtempSync(path.join(tmpdir(), 'api-access-adminjs-'));
if (ownBundleDir) process.env.ADMIN_JS_TMP_DIR = ownBundleDir;

describe('the admin panel against pages on other origins', { timeout: 170_000 }, () => {
  let t: TestHost;
  let panelServer: Server;
  let attackerServer: Server;
  let panel: string;
  let attackerPort: number;
  let browser: Browser;
  let page: Page;
  let attackerPage = '';

  before(async () => {
    assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: run node scripts/ensure-chromium.mjs`);
    const { startTestHost } = await import('../helpers/host.js');
    t = await startTestHost({ adminRequests: {} }); // the example host's default: only the panel's own requests
    panelServer = t.host.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => panelServer.once('listening', resolve).once('error', reject));
    panel = `http://admin.example.test:${(panelServer.address() as AddressInfo).port}`;
    attackerServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage));
    await new Promise<void>((resolve) => attackerServer.listen(0, '127.0.0.1', resolve));
    attackerPort = (attackerServer.address() as AddressInfo).port;
    const launching = launchChromium(['--host-resolver-rules=MAP admin.example.test 127.0.0.1, MAP evil.example.test 127.0.0.1, MAP attacker.test 127.0.0.1']);
    try {
      const res = await fetch(`http://127.0.0.1:${(panelServer.address() as AddressInfo).port}/admin/frontend/assets/components.bundle.js`, {
        signal: AbortSignal.timeout(120_000),
      });
      assert.equal(res.status, 200);
    } finally {
      browser = await launching;
    }
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    await context.route('**/*', (route) => (new URL(route.request().url()).hostname.endsWith('.test') ? route.continue() : route.abort()));
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    // Signing in through the panel's own form passes the guard (Sec-Fetch-Site: same-origin).
    await page.goto(`${panel}/admin/login`);
    await page.locator('input[name="email"]').fill(SUPER.email);
    await page.locator('input[name="password"]').fill(SUPER.password);
    await page.locator('form button').click();
    await page
      .waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/', { timeout: 60_000 })
      .catch(async (error) =>
        assert.fail(
          `sign-in did not reach the panel (${page.url()}): ${(
            await page
              .locator('body')
              .innerText()
              .catch(() => '')
          ).slice(0, 300)} ${error}`,
        ),
      );
  });

  after(async () => {
    await browser?.close();
    for (const server of [panelServer, attackerServer]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await t?.close();
    if (ownBundleDir) rmSync(ownBundleDir, { recursive: true, force: true });
  });

  for (const attacker of ['evil.example.test', 'attacker.test']) {
    it(`a form on ${attacker} that posts to the panel with the admin's cookie changes nothing`, async () => {
      const before = await t.host.prisma.apiToken.count();
      const events = await t.host.prisma.apiAuditEvent.count();
      attackerPage = `<!doctype html><form method="post" action="${panel}/admin/api/resources/ApiToken/actions/new">
        <input name="name" value="planted by ${attacker}"><input name="roleIds.0" value="${t.roles.vaultSummary}"><input name="expiry.type" value="never">
        </form><script>document.forms[0].submit()</script>`;
      const answer = page.waitForResponse((res) => res.url().startsWith(`${panel}/admin/api/`) && res.request().method() === 'POST');
      await page.goto(`http://${attacker}:${attackerPort}/`);
      const res = await answer;
      assert.equal(res.status(), 403);
      assert.match(await res.text(), /did not come from the admin panel itself/);
      assert.equal(await t.host.prisma.apiToken.count(), before, 'no token was made');
      assert.equal(await t.host.prisma.apiAuditEvent.count(), events, 'nothing was audited');
      await page.screenshot({ path: path.join('test-output', `cross-site-post-${attacker}.png`) }).catch(() => undefined);
    });
  }

  it('the panel refuses to render inside a frame on another origin', async () => {
    attackerPage = `<!doctype html><h1>Win a prize</h1><iframe name="panel" src="${panel}/admin/resources/ApiToken" width="900" height="600"></iframe>`;
    const framed = page.waitForResponse((res) => res.url().startsWith(`${panel}/admin/resources/ApiToken`));
    await page.goto(`http://evil.example.test:${attackerPort}/`);
    const res = await framed;
    assert.match(String(res.headers()['content-security-policy']), /frame-ancestors 'self'/);
    await page.waitForTimeout(1_000);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.ok(frame, 'the frame element exists');
    assert.ok(!frame.url().startsWith(panel), `the frame shows ${frame.url()}, not the panel`);
    const rendered = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    assert.doesNotMatch(rendered, /Api Token|API Access/i, 'no panel content in the frame');
    await page.screenshot({ path: path.join('test-output', 'framed-panel.png') }).catch(() => undefined);
  });
});
