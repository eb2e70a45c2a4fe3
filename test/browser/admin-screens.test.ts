// The token screens judged as a person sees them, in a real headless Chromium at a laptop's
// 1280×800 against the real example host: every list cell on one line without a broken word,
// long names cut with an ellipsis and whole on hover, no raw code on any page (audit codes, IPv4
// mapped into IPv6, "Length:", internal field names), dates in one format with the zone, a custom
// expiry at the end of the chosen day in the admin's zone, errors worded for people beside their
// fields, the reveal panel's button in view, a deleted token's page, the ordinary admin's view, and
// Copy on a plain-http origin that the browser does not count as secure. Every screen is saved to
// test-output/screenshots/screens-*.png. Needs `npm run build` first and Debian's chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestHost } from '../helpers/host.js';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { closeServer } from '../helpers/close-server.js';

const SCREENSHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
const SUPER = { email: 'super@example.com', password: 'super-admin-demo' };
const ADMIN = { email: 'admin@example.com', password: 'admin-demo' };
const LAPTOP = { width: 1280, height: 800 };
/** The admin's zone in the browser: not the server's (UTC), so that a wrong zone shows. */
const ZONE = 'Europe/Berlin';
const LONG_NAME = 'Quarterly compliance evidence export for the external auditors in the EU region';
const INSECURE_HOST = 'backoffice.test';

/** Each list's title, as the admin's locale names it. */
const LIST_TITLES: Record<string, string> = {
  ApiToken: 'API tokens',
  ApiRequestLog: 'Request logs',
  ApiAuditEvent: 'Audit trail',
  ApiRole: 'Roles',
  ApiTokenRole: 'Role assignments',
  ApiTokenAdminGrant: 'Token admins',
};
/** What must never be shown to a person: codes written for programs. */
const RAW_CODE: Array<[RegExp, string]> = [
  [/\b(token|role|token_admin)\.(created|rotated|regenerated|edited|enabled|disabled|deleted|rotated_secret_used|granted|revoked)\b/, 'an audit code'],
  [/::ffff:/i, 'an IPv4 address mapped into IPv6'],
  [/Length:/, "AdminJS's array length"],
  [/\b(name|description|tags|roleIds|allowedIps|expiry|ownerId|graceSeconds|userId|scopes|filters\.\w+):\s/, 'an internal field name followed by a colon'],
  [/cannot be found|does not have an action|not authorized/i, 'an AdminJS error'],
];

const ownBundleDir = process.env.ADMIN_JS_TMP_DIR ? null : mkdtempSync(path.join(tmpdir(), 'api-access-adminjs-'));
if (ownBundleDir) process.env.ADMIN_JS_TMP_DIR = ownBundleDir;

describe("API Access screens at a laptop's size", { timeout: 400_000 }, () => {
  let t: TestHost;
  let server: Server;
  let port = 0;
  let base = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page;
  const pageErrors: string[] = [];
  let longTokenId = '';
  let deletedTokenId = '';

  async function newPage(origin: string, options: { timezoneId?: string } = {}): Promise<Page> {
    const context = await browser.newContext({ baseURL: origin, viewport: LAPTOP, ...options });
    contexts.push(context);
    // Only the host: AdminJS's layout links web fonts on the internet, which this test must not wait for.
    await context.route('**/*', (route) => (new URL(route.request().url()).port === String(port) ? route.continue() : route.abort()));
    const p = await context.newPage();
    p.setDefaultTimeout(30_000);
    p.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)));
    return p;
  }

  async function signIn(p: Page, who: { email: string; password: string }) {
    await p.goto('/admin/login');
    await p.locator('input[name="email"]').fill(who.email);
    await p.locator('input[name="password"]').fill(who.password);
    await p.locator('form button').click();
    await p.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/');
  }

  /** The whole screen: AdminJS scrolls inside its layout, so the window is made as tall as the content. */
  async function screenshot(p: Page, name: string) {
    const viewport = p.viewportSize()!;
    const contentHeight = await p.evaluate(() => Math.max(...Array.from(document.querySelectorAll('body *'), (el) => el.scrollHeight)));
    if (contentHeight > viewport.height) await p.setViewportSize({ width: viewport.width, height: Math.min(contentHeight + 100, 6000) });
    await p.screenshot({ path: path.join(SCREENSHOTS, `screens-${name}.png`), fullPage: true });
    await p.setViewportSize(viewport);
  }

  async function assertNoRawCode(p: Page, screen: string) {
    const text = await p.evaluate(() => {
      const titles = Array.from(document.querySelectorAll('[title]'), (el) => el.getAttribute('title') ?? '');
      return `${document.body.innerText}\n${titles.join('\n')}`;
    });
    for (const [pattern, what] of RAW_CODE) {
      const found = pattern.exec(text);
      assert.equal(found, null, `${screen} shows ${what}: "${found ? text.slice(Math.max(0, found.index - 40), found.index + 40) : ''}"`);
    }
  }

  /**
   * Every cell of the list's table on the page fits: nothing overflows its cell or the page, no
   * word is broken across lines, and text cut with an ellipsis carries the whole text on hover.
   */
  async function assertListFits(p: Page, screen: string): Promise<{ truncated: string[] }> {
    await p.locator('table tbody tr').first().waitFor();
    // Titled with what it lists, not AdminJS's generic "List".
    const resource = new URL(p.url()).pathname.split('/')[3];
    const title = (await p.locator(`[data-css="${resource}-list-action-header"] h2`).innerText()).replace(/\s*\d+$/, '').trim();
    assert.equal(title, LIST_TITLES[resource!], `${screen}: the page's title`);
    const report = await p.evaluate(() => {
      const problems: string[] = [];
      const truncated: string[] = [];
      const page = document.scrollingElement!;
      if (page.scrollWidth > page.clientWidth + 1) problems.push(`the page scrolls sideways (${page.scrollWidth} > ${page.clientWidth})`);
      const table = document.querySelector('table')!;
      let box: HTMLElement | null = table.parentElement;
      while (box && box !== document.body) {
        if (box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== 'visible')
          problems.push(`the table's box scrolls sideways (${box.scrollWidth} > ${box.clientWidth})`);
        box = box.parentElement;
      }
      for (const cell of Array.from(table.querySelectorAll('td, th'))) {
        const label = `${cell.getAttribute('data-property-name') ?? cell.tagName} "${(cell.textContent ?? '').trim().slice(0, 40)}"`;
        if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`${label} overflows its cell (${cell.scrollWidth} > ${cell.clientWidth})`);
        for (const cut of Array.from(cell.querySelectorAll<HTMLElement>('[data-truncate]'))) {
          if (cut.scrollWidth > cut.clientWidth + 1) {
            const style = getComputedStyle(cut);
            if (style.textOverflow !== 'ellipsis' || style.whiteSpace !== 'nowrap') problems.push(`${label} is cut without an ellipsis`);
            if (cut.getAttribute('title') !== (cut.textContent ?? '')) problems.push(`${label} is cut without the whole text on hover`);
            truncated.push(cut.getAttribute('title') ?? '');
          }
        }
        // A word broken across lines has more than one line box.
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          for (const match of text.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index!);
            range.setEnd(node, match.index! + match[0].length);
            const tops = new Set(
              Array.from(range.getClientRects())
                .filter((r) => r.width > 0)
                .map((r) => Math.round(r.top)),
            );
            if (tops.size > 1) problems.push(`${label}: the word "${match[0]}" is broken across ${tops.size} lines`);
          }
        }
      }
      return { problems, truncated };
    });
    assert.deepEqual(report.problems, [], `${screen} at 1280×800`);
    return { truncated: report.truncated };
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: run node scripts/ensure-chromium.mjs`);
    const { startTestHost } = await import('../helpers/host.js');
    t = await startTestHost();
    server = t.host.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    const bundle = async () => {
      const res = await fetch(`${base}/admin/frontend/assets/components.bundle.js`, { signal: AbortSignal.timeout(180_000) });
      const body = await res.text();
      assert.equal(res.status, 200, `components bundle: ${body.slice(0, 500)}`);
    };
    const launching = launchChromium([
      // A name for the host that the browser does not count as secure (loopback addresses and localhost it does).
      `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
    ]);
    try {
      await bundle();
    } finally {
      browser = await launching;
    }

    // A token with a long name that has been used from an IPv4 client seen as IPv6, with a log
    // row of a long path; and a token deleted by the super admin.
    const svc = t.host.apiAccess.service;
    const long = await svc.create(t.superAdmin, {
      name: LONG_NAME,
      description: 'Evidence for the yearly audit',
      tags: ['compliance', 'eu', 'external'],
      roleIds: [t.roles.vaultSummary, t.roles.securityAudit, t.roles.onboarding],
      expiry: { type: 'days', days: 365 },
    });
    longTokenId = long.token.id;
    await t.host.prisma.apiToken.update({
      where: { id: longTokenId },
      data: { lastUsedAt: new Date(Date.now() - 3 * 3_600_000), lastUsedIp: '::ffff:10.1.2.3' },
    });
    await t.host.prisma.apiRequestLog.create({
      data: {
        tokenId: longTokenId,
        tokenName: LONG_NAME,
        method: 'GET',
        path: `/api/v1/vaults/${'a'.repeat(40)}/security-health/summary?include=members,groups,policies`,
        status: 200,
        ip: '::ffff:10.1.2.3',
        userAgent: 'evidence-exporter/2.3 (+https://auditors.example.com/tools/evidence-exporter)',
        durationMs: 1234,
      },
    });
    const doomed = await svc.create(t.superAdmin, { name: 'Retired partner feed', roleIds: [t.roles.onboarding], expiry: { type: 'days', days: 30 } });
    deletedTokenId = doomed.token.id;
    await svc.delete(t.superAdmin, deletedTokenId);

    page = await newPage(base, { timezoneId: ZONE });
    await signIn(page, SUPER);
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await closeServer(server);
    await t?.close();
    if (ownBundleDir) rmSync(ownBundleDir, { recursive: true, force: true });
  });

  it('token list: five columns on one line each, a long name cut with an ellipsis and whole on hover', async () => {
    await page.goto('/admin/resources/ApiToken');
    await page.locator(`tr[data-id="${longTokenId}"]`).waitFor();
    const headers = (await page.locator('table thead th, table thead td').allInnerTexts()).map((h) => h.trim()).filter(Boolean);
    assert.deepEqual(headers, ['Name', 'Status', 'Roles', 'Expires', 'Last used']);
    const { truncated } = await assertListFits(page, 'the token list');
    assert.ok(truncated.includes(LONG_NAME), 'the long name is cut, with the whole name on hover');
    const row = page.locator(`tr[data-id="${longTokenId}"]`);
    assert.equal(await row.locator('td[data-property-name="expiresAt"]').innerText(), 'in 12 months');
    assert.equal(await row.locator('td[data-property-name="lastUsedAt"]').innerText(), '3 hours ago');
    const exact = await row.locator('td[data-property-name="lastUsedAt"] time').getAttribute('title');
    assert.match(exact ?? '', /Central European Standard Time$/, "the exact time on hover names the admin's zone");
    await assertNoRawCode(page, 'the token list');
    await screenshot(page, '01-token-list');
  });

  it('detail page: titled with the name, in four groups, with plain values', async () => {
    await page.goto(`/admin/resources/ApiToken/records/${longTokenId}/show`);
    assert.ok((await page.getByTestId('record-title').innerText()).startsWith(LONG_NAME), "the page is titled with the token's name");
    assert.equal(await page.getByText('Show', { exact: true }).count(), 0, 'no "Show" title or crumb');
    for (const group of ['identity', 'access', 'lifecycle', 'usage']) await page.getByTestId(`group-${group}`).waitFor();
    await page.getByTestId('group-access').getByText('Any address', { exact: true }).waitFor();
    await page.getByTestId('group-usage').getByText('10.1.2.3', { exact: true }).waitFor();
    await page
      .getByTestId('group-lifecycle')
      .getByText(/^in 12 months · \d{1,2} \w{3} \d{4}, \d{2}:\d{2} CET$/)
      .waitFor();
    // Guidance is folded where the token matters most.
    assert.equal(await page.locator('[data-testid="api-guidance"] details').getAttribute('open'), null);
    await assertNoRawCode(page, 'the detail page');
    await screenshot(page, '02-detail');
  });

  it('create form: the limit before it is filled, design-system controls, the presets and the date they lead to', async () => {
    await page.goto('/admin/resources/ApiToken/actions/new');
    await page.getByTestId('create-token-form').waitFor();
    const active = await t.host.apiAccess.service.list(t.superAdmin, { status: 'active', ownerId: t.superAdmin.id, perPage: 1 });
    assert.equal(await page.getByTestId('token-limit').locator('text=/of 5 active tokens/').innerText(), `You have ${active.total} of 5 active tokens`);
    assert.equal(await page.locator('select').count(), 0, 'no unstyled browser selects');
    assert.equal(await page.getByText('Check text for tokens').count(), 0, "the list's other actions stay on the list");
    assert.equal(await page.locator('[data-testid="api-guidance"] details').getAttribute('open'), null, 'best practice is folded');
    const description = await page.getByTestId('field-description').boundingBox();
    assert.ok(description && description.height >= 90 && description.width >= 500, `the description box is large (${JSON.stringify(description)})`);
    await page.locator('#api-access-expiry').focus();
    await page.keyboard.press('ArrowDown');
    const presets = await page.getByRole('option').allInnerTexts();
    assert.deepEqual(presets, ['1 month', '2 months', '3 months', '6 months', '1 year', '2 years', 'On a date…', 'No expiration']);
    await page.keyboard.press('Escape');
    assert.match(await page.getByTestId('expiry-result').innerText(), /^Expires \d{1,2} \w{3} \d{4}, \d{2}:\d{2} CET \(in 30 days\)\.$/);
    await screenshot(page, '03-create');
    await assertNoRawCode(page, 'the create form');
  });

  it('error state: worded for people, each field highlighted with its own message', async () => {
    await page.getByTestId('field-name').fill('GRC dashboard'); // taken
    await page.getByTestId('field-allowedIps').fill('not-an-address');
    await page.getByTestId('button-save').click();
    const banner = page.getByTestId('form-error');
    await banner.waitFor();
    const text = await banner.innerText();
    assert.match(text, /Please check .*Roles/);
    assert.match(text, /Allowed IP ranges/);
    assert.match(await page.getByTestId('error-roleIds').innerText(), /role/i);
    assert.match(await page.getByTestId('error-allowedIps').innerText(), /"not-an-address" is not an IP address/);
    // The field's own message is shown in the error colour, apart from the ordinary hints.
    const colours = await page.evaluate(() => ({
      error: getComputedStyle(document.querySelector('[data-testid="error-allowedIps"]')!).color,
      hint: getComputedStyle(document.querySelector('[data-testid="error-tags"]')!).color,
    }));
    assert.notEqual(colours.error, colours.hint, 'the field in error is highlighted');
    await assertNoRawCode(page, 'the error state');
    await screenshot(page, '04-error-state');
  });

  it("a custom expiry ends at the end of the chosen day in the admin's zone; the reveal panel's button is in view", async () => {
    await page.getByTestId('field-name').fill('Date expiry token');
    await page.getByTestId('field-allowedIps').fill('');
    await page.getByTestId('role-Vault Summary').click();
    await page.locator('#api-access-expiry').focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: 'On a date…', exact: true }).click();
    const day = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
    await page.getByTestId('expiry-date').fill(day);
    assert.match(await page.getByTestId('expiry-result').innerText(), /23:59 CET .*the end of that day in your time zone \(Europe\/Berlin\)/);
    await page.getByTestId('button-save').click();
    await page.getByTestId('reveal-secret').waitFor();
    const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { name: 'Date expiry token' } });
    // 23:59:59.999 in Berlin (UTC+1 in winter) is 22:59:59.999 UTC.
    assert.equal(row.expiresAt?.toISOString(), `${day}T22:59:59.999Z`);
    const done = await page.getByTestId('reveal-done').boundingBox();
    assert.ok(done && done.y >= 0 && done.y + done.height <= LAPTOP.height, `the primary button is in view without scrolling (${JSON.stringify(done)})`);
    assert.equal(
      await page.getByTestId('reveal-done').evaluate((el) => getComputedStyle(el).backgroundColor === 'rgba(0, 0, 0, 0)'),
      false,
      'the way on is a filled, primary button, not a link',
    );
    await screenshot(page, '05-reveal');
  });

  it('rotate and regenerate: told apart, best practice folded, no other actions while a secret is shown', async () => {
    await page.goto(`/admin/resources/ApiToken/records/${longTokenId}/rotate`);
    await page.getByTestId('token-action-rotate').waitFor();
    const rotateTitle = await page.getByTestId('record-title').innerText();
    const rotateText = await page.getByTestId('record-header').innerText();
    assert.equal(await page.locator('[data-testid="api-guidance"] details').getAttribute('open'), null);
    await screenshot(page, '06-rotate');
    await page.getByTestId('button-confirm').click();
    await page.getByTestId('reveal-secret').waitFor();
    for (const action of ['delete', 'regenerate', 'disable', 'edit', 'rotate']) {
      assert.equal(await page.getByTestId(`action-${action}`).count(), 0, `no ${action} button beside a secret not yet stored`);
    }
    await screenshot(page, '07-rotate-reveal');
    await page.getByTestId('reveal-done').click();
    await page.waitForURL(`**/records/${longTokenId}/show`);

    await page.goto(`/admin/resources/ApiToken/records/${longTokenId}/regenerate`);
    await page.getByTestId('token-action-regenerate').waitFor();
    const regenerateTitle = await page.getByTestId('record-title').innerText();
    const regenerateText = await page.getByTestId('record-header').innerText();
    assert.notEqual(rotateTitle, regenerateTitle);
    assert.match(rotateText, /same token/i);
    assert.match(regenerateText, /new expiry/i);
    await screenshot(page, '08-regenerate');
    await assertNoRawCode(page, 'the regenerate page');
  });

  it('edit page', async () => {
    await page.goto(`/admin/resources/ApiToken/records/${longTokenId}/edit`);
    await page.getByTestId('edit-token-form').waitFor();
    assert.equal(await page.getByTestId('field-name').inputValue(), LONG_NAME);
    await assertNoRawCode(page, 'the edit page');
    await screenshot(page, '09-edit');
  });

  it('request logs: every cell on one line, addresses as people write them, durations with a unit', async () => {
    await page.goto('/admin/resources/ApiRequestLog');
    await assertListFits(page, 'the request logs');
    await page.getByText('1.2 s', { exact: true }).waitFor();
    await assertNoRawCode(page, 'the request logs');
    await screenshot(page, '10-request-logs');
  });

  it('audit trail: what happened in words, every cell on one line', async () => {
    await page.goto('/admin/resources/ApiAuditEvent');
    await assertListFits(page, 'the audit trail');
    await page.locator('td[data-property-name="action"]', { hasText: 'Token deleted' }).first().waitFor();
    await assertNoRawCode(page, 'the audit trail');
    await screenshot(page, '11-audit');
    await page.locator('[data-css="ApiAuditEvent-filter-button"]').click();
    await page
      .getByText('Token deleted')
      .first()
      .waitFor({ state: 'attached' })
      .catch(() => undefined);
  });

  it('roles, role assignments and token admins', async () => {
    await page.goto('/admin/resources/ApiRole');
    await assertListFits(page, 'the roles');
    await page.getByText('vault-summary:read', { exact: true }).first().waitFor();
    await assertNoRawCode(page, 'the roles');
    await screenshot(page, '12-roles');
    await page.goto('/admin/resources/ApiTokenRole');
    await assertListFits(page, 'the role assignments');
    await assertNoRawCode(page, 'the role assignments');
    await screenshot(page, '13-role-assignments');
    await page.goto('/admin/resources/ApiTokenAdminGrant');
    await assertListFits(page, 'the token admins');
    await assertNoRawCode(page, 'the token admins');
    await screenshot(page, '14-grants');
  });

  it("a deleted token's address says it was deleted, by whom and when", async () => {
    await page.goto(`/admin/resources/ApiToken/records/${deletedTokenId}/show`);
    const message = page.getByTestId('deleted-token-message');
    await message.waitFor();
    assert.match(await message.innerText(), /^Deleted by super@example\.com (just now|\d+ minutes? ago) · \d{1,2} \w{3} \d{4}, \d{2}:\d{2} CET\./);
    assert.equal(await page.getByTestId('record-title').innerText(), 'Retired partner feed');
    for (const action of ['delete', 'regenerate', 'disable', 'edit', 'rotate']) assert.equal(await page.getByTestId(`action-${action}`).count(), 0);
    await assertNoRawCode(page, "the deleted token's page");
    await screenshot(page, '15-deleted-token');
  });

  it("the ordinary admin's view: no API Access section, and a token page refused in words", async () => {
    // The example host keeps API Access to super admins (no personal tokens).
    const ordinary = await newPage(base, { timezoneId: ZONE });
    await signIn(ordinary, ADMIN);
    assert.equal(await ordinary.getByText('API Access', { exact: true }).count(), 0, 'no API Access section');
    await screenshot(ordinary, '16-ordinary-admin');
    await ordinary.goto(`/admin/resources/ApiToken/records/${longTokenId}/show`);
    // The refusal is said in words, in the notice and on the page under it.
    await ordinary.getByText('API Access is available to super admins only.').first().waitFor();
    await ordinary.getByText('This page is not open to you.', { exact: false }).first().waitFor();
    assert.equal(await ordinary.getByText('Page not found').count(), 0, 'a page that exists is not called missing');
    await assertNoRawCode(ordinary, "the ordinary admin's refused page");
    await screenshot(ordinary, '17-ordinary-admin-refused');
  });

  it('Copy works on a plain-http origin the browser does not count as secure', async () => {
    const insecure = await newPage(`http://${INSECURE_HOST}:${port}`, { timezoneId: ZONE });
    await signIn(insecure, SUPER);
    assert.equal(await insecure.evaluate(() => window.isSecureContext), false, `${INSECURE_HOST} is not a secure context`);
    assert.equal(await insecure.evaluate(() => typeof navigator.clipboard), 'undefined', 'the async clipboard API is missing there');
    await insecure.goto(`/admin/resources/ApiToken/records/${longTokenId}/rotate`);
    await insecure.getByTestId('button-confirm').click();
    const secret = await insecure.getByTestId('reveal-secret').inputValue();
    await insecure.getByTestId('copy-secret').click();
    const state = await insecure.evaluate(() => {
      const input = document.activeElement as HTMLInputElement | null;
      return {
        button: document.querySelector('[data-testid="copy-secret"]')?.textContent ?? '',
        status: document.querySelector('[data-testid="copy-status"]')?.textContent ?? '',
        selected: input?.id === 'api-access-secret' ? input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0) : '',
      };
    });
    assert.equal(state.selected, secret, 'the secret is selected for the copy');
    if (state.button.includes('Copied')) {
      // The copy went through: the clipboard, read from a secure origin of the same browser, holds the secret.
      const reader = contexts.at(-1)!;
      await reader.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      const check = await reader.newPage();
      await check.goto(`${base}/admin/login`);
      const clipboard = await check.evaluate(() => navigator.clipboard.readText()).catch(() => null);
      if (clipboard !== null) assert.equal(clipboard, secret, 'the clipboard holds the secret');
    } else {
      assert.match(state.status, /The secret is selected: press (Ctrl\+C|⌘C) to copy it\./);
    }
    await screenshot(insecure, '18-copy-plain-http');
  });

  it('no uncaught errors in the pages', () => {
    assert.deepEqual(pageErrors, []);
  });
});
