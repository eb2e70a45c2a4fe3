import { Prisma, type PrismaClient } from '@prisma/client';
import type { RequestLogView } from '../core/types.js';
import { SqliteWorkerTransport } from './sqlite-worker-transport.js';
import { inOwnTransaction } from '../core/own-transaction.js';

/** A request-log row before the database gives it an id. */
export type RequestLogEntry = Omit<RequestLogView, 'id'>;

export interface RequestLogWriterOptions {
  batchSize: number;
  flushIntervalMs: number;
  /** Rows kept in memory while the database is unreachable; past that the oldest tenth is dropped and counted. */
  maxBuffered: number;
  onError: (error: unknown) => void;
  /** Write from a worker thread with its own connection to this SQLite file, instead of through prisma. */
  sqliteWorker?: { file: string; timestampFormat: 'iso8601' | 'unixepoch-ms' } | undefined;
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

/** Where rows wait and how a batch of them is inserted: through Prisma, or a SQLite worker thread. */
export interface LogTransport {
  /** Rows waiting (not those of a batch on its way). */
  readonly buffered: number;
  push(entry: RequestLogEntry): void;
  /** Drops the `count` oldest waiting rows. */
  dropOldest(count: number): void;
  /**
   * Inserts the oldest waiting rows, up to one batch, and resolves to how many (0 when none wait).
   * On failure the rows are back at the front and the error is thrown.
   */
  writeBatch(): Promise<number>;
  close(): Promise<void>;
}

/** Rows as objects, each batch one multi-row INSERT through the host's Prisma client (any database). */
class PrismaTransport implements LogTransport {
  private rows: RequestLogEntry[] = [];

  constructor(
    private readonly prisma: PrismaClient,
    private readonly batchSize: number,
  ) {}

  get buffered(): number {
    return this.rows.length;
  }

  push(entry: RequestLogEntry): void {
    this.rows.push(entry);
  }

  dropOldest(count: number): void {
    this.rows.splice(0, count);
  }

  async writeBatch(): Promise<number> {
    if (this.rows.length === 0) return 0;
    const batch = this.rows.splice(0, Math.min(this.batchSize, ROWS_PER_STATEMENT));
    try {
      // In a transaction of its own (see inOwnTransaction): on SQLite a write issued while
      // another transaction is open would join it, and be undone if that one rolled back.
      await inOwnTransaction(this.prisma, (tx) => tx.$executeRaw(insertStatement(batch)));
    } catch (error) {
      this.rows.unshift(...batch);
      throw error;
    }
    return batch.length;
  }

  async close(): Promise<void> {}
}

/**
 * Writes request-log rows in batches off the request path: a response never waits for its log
 * row. Rows that fail to write are kept and retried; close() writes everything still buffered.
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
    const sqlite = options.sqliteWorker;
    this.transport = sqlite
      ? new SqliteWorkerTransport({ file: sqlite.file.replace(/^file:/, ''), timestampFormat: sqlite.timestampFormat, busyTimeoutMs: 5_000 }, options.batchSize)
      : new PrismaTransport(prisma, options.batchSize);
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
