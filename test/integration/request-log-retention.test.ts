/**
 * Request-log retention on the example host and a real SQLite database: rows older than the
 * retention period go, in bounded batches, newer ones stay; the API keeps answering while a large
 * purge runs; a purge stops between batches when the host shuts down and the next run finishes it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '@prisma/client';
import { ApiAccessError, generateToken, RequestLogRetention } from 'adminjs-api-access';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { MemoryLogger } from '../helpers/logger.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** `count` request-log rows, one second apart, the newest at `newest`. */
async function insertLogs(prisma: PrismaClient, count: number, newest: Date, options: { sameTime?: boolean; path?: string } = {}): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    tokenId: 'token-id',
    tokenName: 'Some token',
    method: 'GET',
    path: options.path ?? '/api/v1/vaults',
    status: 200,
    ip: '203.0.113.7',
    userAgent: 'test',
    durationMs: 3,
    createdAt: options.sameTime ? newest : new Date(newest.getTime() - (count - 1 - i) * 1000),
  }));
  for (let i = 0; i < rows.length; i += 5_000) await prisma.apiRequestLog.createMany({ data: rows.slice(i, i + 5_000) });
}

function ago(t: TestHost, ms: number): Date {
  return new Date(t.clock.now().getTime() - ms);
}

async function countByPath(prisma: PrismaClient): Promise<Record<string, number>> {
  const groups = await prisma.apiRequestLog.groupBy({ by: ['path'], _count: { _all: true }, orderBy: { path: 'asc' } });
  return Object.fromEntries(groups.map((g) => [g.path, g._count._all]));
}

describe('request-log retention', () => {
  it('deletes only rows older than 90 days by default, in batches of the configured size, and leaves newer ones', async () => {
    const t = await startTestHost({ apiAccess: { requestLog: { purgeBatchSize: 100 } } });
    try {
      const prisma = t.host.prisma;
      await insertLogs(prisma, 1_050, ago(t, 91 * DAY), { path: '/old' });
      // 250 rows in one millisecond: the batch bound must split a run of equal times exactly.
      await insertLogs(prisma, 250, ago(t, 95 * DAY), { sameTime: true, path: '/old-burst' });
      await insertLogs(prisma, 5, ago(t, 90 * DAY - MINUTE), { path: '/just-kept' });
      await insertLogs(prisma, 30, ago(t, 30 * DAY), { path: '/month' });
      await insertLogs(prisma, 10, t.clock.now(), { path: '/today' });

      const report = await t.host.apiAccess.runJobs();
      const retention = report.requestLogRetention!;
      assert.equal(retention.deleted, 1_300);
      assert.equal(retention.batches, 13, '1,300 rows in batches of 100');
      assert.equal(retention.complete, true);
      assert.ok(Math.abs(retention.cutoff.getTime() - ago(t, 90 * DAY).getTime()) < 5_000, 'the cutoff is 90 days before the clock');
      assert.deepEqual(await countByPath(prisma), { '/just-kept': 5, '/month': 30, '/today': 10 });
      assert.equal(report.expiryNotices, null, 'no notifications option: expiry e-mails are off');

      const again = await t.host.apiAccess.runJobs();
      assert.deepEqual([again.requestLogRetention!.deleted, again.requestLogRetention!.batches], [0, 0]);

      // Two minutes on, the five rows just inside the period are past it.
      t.clock.advance(2 * MINUTE);
      assert.equal((await t.host.apiAccess.retention.run()).deleted, 5);
      assert.deepEqual(await countByPath(prisma), { '/month': 30, '/today': 10 });
    } finally {
      await t.close();
    }
  });

  it('purges the rows the API middleware wrote, once they are older than the period the host chose', async () => {
    const t = await startTestHost({ apiAccess: { requestLog: { retentionDays: 30 } } });
    try {
      const { secret } = await t.host.apiAccess.service.create(t.superAdmin, {
        name: 'Logged token',
        roleIds: [t.roles.vaultSummary],
        expiry: { type: 'never' },
      });
      for (let i = 0; i < 3; i++) await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${secret}`).expect(200);
      await t.host.apiAccess.flush();
      assert.equal(await t.host.prisma.apiRequestLog.count(), 3);

      t.clock.advanceDays(29);
      await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${secret}`).expect(200);
      await t.host.apiAccess.flush();
      assert.equal((await t.host.apiAccess.runJobs()).requestLogRetention?.deleted, 0, '29 days old: kept');

      t.clock.advanceDays(2);
      assert.equal((await t.host.apiAccess.runJobs()).requestLogRetention?.deleted, 3, '31 days old: deleted');
      assert.equal(await t.host.prisma.apiRequestLog.count(), 1, 'the request made two days later stays');
    } finally {
      await t.close();
    }
  });

  it('lets token verification and the API run between batches while a large purge goes on', async () => {
    const t = await startTestHost({ apiAccess: { requestLog: { purgeBatchSize: 500 } } });
    try {
      const prisma = t.host.prisma;
      const { secret } = await t.host.apiAccess.service.create(t.superAdmin, {
        name: 'Busy token',
        roleIds: [t.roles.vaultSummary],
        expiry: { type: 'never' },
      });
      await insertLogs(prisma, 20_000, ago(t, 100 * DAY), { path: '/old' });

      let purging = true;
      const during = { lookups: 0, requests: 0 };
      const purge = t.host.apiAccess.retention.run().finally(() => (purging = false));
      const traffic = (async () => {
        while (purging) {
          // A well-formed token never seen before: verification must ask the database.
          const unknown = await t.host.apiAccess.verifier.verify(generateToken(t.host.apiAccess.tokenPrefix), '203.0.113.9');
          assert.equal(unknown.ok, false);
          if (purging) during.lookups++;
          await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${secret}`).expect(200);
          if (purging) during.requests++;
        }
      })();
      const report = await purge;
      await traffic;
      assert.equal(report.deleted, 20_000);
      assert.equal(report.batches, 40);
      assert.ok(during.lookups >= 5, `verification went on during the purge (${during.lookups} database lookups)`);
      assert.ok(during.requests >= 5, `the API answered during the purge (${during.requests} requests)`);
      await t.host.apiAccess.flush();
      assert.equal(await prisma.apiRequestLog.count({ where: { path: '/old' } }), 0);
      assert.ok((await prisma.apiRequestLog.count({ where: { path: '/api/v1/vaults' } })) >= during.requests, 'the new rows are kept');
    } finally {
      await t.close();
    }
  });

  it('logs progress on long runs, stops between batches when asked, and the next run finishes the job', async () => {
    const t = await startTestHost();
    try {
      const prisma = t.host.prisma;
      await insertLogs(prisma, 450, ago(t, 120 * DAY));
      const lines: string[] = [];
      const controller = new AbortController();
      const logger = new MemoryLogger();
      const retention = new RequestLogRetention({
        prisma,
        clock: t.clock.now,
        logger: {
          warn: (message: string, ...rest: unknown[]) => logger.warn(message, ...rest),
          error: (message: string, ...rest: unknown[]) => logger.error(message, ...rest),
          info(message: string) {
            lines.push(message);
            controller.abort(); // the host starts shutting down after the first progress line
          },
        },
        retentionDays: 90,
        batchSize: 100,
        progressEveryMs: 0,
      });
      const stopped = await retention.run(controller.signal);
      assert.deepEqual([stopped.deleted, stopped.batches, stopped.complete], [100, 1, false]);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /^\[api-access\] request-log retention: 100 rows older than \S+ deleted so far \(1 batch\)$/);
      assert.equal(await prisma.apiRequestLog.count(), 350);

      const rest = await retention.run();
      assert.deepEqual([rest.deleted, rest.batches, rest.complete], [350, 4, true]);
      assert.equal(await prisma.apiRequestLog.count(), 0);
    } finally {
      await t.close();
    }
  });

  it('scheduled runs stop cleanly on close, mid-purge, and nothing runs after', async () => {
    const t = await startTestHost({ apiAccess: { requestLog: { purgeBatchSize: 50 } } });
    try {
      const prisma = t.host.prisma;
      await insertLogs(prisma, 10_000, ago(t, 100 * DAY));
      t.host.apiAccess.startJobs({ intervalMs: 60_000 });
      assert.throws(
        () => t.host.apiAccess.startJobs({ intervalMs: 'often' as unknown as number }),
        (e: unknown) => e instanceof ApiAccessError && e.code === 'INVALID_OPTIONS',
      );
      while ((await prisma.apiRequestLog.count()) === 10_000) await sleep(5);
      await t.host.apiAccess.close();
      const left = await prisma.apiRequestLog.count();
      assert.ok(left > 0 && left < 10_000, `stopped part-way (${left} rows left)`);
      assert.equal(left % 50, 0, 'only whole batches were deleted');
      await sleep(200);
      assert.equal(await prisma.apiRequestLog.count(), left, 'no batch after close() returned');
      assert.ok(
        t.logger.lines.some((l) => l.includes('stopped early, the rest goes next run')),
        t.logger.lines.join('\n'),
      );
      assert.throws(
        () => t.host.apiAccess.startJobs(),
        (e: unknown) => e instanceof ApiAccessError && e.code === 'INVALID_STATE',
      );
    } finally {
      await t.close();
    }
  });
});
