// How many request logs a list says it has, for a user without the token-admin grant (the logs of
// their own tokens): on PostgreSQL, past ESTIMATED_OWNER_TOTAL_FROM rows by the planner's
// estimate, the estimate, said to be one (the service's totalIsEstimate, the list action's meta);
// a page short of a full one gives the exact total back. On SQLite always counted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type supertest from 'supertest';
import type { Actor } from 'adminjs-api-access';
import { ESTIMATED_OWNER_TOTAL_FROM } from '../../src/store/request-logs.js';
import { hashPassword } from '../../example-app/src/users.js';
import { onPostgres } from '../helpers/database.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

const ROWS = 24_000;
const API = '/admin/api/resources/ApiRequestLog/actions/list';

describe("the total of an owner's request-log list", { timeout: 120_000 }, () => {
  let t: TestHost;
  let owner: Actor;
  let agent: supertest.Agent;
  const tokens: string[] = [];

  before(async () => {
    t = await startTestHost();
    const user = await t.host.prisma.adminUser.create({
      data: { email: 'owner-totals@example.com', name: 'Otto Owner', role: 'super_admin', passwordHash: await hashPassword('owner-totals-pass') },
    });
    owner = { id: user.id, email: user.email, isSuperAdmin: true };
    agent = await t.signIn('owner-totals@example.com', 'owner-totals-pass');
    for (const name of ['Totals A', 'Totals B', 'Totals C']) {
      tokens.push((await t.host.apiAccess.service.create(owner, { name, roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } })).token.id);
    }
    // ROWS rows over the owner's three tokens, one a millisecond back from now, and a few of the
    // seeded tokens' (someone else's), written in one statement; then analysed, as autovacuum would.
    const now = t.clock.now().getTime();
    const others = (await t.host.prisma.apiToken.findMany({ where: { ownerId: { not: owner.id } }, select: { id: true } })).map((token) => token.id);
    const rows = [...Array.from({ length: ROWS }, (_, i) => tokens[i % 3]!), ...others.flatMap((id) => Array.from({ length: 50 }, () => id))];
    for (let first = 0; first < rows.length; first += 2_000) {
      await t.host.prisma.apiRequestLog.createMany({
        data: rows.slice(first, first + 2_000).map((tokenId, i) => ({
          tokenId,
          tokenName: 'totals',
          method: 'GET',
          path: '/api/v1/vaults',
          status: 200,
          ip: '203.0.113.4',
          durationMs: 1,
          createdAt: new Date(now - first - i),
        })),
      });
    }
    if (onPostgres()) await t.host.prisma.$executeRawUnsafe('ANALYZE "ApiRequestLog", "ApiToken"');
  });

  after(async () => {
    await t?.close();
  });

  it(
    onPostgres() ? "PostgreSQL: past the threshold, the planner's estimate, said to be one, beside a page read in full" : 'SQLite: counted exactly',
    async () => {
      const page = await t.host.apiAccess.service.listRequestLogs(owner, { perPage: 20 });
      assert.equal(page.items.length, 20);
      assert.ok(
        page.items.every((log) => tokens.includes(log.tokenId)),
        'only the owner’s rows',
      );
      const body = (await agent.get(`${API}?perPage=20`).expect(200)).body as { meta: { total: number; totalIsEstimate: boolean }; records: unknown[] };
      assert.equal(body.records.length, 20);
      if (!onPostgres()) {
        assert.deepEqual([page.total, page.totalIsEstimate], [ROWS, false]);
        assert.deepEqual([body.meta.total, body.meta.totalIsEstimate], [ROWS, false]);
        return;
      }
      assert.ok(ESTIMATED_OWNER_TOTAL_FROM < ROWS);
      assert.equal(page.totalIsEstimate, true, `the total ${page.total}`);
      // The planner gives each of the log's tokens an even share (3 of the 6 here): about half.
      assert.ok(page.total >= ESTIMATED_OWNER_TOTAL_FROM && page.total <= ROWS, `an estimate of ${ROWS}: ${page.total}`);
      assert.deepEqual([body.meta.total, body.meta.totalIsEstimate], [page.total, true]);
    },
  );

  it('a short page is the last: its total is exact', async () => {
    // Pages of 7: the last, page 3,429, holds 24,000 - 3,428 × 7 = 4 rows.
    const last = await t.host.apiAccess.service.listRequestLogs(owner, { perPage: 7, page: 3429 });
    assert.equal(last.items.length, 4);
    assert.deepEqual([last.total, last.totalIsEstimate], [ROWS, false]);
    const body = (await agent.get(`${API}?perPage=7&page=3429`).expect(200)).body as { meta: { total: number; totalIsEstimate: boolean } };
    assert.deepEqual([body.meta.total, body.meta.totalIsEstimate], [ROWS, false]);
  });

  it("one token's list, and a small owner's, are counted exactly", async () => {
    const one = await t.host.apiAccess.service.listRequestLogs(owner, { tokenId: tokens[0] });
    assert.deepEqual([one.total, one.totalIsEstimate], [ROWS / 3, false]);
    const seeded = await t.host.apiAccess.service.listRequestLogs(t.superAdmin, { tokenId: tokens[1] });
    assert.deepEqual([seeded.total, seeded.totalIsEstimate], [ROWS / 3, false]);
    // The seeded super admin has the grant: an owner scope needs a user without it.
    const small = await t.host.prisma.adminUser.create({
      data: { email: 'owner-small@example.com', name: 'Sam Small', role: 'super_admin', passwordHash: await hashPassword('owner-small-pass') },
    });
    const smallOwner = { id: small.id, email: small.email, isSuperAdmin: true };
    const token = (
      await t.host.apiAccess.service.create(smallOwner, { name: 'Totals small', roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } })
    ).token.id;
    await t.host.prisma.apiRequestLog.createMany({
      data: Array.from({ length: 30 }, () => ({
        tokenId: token,
        tokenName: 'small',
        method: 'GET',
        path: '/x',
        status: 200,
        ip: '203.0.113.4',
        durationMs: 1,
      })),
    });
    const list = await t.host.apiAccess.service.listRequestLogs(smallOwner, { perPage: 10 });
    assert.deepEqual([list.total, list.totalIsEstimate, list.items.length], [30, false, 10]);
  });
});
