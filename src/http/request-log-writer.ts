import type { PrismaClient } from '@prisma/client';
import type { RequestLogView } from '../core/types.js';

/** A request-log row before the database gives it an id. */
export type RequestLogEntry = Omit<RequestLogView, 'id'>;

export interface RequestLogWriterOptions {
  batchSize: number;
  flushIntervalMs: number;
  /** Rows kept in memory while the database is unreachable; past that the oldest are dropped and counted. */
  maxBuffered: number;
  onError: (error: unknown) => void;
}

/**
 * Writes request-log rows in batches off the request path: a response never waits for its log
 * row. Rows that fail to write are kept and retried; close() writes everything still buffered.
 */
export class RequestLogWriter {
  private buffer: RequestLogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dropped = 0;
  private written = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: RequestLogWriterOptions,
  ) {}

  get stats(): { buffered: number; written: number; dropped: number } {
    return { buffered: this.buffer.length, written: this.written, dropped: this.dropped };
  }

  write(entry: RequestLogEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length > this.options.maxBuffered) {
      const excess = this.buffer.length - this.options.maxBuffered;
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    if (this.buffer.length >= this.options.batchSize) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes what is buffered now; concurrent callers share one write loop. */
  async flush(): Promise<void> {
    if (this.writing) return this.writing;
    this.writing = this.drain().finally(() => {
      this.writing = null;
    });
    return this.writing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      try {
        await this.prisma.apiRequestLog.createMany({ data: batch });
        this.written += batch.length;
      } catch (error) {
        this.buffer.unshift(...batch);
        this.options.onError(error);
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            void this.flush();
          }, this.options.flushIntervalMs);
          this.timer.unref();
        }
        return;
      }
    }
  }

  /** Flushes, retrying a few times, so a graceful shutdown loses no row. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (let attempt = 0; attempt < 5 && this.buffer.length > 0; attempt++) {
      await this.flush();
      if (this.buffer.length > 0) await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
    await this.writing;
    if (this.buffer.length > 0) this.options.onError(new Error(`${this.buffer.length} request-log rows could not be written at shutdown.`));
  }
}
