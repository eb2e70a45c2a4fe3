import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '@prisma/client';
import type { Clock, Logger } from '../core/types.js';
import { inOwnTransaction } from '../store/own-transaction.js';
import { DAY_MS } from './expiry-schedule.js';
import { createPartitionsAhead, dropPartitionsBefore, isPartitioned } from '../request-log/postgres-partitions.js';
import { dayOf } from '../core/usage/day.js';

export interface RequestLogRetentionDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  /** Rows older than this many days are deleted. */
  retentionDays: number;
  /** Usage rollups of days before this many days ago are deleted (default: kept as long as the rows). */
  rollupRetentionDays?: number;
  /** Rows deleted per statement. */
  batchSize: number;
  /** A pause between batches, for databases that need more room than one event-loop turn. */
  pauseMs?: number;
  /** How often a long purge logs its progress. */
  progressEveryMs?: number;
}

export interface RetentionReport {
  /** Rows created before this were due for deletion. */
  cutoff: Date;
  /** Rows deleted, those of dropped partitions included. */
  deleted: number;
  /** DELETE statements run (on PostgreSQL: for rows outside the dropped partitions). */
  batches: number;
  /** PostgreSQL: day partitions created ahead, and dropped whole. Empty elsewhere. */
  partitionsCreated: string[];
  partitionsDropped: string[];
  /** Usage rollups of days before this (YYYY-MM-DD) were due for deletion. */
  rollupCutoffDay: string;
  /** Usage rollup rows deleted (per token and day, and per day). */
  rollupsDeleted: number;
  /** False when the run stopped early (the host is shutting down); the next run goes on. */
  complete: boolean;
  durationMs: number;
}

/**
 * Deletes request logs older than the retention period (90 days by default), and usage rollups
 * older than theirs (13 months by default). On PostgreSQL, where the request log is partitioned
 * by day (see postgres-partitions), it first creates the coming days' partitions and drops the
 * days wholly past the period; the DELETE below then only meets the rest (the default partition,
 * and the day the cutoff falls in).
 *
 * Millions of rows must not be deleted in one statement: on SQLite that holds the database's
 * only write lock for the whole delete, and on PostgreSQL it makes one huge transaction, and
 * either way token verification and request-log writes would wait behind it. So the purge goes
 * in small batches, each its own short transaction, and yields to the event loop between them
 * so that requests waiting in this process run first.
 *
 * Each batch is the `batchSize` oldest rows, found by walking the createdAt index: the
 * (createdAt, id) of the last of them bounds a delete of exactly those rows, which the same
 * index serves. A run with nothing to delete costs one indexed lookup.
 */
export class RequestLogRetention {
  constructor(private readonly deps: RequestLogRetentionDeps) {}

  async run(signal?: AbortSignal): Promise<RetentionReport> {
    const { prisma, clock, logger, batchSize } = this.deps;
    const started = Date.now();
    const cutoff = new Date(clock().getTime() - this.deps.retentionDays * DAY_MS);
    const progressEveryMs = this.deps.progressEveryMs ?? 5_000;
    let lastProgress = started;
    const rollupRetentionDays = this.deps.rollupRetentionDays ?? this.deps.retentionDays;
    const report: RetentionReport = {
      cutoff,
      deleted: 0,
      batches: 0,
      partitionsCreated: [],
      partitionsDropped: [],
      rollupCutoffDay: dayOf(clock().getTime() - rollupRetentionDays * DAY_MS),
      rollupsDeleted: 0,
      complete: false,
      durationMs: 0,
    };
    if (await isPartitioned(prisma)) {
      report.partitionsCreated = (await createPartitionsAhead(prisma, clock())).created;
      const { dropped, rows } = await dropPartitionsBefore(prisma, cutoff, signal);
      report.partitionsDropped = dropped;
      report.deleted += rows;
    }
    for (;;) {
      if (signal?.aborted) break;
      // The batch's last row, in index order: everything up to it is the batch.
      const [edge] = await prisma.apiRequestLog.findMany({
        where: { createdAt: { lt: cutoff } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        skip: batchSize - 1,
        take: 1,
        select: { id: true, createdAt: true },
      });
      // One bound on createdAt only (the edge is before the cutoff), so that the index range
      // the database walks is the batch, not every row older than the cutoff.
      const where = edge ? { createdAt: { lte: edge.createdAt }, NOT: { createdAt: edge.createdAt, id: { gt: edge.id } } } : { createdAt: { lt: cutoff } }; // fewer than a batch left: the rest
      const { count } = await inOwnTransaction(prisma, (tx) => tx.apiRequestLog.deleteMany({ where }));
      if (count > 0) {
        report.deleted += count;
        report.batches++;
      }
      if (!edge) {
        report.complete = true;
        break;
      }
      if (Date.now() - lastProgress >= progressEveryMs) {
        lastProgress = Date.now();
        logger.info(
          `[api-access] request-log retention: ${report.deleted} rows older than ${cutoff.toISOString()} deleted so far (${report.batches} batch${report.batches === 1 ? '' : 'es'})`,
        );
      }
      // Let waiting verifications and log writes in before the next batch takes the write lock.
      await yieldToEventLoop();
      if (this.deps.pauseMs) await sleep(this.deps.pauseMs);
    }
    if (report.complete) report.complete = await this.purgeRollups(report, signal);
    report.durationMs = Date.now() - started;
    return report;
  }

  /**
   * Deletes the rollups of days before the report's rollupCutoffDay, in batches of the token-days
   * walked in (day, tokenId) index order, as the rows are; then the per-day totals (a row a day).
   * False when stopped early.
   */
  private async purgeRollups(report: RetentionReport, signal: AbortSignal | undefined): Promise<boolean> {
    const { prisma, batchSize } = this.deps;
    const before = report.rollupCutoffDay;
    for (;;) {
      if (signal?.aborted) return false;
      const [edge] = await prisma.apiTokenUsageDay.findMany({
        where: { day: { lt: before } },
        orderBy: [{ day: 'asc' }, { tokenId: 'asc' }],
        skip: batchSize - 1,
        take: 1,
        select: { day: true, tokenId: true },
      });
      const where = edge ? { day: { lte: edge.day }, NOT: { day: edge.day, tokenId: { gt: edge.tokenId } } } : { day: { lt: before } };
      const { count } = await inOwnTransaction(prisma, (tx) => tx.apiTokenUsageDay.deleteMany({ where }));
      report.rollupsDeleted += count;
      if (!edge) break;
      await yieldToEventLoop();
      if (this.deps.pauseMs) await sleep(this.deps.pauseMs);
    }
    const { count } = await inOwnTransaction(prisma, (tx) => tx.apiUsageDay.deleteMany({ where: { day: { lt: before } } }));
    report.rollupsDeleted += count;
    return true;
  }
}
