// The token screens in a real headless Chromium, against the real example host on a fresh SQLite
// database: sign in, create a token and use its secret on the sample API, rotate, disable and
// enable, regenerate with a new expiry, bulk delete, and check that no issued secret is ever
// shown again. Needs Debian's chromium (scripts/ensure-chromium.mjs installs it) and `npm run build`
// first: the host loads the plugin, and AdminJS bundles its screens, from dist/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TestHost } from '../helpers/host.js';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { closeServer } from '../helpers/close-server.js';

const SCREENSHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
const SUPER = { email: 'super@example.com', password: 'super-admin-demo' };
const TOKEN_NAME = 'Browser e2e token';
const DAY_MS = 86_400_000;
/** Any string shaped like a token of this package (`<prefix>_<28 base62>`), see src/core/token-format.ts. */
const TOKEN_SHAPE = /\b[a-z][a-z0-9]{1,15}_[0-9A-Za-z]{28}\b/g;

// AdminJS (outside production) bundles the custom screens on the first request of
// components.bundle.js into ADMIN_JS_TMP_DIR (default ./.adminjs) and then serves that file as long
// as it exists, even when the components have changed since. A fresh folder per run makes the
// test see the components it was built with. It must be set before adminjs is loaded, hence the
// dynamic import of the host below.
const ownBundleDir = process.env.ADMIN_JS_TMP_DIR ? null : mkdtempSync(path.join(tmpdir(), 'api-access-adminjs-'));
if (ownBundleDir) process.env.ADMIN_JS_TMP_DIR = ownBundleDir;

describe('API token screens in a browser', { timeout: 400_000 }, () => {
  let t: TestHost;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Every secret the screens issued during the test, for the final leak check. */
  const issued: string[] = [];
  let tokenId = '';
  let secret = '';

  const showUrl = () => `/admin/resources/ApiToken/records/${tokenId}/show`;

  async function apiStatus(bearer: string): Promise<number> {
    const res = await fetch(`${base}/api/v1/vaults`, { headers: { authorization: `Bearer ${bearer}` } });
    await res.arrayBuffer();
    return res.status;
  }

  /** A screenshot of the whole screen: AdminJS scrolls inside its layout, so the window is made as tall as the content. */
  async function screenshot(name: string) {
    const viewport = page.viewportSize()!;
    const contentHeight = await page.evaluate(() => Math.max(...Array.from(document.querySelectorAll('body *'), (el) => el.scrollHeight)));
    if (contentHeight > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.min(contentHeight + 100, 6000) });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.setViewportSize(viewport);
  }

  /** Reads the secret from the reveal-once panel and checks its shape. */
  async function revealedSecret(): Promise<string> {
    const input = page.getByTestId('reveal-secret');
    await input.waitFor();
    const value = await input.inputValue();
    assert.match(value, /^[a-z][a-z0-9]{1,15}_[0-9A-Za-z]{28}$/);
    issued.push(value);
    assert.ok(!page.url().includes(value), 'the secret is not put in the URL');
    const storage = await page.evaluate(() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)]));
    assert.ok(!storage.includes(value), 'the secret is not put in web storage');
    return value;
  }

  /** Opens a record action (rotate, regenerate, disable, enable) from the token's show page. */
  async function openRecordAction(name: string) {
    await page.goto(showUrl());
    await page.getByTestId(`action-${name}`).click();
    await page.waitForURL(`**/records/${tokenId}/${name}`);
    await page.getByTestId(`token-action-${name}`).waitFor();
  }

  /** Waits until the list shows exactly these tokens (the list re-fetches after a redirect, so rows come and go). */
  /** In a list's filter drawer, types `text` into the token choice and takes the one token offered, TOKEN_NAME. */
  async function filterByToken(resource: string, text: string) {
    await page.locator(`[data-css="${resource}-filter-button"]`).click();
    // The token's own choice: the audit trail's drawer offers a choice of what happened before it.
    const tokenChoice = page.locator(`[data-css="${resource}-filter-drawer"] [data-testid="token-filter-tokenId"] input[role="combobox"]`);
    await tokenChoice.focus();
    await page.keyboard.type(text);
    await page.getByRole('option', { name: TOKEN_NAME, exact: true }).waitFor();
    assert.deepEqual(await page.getByRole('option').allTextContents(), [TOKEN_NAME], 'the search finds tokens by a part of their name');
    await page.keyboard.press('Enter');
  }

  /** Picks an option of a design-system select (react-select) by its label. */
  async function chooseOption(inputId: string, label: string) {
    await page.locator(`#${inputId}`).focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: label, exact: true }).click();
  }

  async function applyFilters(resource: string) {
    await page.locator(`[data-css="${resource}-filter-drawer-button-apply"]`).click();
  }

  async function waitForRows(ids: string[]) {
    const expected = [...ids].sort();
    await page
      .waitForFunction(
        (want) => JSON.stringify(Array.from(document.querySelectorAll('tr[data-id]'), (row) => row.getAttribute('data-id')).sort()) === want,
        JSON.stringify(expected),
      )
      .catch(async (error: unknown) => {
        const shown = await page.locator('tr[data-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
        assert.deepEqual(shown.sort(), expected, `the list shows the expected tokens (${String(error)})`);
      });
  }

  async function token() {
    const row = await t.host.prisma.apiToken.findUnique({ where: { id: tokenId } });
    assert.ok(row, 'the token is in the database');
    return row;
  }

  function assertExpiresInDays(expiresAt: Date | null, days: number) {
    assert.ok(expiresAt, 'the token has an expiry');
    const off = Math.abs(expiresAt.getTime() - (t.clock.now().getTime() + days * DAY_MS));
    assert.ok(off < 5 * 60_000, `expires about ${days} days from now, got ${expiresAt.toISOString()}`);
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: run node scripts/ensure-chromium.mjs`);
    const { startTestHost } = await import('../helpers/host.js');
    t = await startTestHost();
    server = t.host.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // Bundle the screens (10-40 s the first time) while the browser starts.
    const bundle = async () => {
      const res = await fetch(`${base}/admin/frontend/assets/components.bundle.js`, { signal: AbortSignal.timeout(120_000) });
      const body = await res.text();
      assert.equal(res.status, 200, `components bundle: ${body.slice(0, 500)}`);
      assert.match(body, /ApiAccessCreateToken/, 'the bundle holds the plugin screens');
    };
    const launch = () => launchChromium();
    const launching = launch();
    try {
      await bundle();
    } finally {
      browser = await launching; // kept even when bundling failed, so that after() closes it
    }

    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
    // Only the host: AdminJS's layout links web fonts on the internet, which this test must not wait for.
    await context.route('**/*', (route) => (new URL(route.request().url()).origin === base ? route.continue() : route.abort()));
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)));
  });

  after(async () => {
    await browser?.close();
    await closeServer(server);
    await t?.close();
    if (ownBundleDir) rmSync(ownBundleDir, { recursive: true, force: true });
  });

  it('signs the super admin in through the AdminJS login page', async () => {
    await page.goto('/admin/login');
    await page.locator('input[name="email"]').fill(SUPER.email);
    await page.locator('input[name="password"]').fill(SUPER.password);
    await page.locator('form button').click();
    await page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/');
    await page.getByText('API Access', { exact: true }).first().waitFor();
    await page.getByText(SUPER.email).first().waitFor();
    await screenshot('00-dashboard');
  });

  it('opens API Access → tokens and lists the seeded tokens', async () => {
    // At 1280 px AdminJS folds its sidebar behind the menu button.
    await page
      .locator('section')
      .filter({ has: page.locator('svg') })
      .first()
      .waitFor();
    await page.goto('/admin/resources/ApiToken');
    await page.waitForURL('**/admin/resources/ApiToken');
    await waitForRows((await t.host.prisma.apiToken.findMany()).map((row) => row.id));
    for (const name of ['GRC dashboard', 'Adoption report', 'Vault health sync']) {
      await page.locator('tr[data-id]', { hasText: name }).waitFor();
    }
    // Every API Access screen shows the API base URL and best practice.
    assert.equal(await page.getByTestId('api-base-url').textContent(), '/api/v1');
    await page.getByTestId('api-guidance').getByText('Token best practice').waitFor();
    await screenshot('01-token-list');
  });

  it('creates a token with a role and 30 days, reveals its secret once, and the secret works', async () => {
    await page.getByTestId('action-new').click();
    await page.waitForURL('**/admin/resources/ApiToken/actions/new');
    await page.getByTestId('create-token-form').waitFor();
    await page.getByTestId('api-base-url').waitFor();
    await page.getByTestId('field-name').fill(TOKEN_NAME);
    await page.getByTestId('field-description').fill('Made by the browser test');
    await page.getByTestId('role-Vault Summary').click();
    assert.equal(await page.getByTestId('expiry-select').getAttribute('data-value'), '30');
    await screenshot('02-create-form');
    await page.getByTestId('button-save').click();

    secret = await revealedSecret();
    await page.getByTestId('notice-wrapper').first().waitFor();
    await screenshot('03-reveal-panel');

    const row = await t.host.prisma.apiToken.findFirst({ where: { name: TOKEN_NAME }, include: { roles: { include: { role: true } } } });
    assert.ok(row);
    tokenId = row.id;
    assert.deepEqual(
      row.roles.map((r) => r.role.name),
      ['Vault Summary'],
    );
    assertExpiresInDays(row.expiresAt, 30);
    assert.equal(await apiStatus(secret), 200);

    await page.getByTestId('reveal-done').click();
    await page.waitForURL('**/admin/resources/ApiToken');
    await waitForRows((await t.host.prisma.apiToken.findMany()).map((row) => row.id));
    assert.equal(await page.locator('tr[data-id]').count(), 4);
  });

  it('filters the list by a role chosen from the roles that exist', async () => {
    const vault = await t.host.prisma.apiRole.findFirstOrThrow({ where: { name: 'Vault Summary' } });
    const withRole = (await t.host.prisma.apiToken.findMany({ where: { roles: { some: { roleId: vault.id } } } })).map((row) => row.id);
    assert.ok(withRole.includes(tokenId) && withRole.length < (await t.host.prisma.apiToken.count()), 'the filter has something to leave out');
    const formCalls: string[] = [];
    const countFormCalls = (request: { url(): string }) => {
      if (request.url().includes('/admin/api/resources/ApiToken/actions/new')) formCalls.push(request.url());
    };
    page.on('request', countFormCalls);
    await page.goto('/admin/resources/ApiToken');
    await page.locator(`tr[data-id="${tokenId}"]`).waitFor();
    await page.locator('[data-css="ApiToken-filter-button"]').click();
    const filter = page.getByTestId('role-filter');
    // The drawer slides in: the keyboard, not the mouse, opens the choice.
    await filter.locator('input').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option').first().waitFor();
    const offered = (await page.getByRole('option').allTextContents()).sort();
    assert.deepEqual(offered, (await t.host.prisma.apiRole.findMany()).map((role) => role.name).sort(), 'every role is offered, by name');
    page.off('request', countFormCalls);
    assert.equal(formCalls.length, 1, 'the guidance above the list and the role filter share one call for the roles');
    await page.keyboard.type('Vault Summary');
    await page.keyboard.press('Enter');
    await screenshot('04-role-filter');
    await applyFilters('ApiToken');
    await page.waitForURL((url) => url.searchParams.get('filters.roles') === vault.id);
    await waitForRows(withRole);
    // The drawer (still open) shows the chosen role by its name, not its id.
    await filter.getByText('Vault Summary', { exact: true }).waitFor();
    assert.equal(await filter.getByText(vault.id).count(), 0);
    await page.goto('/admin/resources/ApiToken');
  });

  it('shows the token without its secret, and rotating it issues a new secret that replaces the old one', async () => {
    await page.locator(`tr[data-id="${tokenId}"] td[data-property-name="name"]`).click();
    await page.waitForURL(`**${showUrl()}`);
    await page.getByTestId('action-rotate').waitFor();
    await page.getByText(TOKEN_NAME).first().waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the show page does not contain the secret');
    await page.getByTestId('api-base-url').waitFor();
    await screenshot('04-show');

    await page.getByTestId('action-rotate').click();
    await page.waitForURL(`**/records/${tokenId}/rotate`);
    await page.getByTestId('token-action-rotate').waitFor();
    assert.equal(await page.getByTestId('grace-select').getAttribute('data-value'), '0');
    await screenshot('05-rotate');
    await page.getByTestId('button-confirm').click();

    const rotated = await revealedSecret();
    assert.notEqual(rotated, secret);
    await screenshot('06-rotate-reveal');
    assert.equal(await apiStatus(secret), 401, 'the old secret stops at once (no grace period)');
    assert.equal(await apiStatus(rotated), 200);
    assert.equal((await token()).id, tokenId, 'rotation keeps the token id');
    secret = rotated;
    // Once copied, back to the token's show page, in the app (no reload): the secret is gone from the page.
    await page.getByTestId('reveal-done').click();
    await page.waitForURL(`**${showUrl()}`);
    await page.getByTestId('action-rotate').waitFor();
    assert.ok(!(await page.content()).includes(rotated), 'the show page does not contain the new secret');
  });

  it('disables the token (401), then enables it again (200)', async () => {
    await openRecordAction('disable');
    await page.evaluate(() => Object.assign(window, { samePage: true }));
    await page.getByTestId('button-confirm').click();
    // The show page opens by itself, with the notice, and its buttons fit the new state without a reload.
    await page.waitForURL(`**${showUrl()}`);
    assert.equal(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage), true, 'opened in the app, not by reloading');
    await page.getByTestId('notice-wrapper').first().waitFor();
    await page.getByTestId('action-enable').waitFor();
    assert.equal(await page.getByTestId('action-disable').count(), 0, 'a disabled token offers enable, not disable');
    assert.equal((await token()).enabled, false);
    assert.equal(await apiStatus(secret), 401);

    await page.getByTestId('action-enable').click();
    await page.waitForURL(`**/records/${tokenId}/enable`);
    await page.getByTestId('button-confirm').click();
    await page.waitForURL(`**${showUrl()}`);
    await page.getByTestId('action-disable').waitFor();
    assert.equal(await page.getByTestId('action-enable').count(), 0, 'an enabled token offers disable, not enable');
    assert.equal((await token()).enabled, true);
    assert.equal(await apiStatus(secret), 200);
  });

  it('regenerates the token with a new expiry: the new secret works, the old one does not', async () => {
    await openRecordAction('regenerate');
    await chooseOption('api-access-expiry', '3 months');
    assert.equal(await page.getByTestId('expiry-select').getAttribute('data-value'), '90');
    await screenshot('07-regenerate');
    await page.getByTestId('button-confirm').click();

    const regenerated = await revealedSecret();
    assert.notEqual(regenerated, secret);
    assert.equal(await apiStatus(regenerated), 200);
    assert.equal(await apiStatus(secret), 401);
    assertExpiresInDays((await token()).expiresAt, 90);
    secret = regenerated;
  });

  it('bulk deletes two tokens through the list checkboxes', async () => {
    const doomed = await t.host.prisma.apiToken.findMany({ where: { name: { in: ['GRC dashboard', 'Adoption report'] } } });
    assert.equal(doomed.length, 2);
    await page.goto('/admin/resources/ApiToken');
    await page.locator(`tr[data-id="${tokenId}"]`).waitFor();
    for (const { id } of doomed) {
      await page.locator(`tr[data-id="${id}"] .adminjs_Checkbox a`).click();
      assert.equal(await page.locator(`tr[data-id="${id}"] .adminjs_Checkbox input`).isChecked(), true);
    }
    await screenshot('08-list-selected');
    await page.getByTestId('action-bulkDelete').click();
    await page.waitForURL('**/admin/resources/ApiToken/bulk/bulkDelete**');
    for (const { name } of doomed) await page.getByText(name, { exact: true }).first().waitFor();
    await screenshot('09-bulk-delete-confirm');
    await page.getByRole('button', { name: /confirm/i }).click();

    await page.waitForURL((url) => url.pathname === '/admin/resources/ApiToken');
    await page.getByTestId('notice-wrapper').filter({ hasText: '2 tokens deleted' }).first().waitFor();
    assert.equal(await t.host.prisma.apiToken.count({ where: { id: { in: doomed.map((d) => d.id) } } }), 0);
    const kept = await t.host.prisma.apiToken.findMany();
    assert.equal(kept.length, 2);
    await waitForRows(kept.map((row) => row.id));
    assert.equal(await apiStatus(secret), 200, 'the token that was not selected still works');
  });

  it('never shows an issued secret again: not in the list, not on the show page', async () => {
    assert.equal(issued.length, 3);
    await page.goto('/admin/resources/ApiToken');
    await page.locator(`tr[data-id="${tokenId}"]`).waitFor();
    const list = await page.content();
    await page.goto(showUrl());
    await page.getByTestId('action-rotate').waitFor();
    await page.getByText(TOKEN_NAME).first().waitFor();
    const show = await page.content();
    for (const [screen, html] of [
      ['list', list],
      ['show', show],
    ] as const) {
      for (const s of issued) assert.ok(!html.includes(s), `the ${screen} page contains an issued secret`);
      assert.deepEqual(html.match(TOKEN_SHAPE) ?? [], [], `the ${screen} page contains something shaped like a token`);
    }
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
  });

  it('filters the request logs by a token found by its name', async () => {
    const other = await t.host.prisma.apiToken.findFirstOrThrow({ where: { id: { not: tokenId } } });
    await t.host.prisma.apiRequestLog.create({
      data: { tokenId: other.id, tokenName: other.name, method: 'GET', path: '/api/v1/vaults', status: 200, ip: '127.0.0.1', durationMs: 1 },
    });
    await t.host.apiAccess.requestLog?.flush();
    const mine = (await t.host.prisma.apiRequestLog.findMany({ where: { tokenId } })).map((row) => String(row.id));
    assert.ok(mine.length > 0, 'the secret was used on the API in the tests above');
    await page.goto('/admin/resources/ApiRequestLog');
    await page.locator('tr[data-id]').first().waitFor();
    assert.ok((await page.locator('tr[data-id]').count()) > mine.length, 'the filter has something to leave out');

    await filterByToken('ApiRequestLog', 'e2e');
    await screenshot('10-request-log-filter');
    await applyFilters('ApiRequestLog');
    await page.waitForURL((url) => url.searchParams.get('filters.tokenId') === tokenId);
    await waitForRows(mine);
  });

  it('filters the audit trail by a token found by its name, and an event links to its token', async () => {
    const events = (await t.host.prisma.apiAuditEvent.findMany({ where: { tokenId } })).map((row) => String(row.id));
    await page.goto('/admin/resources/ApiAuditEvent');
    await page.locator('tr[data-id]').first().waitFor();
    await filterByToken('ApiAuditEvent', 'e2e');
    await applyFilters('ApiAuditEvent');
    await page.waitForURL((url) => url.searchParams.get('filters.tokenId') === tokenId);
    await waitForRows(events);
    await page.goto(`/admin/resources/ApiAuditEvent/records/${events[0]}/show`);
    await page.locator(`a[href$="/resources/ApiToken/records/${tokenId}/show"]`, { hasText: TOKEN_NAME }).waitFor();
  });

  it('names the token in the log filter when the page is opened from a link, beyond the first 50 suggestions', async () => {
    // 55 newer tokens of the same owner (rows written directly: the policy allows 5 active tokens an
    // owner): the suggestions loaded with the filter, the first 50 of an empty search, no longer
    // hold the test's token.
    const fillers = Array.from({ length: 55 }, (_, i) => `filler-${i}`);
    const later = new Date(Date.now() + 60_000);
    await t.host.prisma.apiToken.createMany({
      data: fillers.map((id) => ({
        id,
        name: `filler ${id}`,
        secretHash: `filler-hash-${id}`,
        lastFour: '0000',
        allowedIps: [],
        ownerId: t.superAdmin.id,
        ownerEmail: t.superAdmin.email,
        createdById: t.superAdmin.id,
        createdByEmail: t.superAdmin.email,
        createdAt: later,
      })),
    });
    try {
      const mine = (await t.host.prisma.apiRequestLog.findMany({ where: { tokenId } })).map((row) => String(row.id));
      await page.goto(`/admin/resources/ApiRequestLog?filters.tokenId=${tokenId}`);
      await waitForRows(mine);
      const suggested = await page.evaluate(async () => {
        const response = await fetch('/admin/api/resources/ApiToken/search/');
        return ((await response.json()) as { records: Array<{ id: string }> }).records.map((record) => record.id);
      });
      assert.equal(suggested.length, 50);
      assert.ok(!suggested.includes(tokenId), 'the test token is not among the suggestions');
      await page.locator('[data-css="ApiRequestLog-filter-button"]').click();
      const choice = page.getByTestId('token-filter-tokenId');
      await choice.getByText(TOKEN_NAME, { exact: true }).waitFor();
      await screenshot('12-request-log-filter-from-link');
    } finally {
      await t.host.prisma.apiToken.deleteMany({ where: { id: { in: fillers } } });
    }
  });

  it('shows the API base URL and best practice on the other API Access screens too', async () => {
    for (const resource of ['ApiRequestLog', 'ApiRole', 'ApiAuditEvent', 'ApiTokenRole', 'ApiTokenAdminGrant']) {
      await page.goto(`/admin/resources/${resource}`);
      assert.equal(await page.getByTestId('api-base-url').textContent(), '/api/v1', `${resource} list`);
    }
    await screenshot('11-request-logs');
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
  });
});
