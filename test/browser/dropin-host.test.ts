// The package dropped into a typical existing AdminJS + Prisma back office (test/fixtures/dropin-host:
// plain ESM JavaScript, Int autoincrement user ids, one schema.prisma, AdminJS's usual
// authenticate), following the README's "Add it to your AdminJS host" step for step: the tarball
// `npm pack` makes is installed into a fresh copy of the host, the plugin's fragment appended to
// its schema, its client generated, a migration written and applied; then the journey in Chromium.
// The copy lives under test-output/ so that the host's other dependencies resolve from this
// repository's node_modules (nothing is downloaded). Needs `npm run build` first (npm test does it).
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const FIXTURE = path.join(REPO, 'test', 'fixtures', 'dropin-host');
const PRISMA_CLI = path.join(REPO, 'node_modules', 'prisma', 'build', 'index.js');
const SCREENSHOTS = path.join(REPO, 'test-output', 'screenshots');
const OWNER = { email: 'owner@shop.test', password: 'owner-password' };
const CLERK = { email: 'clerk@shop.test', password: 'clerk-password' };

describe('The package dropped into an existing Int-id back office', { timeout: 300_000 }, () => {
  let dir = '';
  let host: ChildProcess | null = null;
  let hostOutput = '';
  let base = '';
  let browser: Browser;
  let ownerContext: BrowserContext;
  let page: Page;
  let secret = '';
  const pageErrors: string[] = [];

  const run = (args: string[], what: string) => {
    try {
      return execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: hostEnv() });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      assert.fail(`${what} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
  };
  const hostEnv = () => ({
    ...process.env,
    API_ACCESS_PEPPER: 'dropin-host-pepper-0123456789-abcdefghijklmnop',
    SESSION_SECRET: 'dropin-host-session-secret-0123456789-abcdef',
    PORT: '0',
    ADMIN_JS_TMP_DIR: path.join(dir, '.adminjs'),
    NODE_ENV: 'development',
  });
  const db = () => new Database(path.join(dir, 'prisma', 'shop.db'), { readonly: true });
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const conn = db();
    try {
      return conn.prepare(sql).all(...params) as T[];
    } finally {
      conn.close();
    }
  };
  const screenshot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `dropin-${name}.png`), fullPage: true });

  async function signIn(target: Page, who: { email: string; password: string }) {
    await target.goto('/admin/login');
    await target.locator('input[name="email"]').fill(who.email);
    await target.locator('input[name="password"]').fill(who.password);
    await target.locator('form button').click();
    await target.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/');
  }

  /** Types into a user picker and takes the one offered user with this e-mail. */
  async function pick(testId: string, email: string) {
    const input = page.getByTestId(testId).locator('input').first();
    await input.focus();
    await page.keyboard.type(email.slice(0, 5));
    await page.getByRole('option', { name: email }).waitFor();
    await page.keyboard.type(email.slice(5));
    await page.getByRole('option', { name: email, exact: true }).click();
  }

  async function apiStatus(bearer: string): Promise<number> {
    const res = await fetch(`${base}/api/orders`, { headers: { authorization: `Bearer ${bearer}` } });
    await res.arrayBuffer();
    return res.status;
  }

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: run node scripts/ensure-chromium.mjs`);
    assert.ok(existsSync(path.join(REPO, 'dist', 'index.js')), 'dist/ is missing: run npm run build first');
    mkdirSync(path.join(REPO, 'test-output'), { recursive: true });
    dir = mkdtempSync(path.join(REPO, 'test-output', 'dropin-host-'));
    cpSync(FIXTURE, dir, { recursive: true });

    // npm install adminjs-api-access: the tarball as published (dist/ is built already), unpacked
    // where npm puts it.
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
        cwd: REPO,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((f) => f.path);
    for (const shipped of ['LICENSE', 'README.md', 'SECURITY.md', 'prisma/schema/api-access.prisma', 'dist/index.js', 'dist/components/UserPicker.tsx']) {
      assert.ok(files.includes(shipped), `the tarball carries ${shipped}`);
    }
    const installed = path.join(dir, 'node_modules', 'adminjs-api-access');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(dir, packed[0]!.filename), '-C', installed, '--strip-components=1']);

    // The README's steps: the fragment appended to the single schema.prisma, the client
    // generated, the migration written from the schema before and after, and applied.
    const schema = path.join(dir, 'prisma', 'schema.prisma');
    copyFileSync(schema, path.join(dir, 'schema.before.prisma'));
    appendFileSync(schema, `\n${readFileSync(path.join(installed, 'prisma', 'schema', 'api-access.prisma'), 'utf8')}`);
    run([PRISMA_CLI, 'generate'], 'prisma generate');
    const migration = path.join(dir, 'prisma', 'migrations', '20261205000000_api_access');
    mkdirSync(migration, { recursive: true });
    run(
      [
        PRISMA_CLI,
        'migrate',
        'diff',
        '--from-schema-datamodel',
        'schema.before.prisma',
        '--to-schema-datamodel',
        'prisma/schema.prisma',
        '--script',
        '-o',
        path.join(migration, 'migration.sql'),
      ],
      'prisma migrate diff',
    );
    // docs/integration.md's SQLite step, its sed as written: the request log's id as SQLite numbers it.
    const sql = path.join(migration, 'migration.sql');
    assert.match(readFileSync(sql, 'utf8'), /"id" BIGINT NOT NULL PRIMARY KEY,/, 'Prisma declares the 64-bit id as the docs say');
    execFileSync('sed', ['-i.bak', 's/"id" BIGINT NOT NULL PRIMARY KEY,/"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,/', sql]);
    rmSync(`${sql}.bak`);
    assert.match(readFileSync(sql, 'utf8'), /"ApiRequestLog" \(\s+"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,/);
    run([PRISMA_CLI, 'migrate', 'deploy'], 'prisma migrate deploy');
    run(['src/seed.js'], 'the seed');

    host = spawn(process.execPath, ['src/server.js'], { cwd: dir, env: hostEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    host.stdout!.on('data', (chunk: Buffer) => (hostOutput += chunk.toString()));
    host.stderr!.on('data', (chunk: Buffer) => (hostOutput += chunk.toString()));
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the host did not start:\n${hostOutput}`)), 120_000);
      const look = () => {
        const found = /http:\/\/127\.0\.0\.1:(\d+)\/admin/.exec(hostOutput);
        if (found) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${found[1]}`);
        }
      };
      host!.stdout!.on('data', look);
      host!.once('exit', (code) => reject(new Error(`the host exited (${code}):\n${hostOutput}`)));
    });

    const launching = launchChromium();
    const bundle = await fetch(`${base}/admin/frontend/assets/components.bundle.js`, { signal: AbortSignal.timeout(120_000) });
    assert.match(await bundle.text(), /ApiAccessGrantTokenAdmin/, "the bundle holds the plugin's screens");
    browser = await launching;
    ownerContext = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 900 } });
    await ownerContext.route('**/*', (route) => (new URL(route.request().url()).origin === base ? route.continue() : route.abort()));
    page = await ownerContext.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)));
  });

  after(async () => {
    await browser?.close();
    if (host && host.exitCode === null) host.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs its super admin in (an Int id from authenticate) and shows API Access beside its own resources', async () => {
    await signIn(page, OWNER);
    await page.getByText('API Access', { exact: true }).first().waitFor();
    // Its own resources work too: prismaResource fixed "does not have an id property".
    for (const own of ['User', 'Order']) {
      await page.goto(`/admin/resources/${own}`);
      await page.locator('tr[data-id]').first().waitFor();
      assert.equal(await page.locator('tr[data-id]').count(), 4, `the ${own} list`);
    }
  });

  it('gives the token-admin grant by picking a user: the first one to itself', async () => {
    await page.goto('/admin/resources/ApiTokenAdminGrant/actions/new');
    await page.getByTestId('grant-form').waitFor();
    const input = page.getByTestId('field-userId').locator('input').first();
    await input.focus();
    await page.keyboard.type('clerk');
    await page.getByText('Not a super admin: only super admins can be token admins.').waitFor();
    await screenshot('grant-picker');
    await page.keyboard.press('Escape');
    await input.fill('');
    await pick('field-userId', OWNER.email);
    await page.getByTestId('button-save').click();
    await page.waitForURL('**/admin/resources/ApiTokenAdminGrant');
    assert.deepEqual(
      query<{ userId: string }>('SELECT "userId" FROM "ApiTokenAdminGrant"').map((g) => g.userId),
      ['1'],
    );
  });

  it('offers the roles it declared, creates a token for itself, shows the secret once, and the secret opens its guarded route', async () => {
    await page.goto('/admin/resources/ApiToken/actions/new');
    await page.getByTestId('create-token-form').waitFor();
    await page.getByTestId('role-Orders read').waitFor();
    await page.getByTestId('role-Orders write').waitFor();
    await page.getByTestId('field-name').fill('Warehouse sync');
    await page.getByTestId('role-Orders read').check();
    await page.getByTestId('button-save').click();
    const revealed = page.getByTestId('reveal-secret');
    await revealed.waitFor();
    secret = await revealed.inputValue();
    assert.match(secret, /^aat_[0-9A-Za-z]{28}$/);
    await screenshot('reveal');
    const [row] = query<{ ownerId: string; ownerEmail: string }>('SELECT "ownerId", "ownerEmail" FROM "ApiToken" WHERE "name" = ?', 'Warehouse sync');
    assert.deepEqual(row, { ownerId: '1', ownerEmail: OWNER.email });
    assert.equal(await apiStatus(secret), 200);
    assert.equal(await apiStatus(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`), 401);
    assert.equal(await apiStatus('not-a-token'), 401);
    // Shown once: the token's page has no trace of it.
    await page.goto('/admin/resources/ApiToken');
    await page.locator('tr[data-id]').first().waitFor();
    assert.ok(!(await page.content()).includes(secret));
  });

  it('creates a token for another user who has signed in; one who never has is marked with the reason', async () => {
    const clerkContext = await browser.newContext({ baseURL: base });
    await clerkContext.route('**/*', (route) => (new URL(route.request().url()).origin === base ? route.continue() : route.abort()));
    await signIn(await clerkContext.newPage(), CLERK);
    await clerkContext.close();

    await page.goto('/admin/resources/ApiToken/actions/new');
    await page.getByTestId('create-token-form').waitFor();
    await page.getByTestId('field-name').fill('Clerk reports');
    await page.getByTestId('role-Orders read').check();
    const owner = page.getByTestId('field-owner').locator('input').first();
    await owner.focus();
    await page.keyboard.type('new@');
    await page.getByText(/Has never signed in/).waitFor();
    await page.keyboard.press('Escape');
    await owner.fill('');
    await pick('field-owner', CLERK.email);
    await screenshot('create-for-clerk');
    await page.getByTestId('button-save').click();
    await page.getByTestId('reveal-secret').waitFor();
    const [row] = query<{ ownerId: string; ownerEmail: string; createdById: string }>(
      'SELECT "ownerId", "ownerEmail", "createdById" FROM "ApiToken" WHERE "name" = ?',
      'Clerk reports',
    );
    assert.deepEqual(row, { ownerId: '3', ownerEmail: CLERK.email, createdById: '1' });
  });

  it('gives the grant to a second super admin by picking them', async () => {
    await page.goto('/admin/resources/ApiTokenAdminGrant/actions/new');
    await page.getByTestId('grant-form').waitFor();
    await pick('field-userId', 'second@shop.test');
    await page.getByTestId('button-save').click();
    await page.waitForURL('**/admin/resources/ApiTokenAdminGrant');
    assert.deepEqual(
      query<{ userId: string }>('SELECT "userId" FROM "ApiTokenAdminGrant" ORDER BY "userId"').map((g) => g.userId),
      ['1', '2'],
    );
  });

  it('its ordinary admin cannot see API Access', async () => {
    const clerkContext = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 900 } });
    await clerkContext.route('**/*', (route) => (new URL(route.request().url()).origin === base ? route.continue() : route.abort()));
    const clerk = await clerkContext.newPage();
    try {
      await signIn(clerk, CLERK);
      await clerk.goto('/admin/resources/Order');
      await clerk.locator('tr[data-id]').first().waitFor();
      assert.equal(await clerk.getByText('API Access', { exact: true }).count(), 0);
      assert.equal(await clerk.locator('a[href^="/admin/resources/Api"]').count(), 0);
      const list = await clerk.request.get('/admin/api/resources/ApiToken/actions/list');
      const body = await list.text();
      assert.ok(!body.includes('Warehouse sync') && !body.includes('Clerk reports'), 'the token list gives an ordinary admin nothing');
      await clerk.screenshot({ path: path.join(SCREENSHOTS, 'dropin-ordinary-admin.png'), fullPage: true });
    } finally {
      await clerkContext.close();
    }
  });

  it('writes its buffered request logs and exits on SIGTERM, AdminJS watcher and all', async () => {
    assert.equal(await apiStatus(secret), 200);
    const exited = new Promise<number | null>((resolve) => host!.once('exit', (code) => resolve(code)));
    host!.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
    assert.equal(code, 0, hostOutput);
    const logged = query<{ status: number }>('SELECT "status" FROM "ApiRequestLog" ORDER BY "id"').map((r) => r.status);
    assert.deepEqual(logged, [200, 200], 'each request with the token logged, the last one written at shutdown');
    assert.deepEqual(pageErrors, []);
  });
});
