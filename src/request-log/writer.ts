import type { PrismaClient } from '@prisma/client';
import type { RequestLogEntry } from '../core/request-logs/columns.js';
import { PrismaTransport, prismaTransaction, type InTransaction } from './prisma-transport.js';
import { WorkerTransport } from './worker-transport.js';
import type { LogTransport } from './transport.js';

/**
 * How long the PostgreSQL worker's connecting, and each of its statements, may take before the
 * batch fails and is retried: a database that stops answering holds no batch (nor a shutdown)
 * for longer. As long as Prisma's transaction timeout for the batches it writes.
 */
const POSTGRES_TIMEOUT_MS = 20_000;

export type { RequestLogEntry } from '../core/request-logs/columns.js';

export interface RequestLogWriterOptions {
  batchSize: number;
  flushIntervalMs: number;
  /** Rows kept in memory while the database is unreachable; past that the oldest tenth is dropped and counted. */
  maxBuffered: number;
  onError: (error: unknown) => void;
  /** Write from a worker thread with its own connection to this SQLite file, instead of through prisma. */
  sqliteWorker?: { file: string; timestampFormat: 'iso8601' | 'unixepoch-ms' } | undefined;
  /** Write from a worker thread with its own node-postgres connection to this database, instead of through prisma. */
  postgresWorker?: { url: string } | undefined;
  /** How a batch written through prisma gets its own transaction (default: prisma.$transaction). */
  inTransaction?: InTransaction | undefined;
}

/**
 * Writes request-log rows in batches off the request path: a response never waits for its log
 * row. Each batch's usage rollup (per token and day) is written with it, in its transaction.
 * Rows that fail to write are kept and retried; close() writes everything still buffered.
 */
export class RequestLogWriter {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  /** Set when the write loop in progress must also write a last, partial batch. */
  private writeAll = false;
  private dropped = 0;
  private written = 0;
  private readonly transport: LogTransport;

  constructor(
    prisma: PrismaClient,
    private readonly options: RequestLogWriterOptions,
  ) {
    const { sqliteWorker: sqlite, postgresWorker: postgres } = options;
    this.transport = sqlite
      ? new WorkerTransport(
          'sqlite',
          { file: sqlite.file.replace(/^file:/, ''), timestampFormat: sqlite.timestampFormat, busyTimeoutMs: 5_000 },
          options.batchSize,
        )
      : postgres
        ? new WorkerTransport('postgres', { url: postgres.url, timeoutMs: POSTGRES_TIMEOUT_MS }, options.batchSize)
        : new PrismaTransport(options.inTransaction ?? prismaTransaction(prisma), options.batchSize);
  }

  get stats(): { buffered: number; written: number; dropped: number } {
    return { buffered: this.transport.buffered, written: this.written, dropped: this.dropped };
  }

  write(entry: RequestLogEntry): void {
    const transport = this.transport;
    transport.push(entry);
    if (transport.buffered > this.options.maxBuffered) this.shed();
    if (transport.buffered >= this.options.batchSize) {
      void this.startWriting(false);
    } else {
      this.schedule();
    }
  }

  /**
   * Down to nine tenths of maxBuffered at once, the oldest rows first: dropping one row per request
   * would copy the whole buffer on every request for as long as the database stays out of reach.
   */
  private shed(): void {
    const excess = this.transport.buffered - this.options.maxBuffered + Math.floor(this.options.maxBuffered / 10);
    this.transport.dropOldest(excess);
    this.dropped += excess;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes everything buffered now; concurrent callers share one write loop. */
  flush(): Promise<void> {
    return this.startWriting(true);
  }

  /**
   * Under steady traffic only full batches are written as rows arrive, the rest when the flush
   * interval passes: a loop that wrote whatever had arrived since its last insert would send a
   * stream of batches of a few rows, each with its own transaction and commit.
   */
  private startWriting(all: boolean): Promise<void> {
    if (all) this.writeAll = true;
    if (this.writing) return this.writing;
    this.writing = this.drain().finally(() => {
      this.writing = null;
      this.writeAll = false;
    });
    return this.writing;
  }

  private async drain(): Promise<void> {
    while (this.transport.buffered >= (this.writeAll ? 1 : this.options.batchSize)) {
      try {
        const rows = await this.transport.writeBatch();
        if (rows === 0) break;
        this.written += rows;
      } catch (error) {
        // The failed batch is back in the buffer, which may have filled meanwhile.
        if (this.transport.buffered > this.options.maxBuffered) this.shed();
        this.options.onError(error);
        this.schedule();
        return;
      }
    }
    if (this.transport.buffered > 0) this.schedule();
  }

  /** Flushes, retrying a few times, so a graceful shutdown loses no row. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (let attempt = 0; attempt < 5 && this.transport.buffered > 0; attempt++) {
      await this.flush();
      if (this.transport.buffered > 0) await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
    await this.writing;
    const left = this.transport.buffered;
    if (left > 0) this.options.onError(new Error(`${left} request-log rows could not be written at shutdown.`));
    await this.transport.close();
  }
}
