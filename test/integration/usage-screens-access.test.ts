// Who may read the usage screens' data through the AdminJS API of the example host, over real
// HTTP: the overview (super admins only) and a token's `usage` action (whoever may open the
// token, GET only), and the filters the screens link with (the token list's expiry period, the
// request logs' ready-made periods).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type supertest from 'supertest';
import type { Actor } from 'adminjs-api-access';
import { hashPassword } from '../../example-app/src/users.js';
import { SEEDED_SIGN_INS } from '../../example-app/src/seed.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

const OVERVIEW = '/admin/api/resources/ApiAccessOverview/actions/list';
const usageUrl = (id: string, days?: number) => `/admin/api/resources/ApiToken/records/${id}/usage${days ? `?days=${days}` : ''}`;
const DAY_MS = 86_400_000;

interface Body {
  overview?: { counts: Record<string, number>; neverUsed: Array<{ id: string }>; traffic: unknown[] };
  links?: Record<string, string>;
  usage?: { days: Array<{ day: string }>; totals: { requests: number } };
  notice?: { message: string; type: string };
  error?: { code: string };
  records?: Array<{ id: string }>;
  meta?: { total: number };
}

describe('usage screens through the AdminJS API', { timeout: 120_000 }, () => {
  let t: TestHost;
  let superAgent: supertest.Agent;
  let adminAgent: supertest.Agent;
  let plainSuperAgent: supertest.Agent;
  let adminToken = '';
  let superToken = '';
  let plainSuper: Actor;

  before(async () => {
    t = await startTestHost({ apiAccess: { allowPersonalTokens: true, policy: { maxActiveTokensPerOwner: 100 } } });
    superAgent = await t.signIn(SEEDED_SIGN_INS[0].email, SEEDED_SIGN_INS[0].password);
    adminAgent = await t.signIn(SEEDED_SIGN_INS[1].email, SEEDED_SIGN_INS[1].password);
    const other = await t.host.prisma.adminUser.create({
      data: { email: 'plain-super@example.com', name: 'Pat Plain', role: 'super_admin', passwordHash: await hashPassword('plain-super-pass') },
    });
    plainSuper = { id: other.id, email: other.email, isSuperAdmin: true };
    plainSuperAgent = await t.signIn('plain-super@example.com', 'plain-super-pass');
    adminToken = (
      await t.host.apiAccess.service.create(t.admin, { name: 'Ada usage token', roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } })
    ).token.id;
    superToken = (await t.host.prisma.apiToken.findFirstOrThrow({ where: { name: 'GRC dashboard' } })).id;
    await t.host.apiAccess.service.create(plainSuper, { name: 'Pat usage token', roleIds: [t.roles.vaultSummary], expiry: { type: 'never' } });
  });

  after(async () => {
    await t?.close();
  });

  it('sends an anonymous visitor to the login page', async () => {
    const res = await t.request.get(OVERVIEW);
    assert.equal(res.status, 302);
    assert.match(String(res.headers.location), /\/admin\/login/);
    assert.equal((await t.request.get(usageUrl(superToken))).status, 302);
  });

  it('refuses the overview to an ordinary admin, even with personal tokens', async () => {
    // AdminJS answers a refused action with an error notice and nothing else.
    const body = (await adminAgent.get(OVERVIEW)).body as Body & { record?: { baseError?: { type: string } } };
    assert.equal(body.overview, undefined);
    assert.equal(body.links, undefined);
    assert.equal(body.notice?.type, 'error');
    assert.equal(body.record?.baseError?.type, 'ForbiddenError');
  });

  it('gives a super admin the overview, with links to the filtered token list', async () => {
    const res = await superAgent.get(OVERVIEW);
    assert.equal(res.status, 200);
    const body = res.body as Body;
    assert.ok(body.overview, JSON.stringify(body.notice));
    const all = await t.host.prisma.apiToken.findMany();
    assert.equal(body.overview.counts.active, all.length);
    assert.deepEqual(body.overview.neverUsed.map((r) => r.id).sort(), all.map((r) => r.id).sort());
    assert.equal(body.links?.active, '/admin/resources/ApiToken?filters.status=active');
    assert.equal(body.links?.token, '/admin/resources/ApiToken/records/{id}/show');
    // A super admin without the token-admin grant sees the overview of their own tokens.
    const plain = (await plainSuperAgent.get(OVERVIEW)).body as Body;
    assert.equal(plain.overview?.counts.active, 1);
  });

  it("gives a token's usage to whoever may open it, for 30 or 90 days", async () => {
    if (typeof (t.host.apiAccess.service as unknown as Record<string, unknown>).tokenUsage !== 'function') {
      // Without usage rollups the action says so, and still only to whoever may open the token.
      const own = (await adminAgent.get(usageUrl(adminToken))).body as Body;
      assert.match(own.notice?.message ?? '', /Usage figures are not available/);
      const others = (await adminAgent.get(usageUrl(superToken))).body as Body;
      assert.doesNotMatch(others.notice?.message ?? '', /Usage figures/, 'another owner’s token is refused first');
      return;
    }
    const own = (await adminAgent.get(usageUrl(adminToken))).body as Body;
    assert.equal(own.usage?.days.length, 30, JSON.stringify(own.notice));
    assert.equal(own.usage?.totals.requests, 0);
    const long = (await superAgent.get(usageUrl(adminToken, 90))).body as Body;
    assert.equal(long.usage?.days.length, 90);
    const others = (await adminAgent.get(usageUrl(superToken))).body as Body;
    assert.equal(others.usage, undefined);
    assert.equal(others.notice?.type, 'error');
    const plain = (await plainSuperAgent.get(usageUrl(adminToken))).body as Body;
    assert.equal(plain.usage, undefined, 'a super admin without the grant does not read others’ tokens');
  });

  it('takes GET only, and 30 or 90 days only', async () => {
    const post = (await superAgent.post(usageUrl(superToken)).send({})).body as Body;
    assert.equal(post.usage, undefined);
    assert.match(post.notice?.message ?? '', /read with GET/);
    const week = (await superAgent.get(usageUrl(superToken, 7))).body as Body;
    assert.equal(week.usage, undefined);
    assert.match(week.notice?.message ?? '', /30 or 90 days/);
  });

  it('filters the token list by an expiry period, as the overview links to it', async () => {
    const soon = new Date(t.clock.now().getTime() + 31 * DAY_MS).toISOString();
    const res = await superAgent.get(
      `/admin/api/resources/ApiToken/actions/list?filters.status=active&filters.expiresAt~~to=${encodeURIComponent(soon)}&perPage=50`,
    );
    const body = res.body as Body;
    const expected = (await t.host.prisma.apiToken.findMany({ where: { enabled: true, expiresAt: { gt: t.clock.now(), lte: new Date(soon) } } })).map(
      (r) => r.id,
    );
    assert.ok(expected.length > 0 && expected.length < (await t.host.prisma.apiToken.count()), 'the filter has something to leave out');
    assert.deepEqual(body.records?.map((r) => r.id).sort(), expected.sort());
    const bad = (await superAgent.get('/admin/api/resources/ApiToken/actions/list?filters.expiresAt~~to=soon')).body as Body;
    assert.deepEqual(bad.records, []);
    assert.match(bad.notice?.message ?? '', /must be a valid date/);
  });

  it('takes the request logs’ ready-made periods, and refuses others', async () => {
    const now = t.clock.now().getTime();
    const row = (ageMs: number) => ({
      tokenId: superToken,
      tokenName: 'GRC dashboard',
      method: 'GET',
      path: '/api/v1/x',
      status: 200,
      ip: '203.0.113.1',
      durationMs: 1,
      createdAt: new Date(now - ageMs),
    });
    await t.host.prisma.apiRequestLog.createMany({ data: [row(60_000), row(2 * 3_600_000), row(2 * DAY_MS), row(10 * DAY_MS), row(60 * DAY_MS)] });
    const total = async (last: string) =>
      ((await superAgent.get(`/admin/api/resources/ApiRequestLog/actions/list?filters.createdAt.last=${last}`)).body as Body).meta?.total;
    assert.deepEqual([await total('1h'), await total('24h'), await total('7d'), await total('30d'), await total('90d')], [1, 2, 3, 4, 5]);
    // AdminJS's own separator form too.
    assert.equal(((await superAgent.get('/admin/api/resources/ApiRequestLog/actions/list?filters.createdAt~~last=24h')).body as Body).meta?.total, 2);
    const bad = (await superAgent.get('/admin/api/resources/ApiRequestLog/actions/list?filters.createdAt.last=2h')).body as Body;
    assert.deepEqual(bad.records, []);
    assert.match(bad.notice?.message ?? '', /"last" is one of: 1h, 24h, 7d, 30d, 90d/);
  });
});
