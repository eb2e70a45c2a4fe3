// The usage screens in a real headless Chromium against the example host on a fresh SQLite
// database, with traffic sent through the real sample API: the token detail page's chart (its
// numbers against the requests sent), the overview (counts, lists and their links, for super
// admins only), the request-log period filter and the CSV download.
// Needs Debian's chromium and `npm run build` first (the host loads the plugin from dist/).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Requests the test sends with the busy token: answered 200, and refused for a missing scope. */
const OK_CALLS = 12;
const REFUSED_CALLS = 3;

// AdminJS bundles the screens into ADMIN_JS_TMP_DIR on first use and serves that file from then
// on: a fresh folder per run (set before adminjs loads) makes the test see today's components.
const ownBundleDir = process.env.ADMIN_JS_TMP_DIR ? null : mkdtempSync(path.join(tmpdir(), 'api-access-adminjs-'));
if (ownBundleDir) process.env.ADMIN_JS_TMP_DIR = ownBundleDir;

describe('usage screens in a browser', { timeout: 240_000 }, () => {
  let t: TestHost;
  let server: Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  let busy = { id: '', name: 'Usage chart token', secret: '' };
  let quiet = { id: '', name: 'Quiet token' };
  let stale = { id: '', name: 'Stale token' };
  let downloads = '';

  const today = () => t.clock.now().toISOString().slice(0, 10);

  async function call(pathName: string, secret: string): Promise<number> {
    const res = await fetch(`${base}/api/v1${pathName}`, { headers: { authorization: `Bearer ${secret}` } });
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

  async function signIn(who: { email: string; password: string }) {
    await page.goto('/admin/login');
    await page.locator('input[name="email"]').fill(who.email);
    await page.locator('input[name="password"]').fill(who.password);
    await page.locator('form button').click();
    await page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/');
  }

  async function signOut() {
    await page.goto('/admin/logout');
    await page.waitForURL('**/admin/login');
  }

  async function rowIds(): Promise<string[]> {
    return (await page.locator('tr[data-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id') ?? ''))).sort();
  }

  async function waitForRows(expected: Array<string | number>) {
    const want = JSON.stringify(expected.map(String).sort());
    await page
      .waitForFunction((w) => JSON.stringify(Array.from(document.querySelectorAll('tr[data-id]'), (row) => row.getAttribute('data-id')).sort()) === w, want)
      .catch(async (error: unknown) => assert.deepEqual(await rowIds(), JSON.parse(want), `the list shows the expected rows (${String(error)})`));
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    downloads = mkdtempSync(path.join(tmpdir(), 'api-access-downloads-'));
    assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: run node scripts/ensure-chromium.mjs`);
    const { startTestHost } = await import('../helpers/host.js');
    t = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 20 } } });
    server = t.host.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const bundle = async () => {
      const res = await fetch(`${base}/admin/frontend/assets/components.bundle.js`, { signal: AbortSignal.timeout(150_000) });
      const body = await res.text();
      assert.equal(res.status, 200, `components bundle: ${body.slice(0, 500)}`);
      assert.match(body, /ApiAccessOverview/, 'the bundle holds the usage screens');
    };
    const launching = launchChromium();
    try {
      await bundle();
    } finally {
      browser = await launching;
    }
    context = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    await context.route('**/*', (route) => (new URL(route.request().url()).origin === base ? route.continue() : route.abort()));
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)));

    // Traffic through the real API: a busy token (200s, and 403s for a scope it lacks), a
    // token used once and then left alone for 45 days, and one never used.
    const svc = t.host.apiAccess.service;
    const made = await svc.create(t.superAdmin, {
      name: busy.name,
      roleIds: [t.roles.vaultSummary],
      expiry: { type: 'date', date: new Date(t.clock.now().getTime() + 20 * DAY_MS).toISOString() },
    });
    busy = { id: made.token.id, name: busy.name, secret: made.secret };
    for (let i = 0; i < OK_CALLS; i++) assert.equal(await call('/vaults', busy.secret), 200);
    for (let i = 0; i < REFUSED_CALLS; i++) assert.equal(await call('/security-audit', busy.secret), 403);
    const staleMade = await svc.create(t.superAdmin, { name: stale.name, roleIds: [t.roles.vaultSummary], expiry: { type: 'never' } });
    stale = { id: staleMade.token.id, name: stale.name };
    assert.equal(await call('/vaults', staleMade.secret), 200);
    const quietMade = await svc.create(t.superAdmin, { name: quiet.name, roleIds: [t.roles.onboarding], expiry: { type: 'days', days: 90 } });
    quiet = { id: quietMade.token.id, name: quiet.name };
    await t.host.apiAccess.flush();
    // The stale token's last use moved 45 days back: the overview counts days from its last use.
    await t.host.prisma.apiToken.update({ where: { id: stale.id }, data: { lastUsedAt: new Date(t.clock.now().getTime() - 45 * DAY_MS) } });
    // One disabled token, for the counts.
    const grc = await t.host.prisma.apiToken.findFirstOrThrow({ where: { name: 'GRC dashboard' } });
    await svc.disable(t.superAdmin, grc.id);
  });

  after(async () => {
    await browser?.close();
    await closeServer(server);
    await t?.close();
    if (ownBundleDir) rmSync(ownBundleDir, { recursive: true, force: true });
    if (downloads) rmSync(downloads, { recursive: true, force: true });
  });

  /** Whether the token service keeps usage rollups (tokenUsage, usageOverview) in this build. */
  const hasRollups = () => typeof (t.host.apiAccess.service as unknown as Record<string, unknown>).tokenUsage === 'function';

  it("shows a token's traffic on its detail page, stacked by outcome, with the numbers sent", async () => {
    await signIn(SUPER);
    await page.goto(`/admin/resources/ApiToken/records/${busy.id}/show`);
    if (!hasRollups()) {
      // Without rollups the chart's place says why it is empty, in words.
      await page.getByTestId('token-usage').getByText('Usage figures are not available in this version of the token service.').waitFor();
      await screenshot('usage-01-token-chart-without-rollups');
      return;
    }
    const usage = page.getByTestId('token-usage');
    await usage.and(page.locator('[data-days="30"]')).waitFor();
    assert.equal(await page.getByTestId('usage-total-requests').textContent(), String(OK_CALLS + REFUSED_CALLS));
    assert.equal(await page.getByTestId('usage-error-rate').textContent(), `${((REFUSED_CALLS / (OK_CALLS + REFUSED_CALLS)) * 100).toFixed(1)}%`);
    assert.match((await page.getByTestId('usage-p50').textContent()) ?? '', /^\d[\d,]* ms$/);
    assert.match((await page.getByTestId('usage-p95').textContent()) ?? '', /^\d[\d,]* ms$/);
    // 30 days, one bar each; today's bar holds every request.
    const bars = page.locator('[data-testid^="usage-chart-day-"]');
    assert.equal(await bars.count(), 30);
    const todayBar = page.getByTestId(`usage-chart-day-${today()}`);
    assert.equal(await todayBar.getAttribute('data-total'), String(OK_CALLS + REFUSED_CALLS));
    // Accessible: a title, both axes named, a legend with each outcome's total, the chart in words.
    assert.ok(await page.locator('[data-testid="usage-chart"] svg title').count());
    assert.equal(await page.getByTestId('usage-chart-y-label').textContent(), 'Requests per day');
    assert.equal(await page.getByTestId('usage-chart-x-label').textContent(), 'Day (UTC)');
    const legend = (await page.getByTestId('usage-chart-legend').textContent()) ?? '';
    assert.match(legend, new RegExp(`Succeeded \\(2xx, 3xx\\): ?${OK_CALLS}`));
    assert.match(legend, new RegExp(`Refused \\(401, 403\\): ?${REFUSED_CALLS}`));
    const summary = (await page.getByTestId('usage-chart-summary').textContent()) ?? '';
    assert.match(summary, new RegExp(`^${OK_CALLS + REFUSED_CALLS} requests from `));
    assert.match(summary, /Error rate 20\.0%/);
    // A tooltip per day.
    await todayBar.hover();
    const tooltip = (await page.getByTestId('usage-chart-tooltip').textContent()) ?? '';
    assert.match(tooltip, new RegExp(`${OK_CALLS + REFUSED_CALLS} requests`));
    assert.match(tooltip, new RegExp(`Succeeded \\(2xx, 3xx\\): ${OK_CALLS}`));
    assert.match(tooltip, new RegExp(`Refused \\(401, 403\\): ${REFUSED_CALLS}`));
    await screenshot('usage-01-token-chart-30-days');

    await page.getByTestId('usage-period-90').click();
    await usage.and(page.locator('[data-days="90"]')).waitFor();
    assert.equal(await bars.count(), 90);
    assert.equal(await page.getByTestId('usage-total-requests').textContent(), String(OK_CALLS + REFUSED_CALLS));
    assert.equal(await page.getByTestId('usage-period-90').getAttribute('aria-pressed'), 'true');
    await screenshot('usage-02-token-chart-90-days');
    // A token without traffic says so.
    await page.goto(`/admin/resources/ApiToken/records/${quiet.id}/show`);
    await page.getByTestId('token-usage').and(page.locator('[data-days="30"]')).waitFor();
    assert.equal(await page.getByTestId('usage-total-requests').textContent(), '0');
    assert.match((await page.getByTestId('usage-chart-summary').textContent()) ?? '', /^No requests from /);
  });

  it('shows the overview to a super admin: counts that link to the filtered list, unused and top tokens', async () => {
    await page.goto('/admin');
    const link = page.locator('a[href="/admin/resources/ApiAccessOverview"]').first();
    if (!(await link.isVisible())) await page.getByText('API Access', { exact: true }).first().click();
    await link.click();
    await page.getByTestId('api-access-overview').waitFor();
    const now = t.clock.now();
    const tokens = await t.host.prisma.apiToken.findMany();
    const active = tokens.filter((tk) => tk.enabled && (!tk.expiresAt || tk.expiresAt > now));
    const expiring = active.filter((tk) => tk.expiresAt && tk.expiresAt.getTime() <= now.getTime() + 30 * DAY_MS);
    assert.equal(await page.getByTestId('overview-count-active-value').textContent(), String(active.length));
    assert.equal(await page.getByTestId('overview-count-expiring-value').textContent(), String(expiring.length));
    assert.equal(await page.getByTestId('overview-count-disabled-value').textContent(), '1');
    assert.equal(await page.getByTestId('overview-count-expired-value').textContent(), '0');
    // Unused for 30+ days, never used, the week's busiest.
    await page.getByTestId('overview-unused').getByTestId(`overview-token-${stale.id}`).waitFor();
    assert.equal(await page.getByTestId('overview-unused').locator('[data-testid^="overview-token-"]').count(), 1);
    const neverUsed = tokens.filter((tk) => tk.lastUsedAt === null).map((tk) => tk.id);
    assert.deepEqual(
      (
        await page
          .getByTestId('overview-never-used')
          .locator('[data-testid^="overview-token-"]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')))
      ).sort(),
      neverUsed.map((id) => `overview-token-${id}`).sort(),
    );
    if (!hasRollups()) await page.getByTestId('overview-no-rollups').waitFor();
    else await checkTraffic();
    await screenshot('usage-03-overview');
    await followLinks(tokens, expiring);
  });

  async function checkTraffic() {
    const top = page.getByTestId('overview-top-traffic').locator('[data-testid^="overview-token-"]');
    assert.equal(await top.first().getAttribute('data-testid'), `overview-token-${busy.id}`, 'the busiest token first');
    assert.match((await top.first().textContent()) ?? '', new RegExp(`${OK_CALLS + REFUSED_CALLS}$`));
    // All traffic: today's bar holds every request sent.
    assert.equal(await page.getByTestId(`overview-chart-day-${today()}`).getAttribute('data-total'), String(OK_CALLS + REFUSED_CALLS + 1));
  }

  async function followLinks(tokens: Array<{ id: string; enabled: boolean }>, expiring: Array<{ id: string }>) {
    // Each count opens the token list so filtered.
    await page.getByTestId('overview-count-expiring').click();
    await page.waitForURL((url) => url.pathname === '/admin/resources/ApiToken' && url.searchParams.get('filters.status') === 'active');
    await waitForRows(expiring.map((tk) => tk.id));
    await screenshot('usage-04-overview-expiring-list');
    await page.goBack();
    await page.getByTestId('overview-count-disabled').click();
    await page.waitForURL((url) => url.searchParams.get('filters.status') === 'disabled');
    await waitForRows(tokens.filter((tk) => !tk.enabled).map((tk) => tk.id));
    await page.goBack();
    // A listed token is one click from its detail page.
    await page.getByTestId('overview-unused').getByRole('link', { name: stale.name }).click();
    await page.waitForURL(`**/admin/resources/ApiToken/records/${stale.id}/show`);
  }

  it('filters the request logs by a ready-made period and a custom range', async () => {
    // Older rows, made as the log writer would have made them then.
    const old = (hoursAgo: number) => ({
      tokenId: busy.id,
      tokenName: busy.name,
      method: 'GET',
      path: `/api/v1/old-${hoursAgo}h`,
      status: 200,
      ip: '203.0.113.9',
      userAgent: 'old client',
      durationMs: 3,
      createdAt: new Date(t.clock.now().getTime() - hoursAgo * HOUR_MS),
    });
    await t.host.prisma.apiRequestLog.createMany({ data: [old(3), old(30), old(24 * 40)] });
    const all = await t.host.prisma.apiRequestLog.findMany({ orderBy: { createdAt: 'desc' } });
    const within = (ms: number) => all.filter((row) => row.createdAt.getTime() >= t.clock.now().getTime() - ms).map((row) => String(row.id));

    await page.goto('/admin/resources/ApiRequestLog');
    await page.locator('tr[data-id]').first().waitFor();
    await page.locator('[data-css="ApiRequestLog-filter-button"]').click();
    const filter = page.getByTestId('period-filter');
    await filter.locator('input').first().focus();
    await page.keyboard.press('ArrowDown');
    const offered = await page.getByRole('option').allTextContents();
    assert.deepEqual(offered, ['Any time', 'Last hour', 'Last 24 hours', 'Last 7 days', 'Last 30 days', 'Last 90 days', 'Custom range…']);
    await page.getByRole('option', { name: 'Last hour' }).click();
    await screenshot('usage-05-request-log-period-filter');
    await page.locator('[data-css="ApiRequestLog-filter-drawer-button-apply"]').click();
    await page.waitForURL((url) => url.searchParams.get('filters.createdAt.last') === '1h');
    await waitForRows(within(HOUR_MS));

    await page.locator('[data-css="ApiRequestLog-filter-button"]').isVisible();
    await page.goto('/admin/resources/ApiRequestLog?filters.createdAt.last=7d');
    await waitForRows(within(7 * DAY_MS));
    assert.equal((await rowIds()).length, all.length - 1, 'the 40-day-old row is outside the last 7 days');

    // A custom range: from 2 days ago to 2 hours ago holds the 3 h and 30 h rows.
    const from = new Date(t.clock.now().getTime() - 2 * DAY_MS).toISOString();
    const to = new Date(t.clock.now().getTime() - 2 * HOUR_MS).toISOString();
    await page.goto(`/admin/resources/ApiRequestLog?filters.createdAt.from=${encodeURIComponent(from)}&filters.createdAt.to=${encodeURIComponent(to)}`);
    const inRange = all.filter((row) => row.createdAt.toISOString() >= from && row.createdAt.toISOString() <= to).map((row) => String(row.id));
    assert.equal(inRange.length, 2);
    await waitForRows(inRange);
    await page.locator('[data-css="ApiRequestLog-filter-button"]').click();
    await page.getByTestId('period-filter-range').waitFor();
    assert.equal(await filter.getByText('Custom range…').count(), 1, 'the filter shows the range it was opened with');
    await screenshot('usage-06-request-log-custom-range');
  });

  it('downloads the filtered request logs as CSV', async () => {
    await page.goto(`/admin/resources/ApiRequestLog?filters.createdAt.last=24h&filters.tokenId=${busy.id}`);
    await page.locator('tr[data-id]').first().waitFor();
    const expected = await t.host.prisma.apiRequestLog.findMany({
      where: { tokenId: busy.id, createdAt: { gte: new Date(t.clock.now().getTime() - DAY_MS) } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    assert.equal(expected.length, OK_CALLS + REFUSED_CALLS + 1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('request-log-export-csv').click()]);
    assert.match(download.suggestedFilename(), /^request-logs-\d{8}-\d{4}\.csv$/);
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'Time (UTC),Token,Token id,Method,Path,Status,Duration (ms),IP,User agent,Request id');
    assert.deepEqual(
      lines.slice(1).map((line) => [...line.split(',').slice(0, 6), line.split(',').at(-1)].join(',')),
      expected.map((row) => [row.createdAt.toISOString(), row.tokenName, row.tokenId, row.method, row.path, row.status, row.id].join(',')),
    );
    await screenshot('usage-07-request-logs-with-export');
  });

  it('hides the overview from an ordinary admin, in the navigation and through the AdminJS API', async () => {
    await signOut();
    await signIn(ADMIN);
    assert.equal(await page.locator('a[href="/admin/resources/ApiAccessOverview"]').count(), 0);
    const api = await page.request.get('/admin/api/resources/ApiAccessOverview/actions/list');
    const body = await api.text();
    assert.ok(api.status() >= 400 || /forbidden|not authorized|may not/i.test(body), `refused: ${api.status()} ${body.slice(0, 200)}`);
    assert.ok(!body.includes('"overview"'), 'no overview data');
    const usage = await page.request.get(`/admin/api/resources/ApiToken/records/${busy.id}/usage`);
    assert.ok(!(await usage.text()).includes('"usage"'), 'no usage data');
    await page.goto('/admin/resources/ApiAccessOverview');
    assert.equal(await page.getByTestId('api-access-overview').count(), 0);
    await screenshot('usage-08-ordinary-admin-overview');
    assert.deepEqual(pageErrors, []);
  });
});
