import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '@prisma/client';
import type { Logger } from '../api-access.js';
import type { Clock } from '../core/types.js';
import { inOwnTransaction } from '../core/own-transaction.js';
import { DAY_MS } from './expiry-schedule.js';

export interface RequestLogRetentionDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  /** Rows older than this many days are deleted. */
  retentionDays: number;
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
  deleted: number;
  batches: number;
  /** False when the run stopped early (the host is shutting down); the next run goes on. */
  complete: boolean;
  durationMs: number;
}

/**
 * Deletes request logs older than the retention period (seed 001: kept 90 days).
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
    const report: RetentionReport = { cutoff, deleted: 0, batches: 0, complete: false, durationMs: 0 };
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
      const where = edge
        ? { createdAt: { lte: edge.createdAt }, NOT: { createdAt: edge.createdAt, id: { gt: edge.id } } }
        : { createdAt: { lt: cutoff } }; // fewer than a batch left: the rest
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
        logger.info(`[api-access] request-log retention: ${report.deleted} rows older than ${cutoff.toISOString()} deleted so far (${report.batches} batch${report.batches === 1 ? '' : 'es'})`);
      }
      // Let waiting verifications and log writes in before the next batch takes the write lock.
      await yieldToEventLoop();
      if (this.deps.pauseMs) await sleep(this.deps.pauseMs);
    }
    report.durationMs = Date.now() - started;
    return report;
  }
}
