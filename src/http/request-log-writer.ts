import { Prisma, type PrismaClient } from '@prisma/client';
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

const COLUMNS = ['tokenId', 'tokenName', 'method', 'path', 'status', 'ip', 'userAgent', 'durationMs', 'createdAt'] as const;

/**
 * Rows per INSERT statement: 9 parameters each stays far below the bound-parameter limits of
 * SQLite (32,766) and PostgreSQL (65,535), whatever batchSize is.
 */
export const ROWS_PER_STATEMENT = 1_000;

/** The literal parts of a Prisma.Sql for an n-row INSERT, kept per row count (batches repeat sizes). */
const insertTemplates = new Map<number, string[]>();

function insertTemplate(rows: number): string[] {
  let strings = insertTemplates.get(rows);
  if (!strings) {
    const head = `INSERT INTO "ApiRequestLog" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (`;
    strings = [head];
    for (let row = 0; row < rows; row++) {
      for (let column = 1; column < COLUMNS.length; column++) strings.push(', ');
      strings.push(row < rows - 1 ? '), (' : ')');
    }
    if (insertTemplates.size > 64) insertTemplates.clear();
    insertTemplates.set(rows, strings);
  }
  return strings;
}

/**
 * One multi-row INSERT for a batch. Prisma's createMany compiles a query per call (costly for
 * hundreds of rows) and splits it into several statements; this is one statement, with the
 * parameters bound by Prisma in the dialect of the host's database (SQLite and PostgreSQL).
 */
function insertStatement(batch: readonly RequestLogEntry[]): Prisma.Sql {
  const values: Prisma.Sql['values'] = new Array(batch.length * COLUMNS.length);
  let i = 0;
  for (const entry of batch) {
    values[i++] = entry.tokenId;
    values[i++] = entry.tokenName;
    values[i++] = entry.method;
    values[i++] = entry.path;
    values[i++] = entry.status;
    values[i++] = entry.ip;
    values[i++] = entry.userAgent;
    values[i++] = entry.durationMs;
    values[i++] = entry.createdAt;
  }
  return Prisma.sql(insertTemplate(batch.length), ...values);
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
      const batch = this.buffer.splice(0, Math.min(this.options.batchSize, ROWS_PER_STATEMENT));
      try {
        // In its own transaction: on the SQLite adapter a lone write issued while another
        // transaction is open joins it, and would be undone if that one rolled back.
        await this.prisma.$transaction([this.prisma.$executeRaw(insertStatement(batch))]);
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
