import { Worker } from 'node:worker_threads';
import { Prisma, type PrismaClient } from '@prisma/client';
import type { RequestLogView } from '../core/types.js';
import type { SqliteLogBatch, SqliteLogReply, SqliteLogWorkerData } from './sqlite-log-worker.js';

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

/**
 * Sends batches to a worker thread that inserts them through its own SQLite connection: on
 * SQLite the insert work runs in the calling thread, and on the event loop that serves the API
 * it costs more than the request it logs. The worker is started on the first batch and again
 * after it fails; it does not keep the process alive while it has nothing to write.
 */
class SqliteWorkerSink {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(private readonly data: SqliteLogWorkerData) {}

  private start(): Worker {
    // Compiled, the worker is the .js beside this file; run from source (tsx), the .ts.
    const file = new URL(import.meta.url.endsWith('.ts') ? './sqlite-log-worker.ts' : './sqlite-log-worker.js', import.meta.url);
    const worker = new Worker(file, { workerData: this.data });
    worker.unref();
    worker.on('message', (reply: SqliteLogReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) waiting.resolve();
      else waiting.reject(new Error(reply.message));
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The request-log worker stopped (exit code ${code}).`)));
    return worker;
  }

  insert(batch: readonly RequestLogEntry[]): Promise<void> {
    const worker = (this.worker ??= this.start());
    // Plain JSON crosses the thread boundary as one string: cheaper here than a structured clone.
    const rows = JSON.stringify(
      batch.map((e) => [e.tokenId, e.tokenName, e.method, e.path, e.status, e.ip, e.userAgent, e.durationMs, e.createdAt.getTime()]),
    );
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, rows } satisfies SqliteLogBatch);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

/**
 * Writes request-log rows in batches off the request path: a response never waits for its log
 * row. Rows that fail to write are kept and retried; close() writes everything still buffered.
 */
export class RequestLogWriter {
  private buffer: RequestLogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  /** Set when the write loop in progress must also write a last, partial batch. */
  private writeAll = false;
  private dropped = 0;
  private written = 0;
  private readonly worker: SqliteWorkerSink | null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: RequestLogWriterOptions,
  ) {
    const sqlite = options.sqliteWorker;
    this.worker = sqlite ? new SqliteWorkerSink({ file: sqlite.file.replace(/^file:/, ''), timestampFormat: sqlite.timestampFormat, busyTimeoutMs: 5_000 }) : null;
  }

  private insert(batch: RequestLogEntry[]): Promise<unknown> {
    if (this.worker) return this.worker.insert(batch);
    // In its own transaction: on the SQLite adapter a lone write issued while another
    // transaction is open joins it, and would be undone if that one rolled back.
    return this.prisma.$transaction([this.prisma.$executeRaw(insertStatement(batch))]);
  }

  get stats(): { buffered: number; written: number; dropped: number } {
    return { buffered: this.buffer.length, written: this.written, dropped: this.dropped };
  }

  write(entry: RequestLogEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length > this.options.maxBuffered) {
      // Down to nine tenths at once: dropping one row per request would copy the whole buffer on
      // every request for as long as the database stays out of reach.
      const excess = this.buffer.length - this.options.maxBuffered + Math.floor(this.options.maxBuffered / 10);
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    if (this.buffer.length >= this.options.batchSize) {
      void this.startWriting(false);
    } else {
      this.schedule();
    }
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
    while (this.buffer.length >= (this.writeAll ? 1 : this.options.batchSize)) {
      const batch = this.buffer.splice(0, Math.min(this.options.batchSize, ROWS_PER_STATEMENT));
      try {
        await this.insert(batch);
        this.written += batch.length;
      } catch (error) {
        this.buffer.unshift(...batch);
        this.options.onError(error);
        this.schedule();
        return;
      }
    }
    if (this.buffer.length > 0) this.schedule();
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
    await this.worker?.close();
  }
}
