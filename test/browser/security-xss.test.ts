// Markup in what admins type is shown as text, never run, on every screen that shows it: a real
// headless Chromium against the real example host. Tokens are named and described with
// <img src=x onerror=…> and <script>…</script>, given to a role whose name and description carry
// markup too, and used on the sample API so that request logs and audit events carry the names.
// Every list, show, edit and action page that shows them must render the literal text, create no
// element from it, and leave window.__xss undefined (the payloads set it if they ever run).
// Needs Debian's chromium and `npm run build` first, as admin-tokens.test.ts does.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestHost } from '../helpers/host.js';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { closeServer } from '../helpers/close-server.js';

const SUPER = { email: 'super@example.com', password: 'super-admin-demo' };
const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=1</script>';
const SVG = '"><svg onload=window.__xss=1>';
const ROLE = `Role ${IMG}`;

// As in admin-tokens.test.ts: AdminJS bundles the screens into ADMIN_JS_TMP_DIR, which must be set
// before adminjs loads, hence the dynamic import of the host below.
const ownBundleDir = process.env.ADMIN_JS_TMP_DIR ? null : mkdtempSync(path.join(tmpdir(), 'api-access-adminjs-'));
if (ownBundleDir) process.env.ADMIN_JS_TMP_DIR = ownBundleDir;

describe('markup typed by admins is shown as text on every screen', { timeout: 170_000 }, () => {
  let t: TestHost;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  let imgToken = '';
  let scriptToken = '';
  let roleId = '';

  before(async () => {
    assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: run node scripts/ensure-chromium.mjs`);
    const { startTestHost } = await import('../helpers/host.js');
    t = await startTestHost();
    const svc = t.host.apiAccess.service;
    const role = await svc.createRole(t.superAdmin, { name: ROLE, description: `${SCRIPT} ${SVG}`, scopes: ['vault-summary:read'] });
    roleId = role.id;
    const a = await svc.create(t.superAdmin, {
      name: IMG,
      description: `${SCRIPT} and ${SVG}`,
      tags: ['javascript:alert/1', 'on error'],
      roleIds: [role.id],
      expiry: { type: 'days', days: 30 },
    });
    const b = await svc.create(t.superAdmin, { name: SCRIPT, description: IMG, roleIds: [role.id, t.roles.onboarding], expiry: { type: 'never' } });
    imgToken = a.token.id;
    scriptToken = b.token.id;
    await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${a.secret}`).expect(200);
    await t.request.get('/api/v1/onboarding').set('Authorization', `Bearer ${b.secret}`).expect(200);
    await t.host.apiAccess.flush();

    server = t.host.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const launching = launchChromium();
    try {
      const res = await fetch(`${base}/admin/frontend/assets/components.bundle.js`, { signal: AbortSignal.timeout(120_000) });
      assert.equal(res.status, 200, `components bundle: ${(await res.text()).slice(0, 300)}`);
    } finally {
      browser = await launching;
    }
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 900 } });
    await context.route('**/*', (route) => (new URL(route.request().url()).origin === base ? route.continue() : route.abort()));
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto('/admin/login');
    await page.locator('input[name="email"]').fill(SUPER.email);
    await page.locator('input[name="password"]').fill(SUPER.password);
    await page.locator('form button').click();
    await page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/');
  });

  after(async () => {
    await browser?.close();
    await closeServer(server);
    await t?.close();
    if (ownBundleDir) rmSync(ownBundleDir, { recursive: true, force: true });
  });

  /** Opens a screen, waits until it shows every one of `texts` literally, then checks nothing ran. */
  async function expectLiteral(url: string, texts: string[]): Promise<void> {
    await page.goto(url);
    await page
      .waitForFunction(
        (wanted) =>
          wanted.every(
            (s) =>
              document.body.innerText.includes(s) ||
              Array.from(document.querySelectorAll('input, textarea'), (e) => (e as HTMLInputElement).value).some((v) => v.includes(s)),
          ),
        texts,
      )
      .catch(async () => assert.fail(`${url} does not show ${JSON.stringify(texts)} as text: ${(await page.locator('body').innerText()).slice(0, 800)}`));
    await page.waitForTimeout(300); // let an injected image fail to load and its onerror run, were there one
    const state = await page.evaluate(() => ({
      xss: (window as { __xss?: unknown }).__xss,
      injected: document.querySelectorAll('img[src="x"], svg[onload], img[onerror], script:not([src])').length,
      inlineScripts: Array.from(document.querySelectorAll('script:not([src])'), (s) => s.textContent ?? '').filter((s) => s.includes('__xss')).length,
    }));
    assert.equal(state.xss, undefined, `${url}: a payload ran`);
    assert.equal(state.inlineScripts, 0, `${url}: a payload became a script`);
    const injected = await page.locator('img[src="x"], svg[onload], img[onerror]').count();
    assert.equal(injected, 0, `${url}: a payload became an element`);
    assert.deepEqual(dialogs, []);
  }

  it('the token list', async () => {
    await expectLiteral('/admin/resources/ApiToken', [IMG, SCRIPT]);
  });

  it('the token show pages', async () => {
    await expectLiteral(`/admin/resources/ApiToken/records/${imgToken}/show`, [IMG, SCRIPT, SVG.slice(2), ROLE, 'javascript:alert/1']);
    await expectLiteral(`/admin/resources/ApiToken/records/${scriptToken}/show`, [SCRIPT, IMG, ROLE]);
  });

  it('the edit, rotate, regenerate and disable pages of a token', async () => {
    await expectLiteral(`/admin/resources/ApiToken/records/${imgToken}/edit`, [IMG]);
    for (const action of ['rotate', 'regenerate', 'disable']) await expectLiteral(`/admin/resources/ApiToken/records/${imgToken}/${action}`, [IMG]);
  });

  it('the token search results and a filtered list', async () => {
    await expectLiteral(`/admin/resources/ApiToken?filters.roles=${encodeURIComponent(ROLE)}`, [IMG, SCRIPT]);
    await expectLiteral(`/admin/resources/ApiToken?filters.name=${encodeURIComponent('<img')}`, [IMG]);
  });

  it('request logs, the audit log and an audit event', async () => {
    await expectLiteral('/admin/resources/ApiRequestLog', [IMG, SCRIPT]);
    await expectLiteral('/admin/resources/ApiAuditEvent', [IMG, SCRIPT]);
    const event = await t.host.prisma.apiAuditEvent.findFirstOrThrow({ where: { tokenId: imgToken, action: 'token.created' } });
    await expectLiteral(`/admin/resources/ApiAuditEvent/records/${event.id}/show`, [IMG]);
  });

  it('roles, a role, its edit form, and role assignments', async () => {
    await expectLiteral('/admin/resources/ApiRole', [ROLE]);
    await expectLiteral(`/admin/resources/ApiRole/records/${roleId}/show`, [ROLE, SCRIPT]);
    await expectLiteral(`/admin/resources/ApiRole/records/${roleId}/edit`, [ROLE]);
    await expectLiteral('/admin/resources/ApiTokenRole', [ROLE]);
  });

  it('raised no page error and no dialog anywhere', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(dialogs, []);
  });
});
