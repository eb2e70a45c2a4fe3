// Request logs on PostgreSQL live in a table partitioned by range of "createdAt", one partition a
// UTC day (the migration written by hand in prisma/migrations-postgresql sets it up), plus a
// default partition for rows of a day that has none yet. The retention job creates the coming
// days' partitions and drops whole days past the retention period: dropping a partition frees
// its space at once and costs about the same for a million rows as for one, where DELETE visits
// every row, writes each to the WAL and leaves the table to vacuum.
import type { PrismaClient } from '@prisma/client';
import { DAY_MS } from '../core/usage/day.js';
import { REQUEST_LOG_TABLE } from '../core/request-logs/columns.js';

/** Days of partitions kept ready beyond today, so that a host whose jobs stop for a while still writes into day partitions. */
export const PARTITION_DAYS_AHEAD = 7;

/** The default partition: rows of a day without a partition of its own. */
export const DEFAULT_PARTITION = `${REQUEST_LOG_TABLE}_default`;

/** `ApiRequestLog_20261205`: the partition of a UTC day. */
export function partitionName(dayStartMs: number): string {
  return `${REQUEST_LOG_TABLE}_${new Date(dayStartMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

const PARTITION_NAME = new RegExp(`^${REQUEST_LOG_TABLE}_(\\d{4})(\\d{2})(\\d{2})$`);

/** The UTC day a partition holds, from its name; null for a table not named by partitionName. */
export function partitionDay(name: string): number | null {
  const match = PARTITION_NAME.exec(name);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

/** PrismaClient is generated per provider; the one the host gave says which it is. */
export function isPostgres(prisma: PrismaClient): boolean {
  return (prisma as unknown as { _activeProvider?: string })._activeProvider === 'postgresql';
}

/** Whether the request-log table is partitioned (on PostgreSQL, once its migration ran). */
export async function isPartitioned(prisma: PrismaClient): Promise<boolean> {
  if (!isPostgres(prisma)) return false;
  const rows = await prisma.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT 1 AS n FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
    REQUEST_LOG_TABLE,
  );
  return rows.length > 0;
}

/** The day partitions there are, by the UTC day they hold (ms), oldest first. */
export async function listPartitions(prisma: PrismaClient): Promise<Array<{ name: string; day: number }>> {
  const rows = await prisma.$queryRawUnsafe<Array<{ name: string }>>(
    `SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = $1 AND p.relnamespace = current_schema()::regnamespace`,
    REQUEST_LOG_TABLE,
  );
  return rows
    .map((r) => ({ name: r.name, day: partitionDay(r.name) }))
    .filter((p): p is { name: string; day: number } => p.day !== null)
    .sort((a, b) => a.day - b.day);
}

const literal = (ms: number) => `'${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}'`;

/**
 * Creates the partitions of the days from `from` to PARTITION_DAYS_AHEAD days after it that are
 * missing; returns the names this call created. A day whose rows already went to the default
 * partition keeps them there (PostgreSQL refuses a partition the default holds rows of): they are
 * still read, and deleted by the retention's DELETE. Several hosts may run this at once: a
 * partition another created meanwhile is no error, and is not reported as created by this call
 * (the statement has no IF NOT EXISTS, which would succeed on it).
 */
export async function createPartitionsAhead(prisma: PrismaClient, from: Date): Promise<{ created: string[]; skipped: string[] }> {
  const existing = new Set((await listPartitions(prisma)).map((p) => p.name));
  const today = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  const created: string[] = [];
  const skipped: string[] = [];
  for (let day = today; day <= today + PARTITION_DAYS_AHEAD * DAY_MS; day += DAY_MS) {
    const name = partitionName(day);
    if (existing.has(name)) continue;
    try {
      await prisma.$executeRawUnsafe(
        `CREATE TABLE "${name}" PARTITION OF "${REQUEST_LOG_TABLE}" FOR VALUES FROM (${literal(day)}) TO (${literal(day + DAY_MS)})`,
      );
      created.push(name);
    } catch {
      // The default partition holds rows of that day, or another host created it a moment ago.
      if ((await listPartitions(prisma)).some((p) => p.name === name)) continue;
      skipped.push(name);
    }
  }
  return { created, skipped };
}

/** The advisory lock one host holds while it drops a partition, taken by name as the example host's start-up lock is. */
const DROP_LOCK = 'adminjs-api-access request-log partition drop';

/**
 * Drops the day partitions whose whole day is before `cutoff`; returns the names this call
 * dropped and how many rows they held (counted from the partition's own index before the drop,
 * for the job's report).
 *
 * Several hosts may run this at once on the same partitions. Each drop is one transaction under
 * an advisory lock, and looks again under it whether the partition is still there: one host
 * counts and drops it, the others find it gone and skip it. Without the lock two hosts would
 * each hold the partition (from their COUNT) while each DROP waits for the other's, a deadlock,
 * or one would COUNT a partition the other just dropped.
 */
export async function dropPartitionsBefore(prisma: PrismaClient, cutoff: Date, signal?: AbortSignal): Promise<{ dropped: string[]; rows: number }> {
  const dropped: string[] = [];
  let rows = 0;
  for (const partition of await listPartitions(prisma)) {
    if (signal?.aborted || partition.day + DAY_MS > cutoff.getTime()) break;
    const counted = await prisma.$transaction(
      async (tx) => {
        // Waiting here queues behind another host's drop, not in front of the request log's inserts.
        await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))', DROP_LOCK);
        const present = await tx.$queryRawUnsafe<unknown[]>(
          'SELECT 1 FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace',
          partition.name,
        );
        if (present.length === 0) return null;
        // A short lock wait: the writer's INSERT holds a lock on the parent that DROP must wait
        // for; the next run tries again rather than queue every later insert behind this one.
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '5s'`);
        const [count] = await tx.$queryRawUnsafe<Array<{ n: number | bigint }>>(`SELECT COUNT(*) AS n FROM "${partition.name}"`);
        await tx.$executeRawUnsafe(`DROP TABLE "${partition.name}"`);
        return Number(count?.n ?? 0);
      },
      // The lock wait, the count and the drop; past this Prisma rolls the transaction back.
      { maxWait: 10_000, timeout: 60_000 },
    );
    if (counted === null) continue;
    rows += counted;
    dropped.push(partition.name);
  }
  return { dropped, rows };
}
