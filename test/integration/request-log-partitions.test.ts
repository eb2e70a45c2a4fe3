/**
 * Request logs by day: on PostgreSQL a table partitioned by range of "createdAt", its partitions
 * created ahead and dropped whole by the retention job, and a list filtered by time reads only
 * the partitions of that time. On SQLite one table, purged by batched DELETE.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPartitionsAhead, isPartitioned, listPartitions, PARTITION_DAYS_AHEAD, partitionName } from '../../src/request-log/postgres-partitions.js';
import { onPostgres } from '../helpers/database.js';
import { pg } from '../helpers/postgres.js';
import { startTestHost } from '../helpers/host.js';

const DAY = 86_400_000;
const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;

function row(createdAt: Date, path: string) {
  return { tokenId: 'tok', tokenName: 'Token', method: 'GET', path, status: 200, ip: '203.0.113.5', userAgent: 'test', durationMs: 4, createdAt };
}

describe('request logs by day', () => {
  it(
    onPostgres()
      ? 'PostgreSQL: partitions a week ahead, whole days past the period dropped, the rest of the old rows deleted'
      : 'SQLite: one table, old rows deleted in batches',
    async () => {
      const t = await startTestHost({ apiAccess: { requestLog: { retentionDays: 30 } } });
      try {
        const prisma = t.host.prisma;
        const now = t.clock.now().getTime();
        assert.equal(await isPartitioned(prisma), onPostgres());
        // The clock moves 40 days on: rows of today (old by then), of 35 and 20 days ago (by then 75 and 60), and of 2 days before "then".
        await prisma.apiRequestLog.createMany({
          data: [
            row(new Date(now), '/today'),
            row(new Date(now), '/today'),
            row(new Date(now - 15 * DAY), '/earlier'),
            row(new Date(now + 38 * DAY), '/recent'),
          ],
        });
        t.clock.advanceDays(40);
        const report = (await t.host.apiAccess.runJobs()).requestLogRetention!;
        assert.equal(report.deleted, 3);
        assert.deepEqual(
          (await prisma.apiRequestLog.findMany({ select: { path: true } })).map((r) => r.path),
          ['/recent'],
        );
        if (!onPostgres()) {
          assert.deepEqual([report.partitionsCreated, report.partitionsDropped], [[], []]);
          return;
        }
        // Today's partition (made by the migration) held two of the rows: dropped whole. The row of
        // 15 days before was in the default partition (no partition for that day): deleted.
        assert.deepEqual(report.partitionsDropped.includes(partitionName(dayStart(now))), true);
        assert.equal(report.batches, 1);
        const later = dayStart(now + 40 * DAY);
        const names = (await listPartitions(prisma)).map((p) => p.name);
        for (let d = 0; d <= PARTITION_DAYS_AHEAD; d++) assert.ok(names.includes(partitionName(later + d * DAY)), `partition ${d} days ahead`);
        assert.ok(!names.some((n) => n < partitionName(dayStart(now + 10 * DAY))), 'no partition wholly past the period is left');
      } finally {
        await t.close();
      }
    },
  );

  it(
    onPostgres()
      ? 'PostgreSQL: a list filtered by time reads only the partitions of that time'
      : 'SQLite: a list filtered by time is answered from the createdAt index',
    async () => {
      const t = await startTestHost();
      try {
        const now = t.clock.now().getTime();
        if (onPostgres()) await createPartitionsAhead(t.host.prisma, new Date(now - 2 * DAY));
        await t.host.prisma.apiRequestLog.createMany({ data: [row(new Date(now), '/a'), row(new Date(now - DAY), '/b')] });
        // The statement the request-log list runs for a period, on a fresh connection of the database's own driver.
        const from = new Date(now - 3_600_000);
        if (!onPostgres()) {
          const plan = await t.host.prisma.$queryRawUnsafe<Array<{ detail: string }>>(
            'EXPLAIN QUERY PLAN SELECT "id" FROM "ApiRequestLog" WHERE "createdAt" >= ? ORDER BY "createdAt" DESC, "id" DESC LIMIT 20',
            from.toISOString().replace('Z', '+00:00'),
          );
          assert.match(plan.map((p) => p.detail).join('\n'), /ApiRequestLog_createdAt_id_idx/);
          return;
        }
        const client = new pg.Client({ connectionString: t.db.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ 'QUERY PLAN': string }>(
            'EXPLAIN SELECT "id" FROM "ApiRequestLog" WHERE "createdAt" >= $1 ORDER BY "createdAt" DESC, "id" DESC LIMIT 20',
            [from.toISOString().replace('T', ' ').replace('Z', '')],
          );
          const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
          const scanned = [...plan.matchAll(/on "?(ApiRequestLog_\w+)"?/g)].map((m) => m[1]!);
          assert.ok(scanned.length > 0, plan);
          const today = partitionName(dayStart(now));
          assert.ok(scanned.includes(today), plan);
          assert.deepEqual(
            scanned.filter((name) => name !== 'ApiRequestLog_default' && name < today),
            [],
            `the days before are pruned: ${plan}`,
          );
        } finally {
          await client.end();
        }
      } finally {
        await t.close();
      }
    },
  );

  it(
    onPostgres()
      ? "PostgreSQL: an unfiltered list of a table of millions shows the planner's estimate as its total; a filtered one is counted"
      : 'SQLite: every list is counted exactly',
    async () => {
      const t = await startTestHost();
      try {
        const prisma = t.host.prisma;
        const now = t.clock.now().getTime();
        await prisma.apiRequestLog.createMany({ data: [row(new Date(now), '/a'), row(new Date(now), '/b'), row(new Date(now), '/c')] });
        const list = (query: Record<string, unknown> = {}) => t.host.apiAccess.service.listRequestLogs(t.superAdmin, query);
        assert.equal((await list()).total, 3, 'a small table is counted');
        if (onPostgres()) {
          // The planner's belief about the table, as ANALYZE leaves it after millions of rows (the
          // tests' cluster runs as a superuser, who may set it): the rows themselves stay three.
          await prisma.$executeRawUnsafe('UPDATE pg_class SET reltuples = 4000000 WHERE oid = (SELECT tableoid FROM "ApiRequestLog" LIMIT 1)');
          const estimated = await list({ perPage: 2 });
          assert.deepEqual([estimated.total, estimated.totalIsEstimate], [4_000_000, true], 'the estimate, not a scan of millions');
          // A page short of full is the last one: the total is exact, whatever the estimate says.
          const short = await list({ perPage: 20 });
          assert.deepEqual([short.total, short.totalIsEstimate], [3, false]);
        }
        const filtered = await list({ tokenId: 'tok' });
        assert.equal(filtered.total, 3, 'a filtered list is counted exactly');
        assert.equal((await list({ from: new Date(now - 60_000).toISOString() })).total, 3);
      } finally {
        await t.close();
      }
    },
  );
});
