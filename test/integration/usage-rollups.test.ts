/**
 * Usage rollups: the request-log writer counts each batch's requests per token and UTC day in the
 * same transaction as its rows (through Prisma on every database, and from the worker thread of
 * SQLite or PostgreSQL), so the rollups always equal the rows; the usage queries read them under the access
 * rules; the retention job keeps them longer than the rows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PrismaClient } from '@prisma/client';
import { RequestLogWriter, type Actor, type RequestLogEntry } from 'adminjs-api-access';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { createHostDatabase } from '../helpers/database.js';
import { logTransports, transportOptions, type LogTransportName } from '../helpers/log-transports.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

const DAY = 86_400_000;
const OUTCOMES = ['ok', 'clientError', 'serverError', 'refused', 'aborted'] as const;
const BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

function outcome(status: number): (typeof OUTCOMES)[number] {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403) return 'refused';
  if (status === 499) return 'aborted';
  return status < 500 ? 'clientError' : 'serverError';
}

function bucket(ms: number): string {
  const i = BUCKETS.findIndex((b) => ms <= b);
  return i === -1 ? 'msMore' : `ms${BUCKETS[i]}`;
}

/** The rollups as the raw rows say they should be: per token and day, and per day. */
async function expectedFromRows(
  prisma: PrismaClient,
): Promise<{ tokenDays: Record<string, Record<string, number>>; days: Record<string, Record<string, number>> }> {
  const rows = await prisma.apiRequestLog.findMany({ select: { tokenId: true, status: true, durationMs: true, createdAt: true } });
  const tokenDays: Record<string, Record<string, number>> = {};
  const days: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const day = row.createdAt.toISOString().slice(0, 10);
    for (const target of [(tokenDays[`${row.tokenId} ${day}`] ??= {}), (days[day] ??= {})]) {
      target[outcome(row.status)] = (target[outcome(row.status)] ?? 0) + 1;
      target[bucket(row.durationMs)] = (target[bucket(row.durationMs)] ?? 0) + 1;
    }
  }
  return { tokenDays, days };
}

const nonZero = (row: Record<string, unknown>, skip: string[]) => Object.fromEntries(Object.entries(row).filter(([k, v]) => !skip.includes(k) && v !== 0));

async function storedRollups(
  prisma: PrismaClient,
): Promise<{ tokenDays: Record<string, Record<string, number>>; days: Record<string, Record<string, number>> }> {
  const tokenDays = Object.fromEntries(
    (await prisma.apiTokenUsageDay.findMany()).map((r) => [`${r.tokenId} ${r.day}`, nonZero(r, ['tokenId', 'day'])]),
  ) as Record<string, Record<string, number>>;
  const days = Object.fromEntries((await prisma.apiUsageDay.findMany()).map((r) => [r.day, nonZero(r, ['day'])])) as Record<string, Record<string, number>>;
  return { tokenDays, days };
}

const STATUSES = [200, 200, 200, 201, 302, 404, 422, 500, 503, 401, 403, 499];

function burst(count: number, now: number): RequestLogEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    tokenId: `tok-${i % 7}`,
    tokenName: `token ${i % 7}`,
    method: 'GET',
    path: '/api/v1/vaults',
    status: STATUSES[i % STATUSES.length]!,
    ip: '203.0.113.9',
    userAgent: 'rollup-test',
    durationMs: (i * 37) % 12_000,
    // Three UTC days, the rows of a batch crossing midnight.
    createdAt: new Date(now - ((i * 97) % (3 * DAY))),
  }));
}

const transports = logTransports();

async function withWriter(
  transport: LogTransportName,
  batchSize: number,
  run: (writer: RequestLogWriter, prisma: PrismaClient, errors: unknown[]) => Promise<void>,
): Promise<void> {
  const db = await createHostDatabase();
  const prisma = createPrismaClient(db.url);
  const errors: unknown[] = [];
  const writer = new RequestLogWriter(prisma, {
    batchSize,
    flushIntervalMs: 60_000,
    maxBuffered: 1_000_000,
    ...transportOptions(transport, db),
    onError: (error) => errors.push(error),
  });
  try {
    await run(writer, prisma, errors);
  } finally {
    await writer.close();
    await prisma.$disconnect();
    await db.remove();
  }
}

for (const transport of transports) {
  describe(`usage rollups written with the request log (${transport})`, () => {
    it('after a burst, the rollups per token and day, and per day, equal the rows; one upsert row per token and day a batch', async () => {
      await withWriter(transport, 500, async (writer, prisma, errors) => {
        for (const entry of burst(5_000, Date.now())) writer.write(entry);
        await writer.flush();
        assert.deepEqual(errors, []);
        assert.equal(await prisma.apiRequestLog.count(), 5_000);
        const expected = await expectedFromRows(prisma);
        const stored = await storedRollups(prisma);
        assert.equal(Object.keys(stored.tokenDays).length, Object.keys(expected.tokenDays).length);
        assert.deepEqual(stored, expected);
        const total = (await prisma.apiUsageDay.findMany()).reduce((n, r) => n + r.ok + r.clientError + r.serverError + r.refused + r.aborted, 0);
        assert.equal(total, 5_000);
      });
    });

    it('while the rollup cannot be written, stores neither rows nor counts; once it can, both, counted once', async () => {
      await withWriter(transport, 100, async (writer, prisma, errors) => {
        await prisma.$executeRawUnsafe('ALTER TABLE "ApiTokenUsageDay" RENAME TO "ApiTokenUsageDay_away"');
        for (const entry of burst(250, Date.now())) writer.write(entry);
        await writer.flush();
        assert.ok(errors.length > 0, 'the failed batch was reported');
        assert.equal(writer.stats.buffered, 250, 'every row is still buffered');
        assert.equal(await prisma.apiRequestLog.count(), 0, 'the rows were rolled back with their rollup');
        assert.equal(await prisma.apiUsageDay.count(), 0);
        await prisma.$executeRawUnsafe('ALTER TABLE "ApiTokenUsageDay_away" RENAME TO "ApiTokenUsageDay"');
        await writer.flush();
        assert.equal(await prisma.apiRequestLog.count(), 250);
        assert.deepEqual(await storedRollups(prisma), await expectedFromRows(prisma));
      });
    });
  });
}

describe('usage queries', () => {
  /** A second super admin, without the token-admin grant. */
  async function superWithoutGrant(t: TestHost): Promise<Actor> {
    const user = await t.host.prisma.adminUser.create({
      data: { email: 'super2@example.com', name: 'S2', role: 'super_admin', passwordHash: 'x', lastSignInAt: new Date() },
    });
    return { id: user.id, email: user.email, isSuperAdmin: true };
  }

  async function token(t: TestHost, actor: Actor, name: string): Promise<string> {
    const { token } = await t.host.apiAccess.service.create(actor, { name, roleIds: [t.roles.vaultSummary], expiry: { type: 'never' } });
    return token.id;
  }

  function entry(tokenId: string, at: number, status: number, durationMs: number): RequestLogEntry {
    return {
      tokenId,
      tokenName: tokenId,
      method: 'GET',
      path: '/api/v1/vaults',
      status,
      ip: '203.0.113.1',
      userAgent: 'test',
      durationMs,
      createdAt: new Date(at),
    };
  }

  it("a token's days: every day of 30 or 90 present and zero-filled, totals, error rate, and p50/p95 from the histogram", async () => {
    const t = await startTestHost();
    try {
      const id = await token(t, t.superAdmin, 'Charted token');
      const now = t.clock.now().getTime();
      const log = t.host.apiAccess.requestLog!;
      // Today: 90 fast successes (3 ms) and 10 slow server errors (800 ms); 5 days ago: 4 refusals and 1 abort; 40 days ago: 7 not-founds.
      for (let i = 0; i < 90; i++) log.write(entry(id, now, 200, 3));
      for (let i = 0; i < 10; i++) log.write(entry(id, now, 500, 800));
      for (let i = 0; i < 4; i++) log.write(entry(id, now - 5 * DAY, 403, 1));
      log.write(entry(id, now - 5 * DAY, 499, 20_000));
      for (let i = 0; i < 7; i++) log.write(entry(id, now - 40 * DAY, 404, 2));
      await t.host.apiAccess.flush();

      const month = await t.host.apiAccess.service.tokenUsage(t.superAdmin, id, { days: 30 });
      assert.equal(month.days.length, 30);
      const today = new Date(now).toISOString().slice(0, 10);
      assert.equal(month.days[29]!.day, today, 'the last day is today (UTC)');
      assert.equal(month.days[0]!.day, new Date(now - 29 * DAY).toISOString().slice(0, 10));
      assert.deepEqual(month.days[29], { day: today, ok: 90, clientError: 0, serverError: 10, refused: 0, aborted: 0 });
      assert.deepEqual(month.days[24], {
        day: new Date(now - 5 * DAY).toISOString().slice(0, 10),
        ok: 0,
        clientError: 0,
        serverError: 0,
        refused: 4,
        aborted: 1,
      });
      assert.equal(
        month.days.filter((d) => d.ok + d.clientError + d.serverError + d.refused + d.aborted === 0).length,
        28,
        'the other days are there, with zeros',
      );
      assert.deepEqual(
        { ...month.totals },
        // 105 requests; errors: 10 server errors and 4 refusals. By bucket: 4 in <=1 ms, 90 in 2-5 ms,
        // 10 in 500-1000 ms, 1 above 10 s. p50, rank 52.5: 2 + 3 * 48.5/90 = 3.6; p95, rank 99.75: 500 + 500 * 5.75/10 = 787.5.
        { requests: 105, ok: 90, clientError: 0, serverError: 10, refused: 4, aborted: 1, errorRate: 14 / 105, p50Ms: 4, p95Ms: 788 },
      );

      const quarter = await t.host.apiAccess.service.tokenUsage(t.superAdmin, id, { days: 90 });
      assert.equal(quarter.days.length, 90);
      assert.equal(quarter.totals.requests, 112);
      assert.equal(quarter.totals.clientError, 7);

      const unused = await token(t, t.superAdmin, 'Quiet token');
      const none = await t.host.apiAccess.service.tokenUsage(t.superAdmin, unused, {});
      assert.equal(none.days.length, 30, '30 days by default');
      assert.deepEqual(none.totals, { requests: 0, ok: 0, clientError: 0, serverError: 0, refused: 0, aborted: 0, errorRate: 0, p50Ms: null, p95Ms: null });

      await assert.rejects(t.host.apiAccess.service.tokenUsage(t.superAdmin, id, { days: 7 }), /30 or 90 days/);
      await assert.rejects(t.host.apiAccess.service.tokenUsage(t.superAdmin, 'no-such-token', {}), (e: Error & { code?: string }) => e.code === 'NOT_FOUND');
    } finally {
      await t.close();
    }
  });

  it("without the token-admin grant: only one's own tokens, in the token chart and the whole overview", async () => {
    const t = await startTestHost({ seed: true });
    try {
      const other = await superWithoutGrant(t);
      const mine = await token(t, other, 'Own token of S2');
      const theirs = await token(t, t.superAdmin, 'Token of the grant holder');
      const now = t.clock.now().getTime();
      const log = t.host.apiAccess.requestLog!;
      for (let i = 0; i < 30; i++) log.write(entry(mine, now - DAY, i < 3 ? 500 : 200, 5));
      for (let i = 0; i < 50; i++) log.write(entry(theirs, now, 200, 5));
      await t.host.apiAccess.flush();

      await assert.rejects(t.host.apiAccess.service.tokenUsage(other, theirs, {}), (e: Error & { code?: string }) => e.code === 'FORBIDDEN');
      assert.equal((await t.host.apiAccess.service.tokenUsage(other, mine, {})).totals.requests, 30);
      assert.equal((await t.host.apiAccess.service.tokenUsage(t.superAdmin, mine, {})).totals.requests, 30, 'the grant holder sees any token');
      await assert.rejects(t.host.apiAccess.service.tokenUsage(t.admin, mine, {}), (e: Error & { code?: string }) => e.code === 'FORBIDDEN');
      await assert.rejects(t.host.apiAccess.service.usageOverview(t.admin, {}), (e: Error & { code?: string }) => e.code === 'FORBIDDEN');

      const own = await t.host.apiAccess.service.usageOverview(other, {});
      assert.deepEqual(own.counts, { active: 1, expiringWithin30Days: 0, expired: 0, disabled: 0 });
      assert.deepEqual(
        own.topByTraffic.map((r) => [r.name, r.requests]),
        [['Own token of S2', 30]],
      );
      assert.deepEqual(
        own.topByErrorRate.map((r) => [r.name, r.requests, r.errorRate]),
        [['Own token of S2', 30, 0.1]],
      );
      assert.equal(own.traffic.length, 30);
      assert.equal(
        own.traffic.reduce((n, d) => n + d.ok + d.serverError, 0),
        30,
        "the chart counts only S2's token",
      );

      const all = await t.host.apiAccess.service.usageOverview(t.superAdmin, {});
      assert.deepEqual(
        all.topByTraffic.map((r) => [r.name, r.requests]),
        [
          ['Token of the grant holder', 50],
          ['Own token of S2', 30],
        ],
      );
      assert.equal(
        all.traffic.reduce((n, d) => n + d.ok + d.serverError, 0),
        80,
        'every token, from the per-day totals',
      );
      assert.ok(all.counts.active >= 2);
    } finally {
      await t.close();
    }
  });

  it('overview: counts by status, tokens unused for 30 days and never used, lists capped, each naming its token', async () => {
    const t = await startTestHost({ seed: false });
    try {
      await t.host.prisma.adminUser.create({
        data: { email: 'solo@example.com', name: 'Solo', role: 'super_admin', passwordHash: 'x', lastSignInAt: new Date() },
      });
      const solo = (await t.host.prisma.adminUser.findFirstOrThrow()) as { id: string; email: string };
      const actor: Actor = { id: solo.id, email: solo.email, isSuperAdmin: true };
      const now = t.clock.now();
      const ids: string[] = [];
      // More tokens than the policy lets one owner hold active: written straight into the table.
      for (let i = 0; i < 14; i++) {
        const name = `Token ${String(i).padStart(2, '0')}`;
        const row = await t.host.prisma.apiToken.create({
          data: {
            name,
            secretHash: `hash-${i}`,
            lastFour: 'abcd',
            allowedIps: [],
            ownerId: actor.id,
            ownerEmail: actor.email,
            createdById: actor.id,
            createdByEmail: actor.email,
            createdAt: new Date(now.getTime() - (100 - i) * DAY),
          },
        });
        ids.push(row.id);
      }
      // 12 last used 52 to 41 days ago (Token 00 longest), 1 yesterday, 1 never.
      for (let i = 0; i < 12; i++)
        await t.host.prisma.apiToken.update({ where: { id: ids[i]! }, data: { lastUsedAt: new Date(now.getTime() - (52 - i) * DAY) } });
      await t.host.prisma.apiToken.update({ where: { id: ids[12]! }, data: { lastUsedAt: new Date(now.getTime() - DAY) } });
      await t.host.prisma.apiToken.update({ where: { id: ids[0]! }, data: { enabled: false } });
      await t.host.prisma.apiToken.update({ where: { id: ids[1]! }, data: { expiresAt: new Date(now.getTime() - DAY) } });
      await t.host.prisma.apiToken.update({ where: { id: ids[2]! }, data: { expiresAt: new Date(now.getTime() + 10 * DAY) } });

      const overview = await t.host.apiAccess.service.usageOverview(actor, { now });
      assert.deepEqual(overview.counts, { active: 12, expiringWithin30Days: 1, expired: 1, disabled: 1 });
      assert.equal(overview.unused30Days.length, 10, 'capped at 10');
      assert.deepEqual(
        overview.unused30Days.slice(0, 2).map((r) => r.name),
        ['Token 00', 'Token 01'],
        'longest unused first',
      );
      assert.equal(overview.unused30Days[0]!.lastUsedAt, new Date(now.getTime() - 52 * DAY).toISOString());
      assert.deepEqual(overview.neverUsed, [{ id: ids[13], name: 'Token 13', lastUsedAt: null }]);
      assert.deepEqual([overview.topByTraffic, overview.topByErrorRate], [[], []]);
      assert.ok(overview.traffic.every((d) => d.ok === 0));
    } finally {
      await t.close();
    }
  });

  it('retention keeps rollups for their own period (rollupRetentionDays), past the rows', async () => {
    const t = await startTestHost({ apiAccess: { requestLog: { retentionDays: 10, rollupRetentionDays: 30, purgeBatchSize: 2 } } });
    try {
      const id = await token(t, t.superAdmin, 'Aging token');
      const now = t.clock.now().getTime();
      const log = t.host.apiAccess.requestLog!;
      for (const age of [0, 5, 20, 31, 40]) for (const tok of [id, `${id}-gone`, `${id}-other`]) log.write(entry(tok, now - age * DAY, 200, 5));
      await t.host.apiAccess.flush();
      const report = (await t.host.apiAccess.runJobs()).requestLogRetention!;
      assert.equal(report.deleted, 9, 'rows of 20, 31 and 40 days ago: past 10 days');
      assert.equal(report.rollupsDeleted, 6 + 2, 'token-days and days of 31 and 40 days ago: past 30 days');
      assert.equal(await t.host.prisma.apiRequestLog.count(), 6);
      assert.equal(
        (await t.host.apiAccess.service.tokenUsage(t.superAdmin, id, { days: 30 })).totals.requests,
        3,
        'the chart still shows the day of 20 days ago',
      );
    } finally {
      await t.close();
    }
  });
});
