import { Worker } from 'node:worker_threads';
import { EncodedRows } from './codec.js';
import type { RequestLogEntry } from '../core/request-logs/columns.js';
import type { LogTransport } from './transport.js';
import type { PostgresLogWorkerData } from './postgres-worker.js';
import type { SqliteLogWorkerData } from './sqlite-worker.js';
import type { LogBatch, LogReply, LogWorkerData, LogWorkerMessage } from './worker-thread.js';

/** The worker's CPU priority, this many nice steps below the process's (see worker-thread). */
export const WORKER_NICENESS = 10;

/** How long close() waits for the worker to close its connection before it stops the thread. */
const CLOSE_WAIT_MS = 5_000;

/** Each worker module by the database it writes to, and what it is given. */
interface Workers {
  sqlite: SqliteLogWorkerData;
  postgres: PostgresLogWorkerData;
}

/** Emptied batches kept for reuse: steady traffic then allocates no buffers. */
const SPARE_BATCHES = 4;

/**
 * Request-log rows for a worker thread that inserts them through its own database connection
 * (sqlite-worker.ts, postgres-worker.ts): through Prisma, a batch's statements cost the event
 * loop that serves the API more than the requests they log (on SQLite the whole insert runs in
 * the calling thread; on PostgreSQL the driver's parameter handling and Prisma's engine work).
 * Rows are encoded as they arrive (codec.ts) into batches of up to batchSize rows; a batch is sent as a copy and kept until the worker reports it
 * committed, so a failed insert or a crashed worker loses nothing. The worker is started on the
 * first batch and again after it fails; it does not keep the process alive while it has nothing
 * to write.
 */
export class WorkerTransport<K extends keyof Workers> implements LogTransport {
  /** Oldest first; the last one is filling. */
  private readonly batches: EncodedRows[] = [];
  private readonly spares: EncodedRows[] = [];
  private rows = 0;
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(
    private readonly database: K,
    private readonly data: Omit<Workers[K], keyof LogWorkerData>,
    private readonly batchSize: number,
  ) {}

  get buffered(): number {
    return this.rows;
  }

  push(entry: RequestLogEntry): void {
    let last = this.batches[this.batches.length - 1];
    if (last === undefined || last.count >= this.batchSize) {
      last = this.spares.pop() ?? new EncodedRows();
      this.batches.push(last);
    }
    last.append(entry);
    this.rows++;
  }

  dropOldest(count: number): void {
    let left = Math.min(count, this.rows);
    this.rows -= left;
    while (left > 0) {
      const first = this.batches[0]!;
      if (first.count <= left) {
        left -= first.count;
        this.batches.shift();
        this.recycle(first);
      } else {
        first.dropFront(left);
        left = 0;
      }
    }
  }

  async writeBatch(): Promise<number> {
    const batch = this.batches[0];
    if (batch === undefined || batch.count === 0) return 0;
    // Out of the buffer while on its way (rows that arrive meanwhile start a new batch, and a full
    // buffer sheds other rows); back at its front if the insert fails.
    this.batches.shift();
    const rows = batch.count;
    this.rows -= rows;
    try {
      await this.insert(batch.payload());
    } catch (error) {
      this.batches.unshift(batch);
      this.rows += rows;
      throw error;
    }
    this.recycle(batch);
    return rows;
  }

  private recycle(batch: EncodedRows): void {
    batch.reset();
    if (this.spares.length < SPARE_BATCHES) this.spares.push(batch);
  }

  private start(): Worker {
    // Compiled, the worker is the .js beside this file; run from source (tsx), the .ts.
    const file = new URL(`./${this.database}-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
    const worker = new Worker(file, { workerData: { ...this.data, niceness: WORKER_NICENESS } });
    worker.unref();
    worker.on('message', (reply: LogReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) waiting.resolve();
      else waiting.reject(new Error(reply.message));
    });
    const fail = (cause: unknown) => {
      if (this.worker !== worker) return;
      // An error thrown in the worker arrives as a structured clone: a class of its own comes as a plain object.
      const error = cause instanceof Error ? cause : new Error(`The request-log worker failed: ${JSON.stringify(cause)}`);
      this.worker = null;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The request-log worker stopped (exit code ${code}).`)));
    return worker;
  }

  private insert(payload: Uint8Array): Promise<void> {
    const worker = (this.worker ??= this.start());
    // A copy of just the rows (Buffer's own slice() would share the memory), moved to the worker
    // without a second copy; the batch stays here until the worker has committed it.
    const rows = new Uint8Array(payload);
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ type: 'batch', id, rows } satisfies LogBatch, [rows.buffer]);
    });
  }

  /** Lets the worker close its connection and end (a database sees a client leave, not a connection cut); stops it if it takes longer than CLOSE_WAIT_MS. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage({ type: 'close' } satisfies LogWorkerMessage);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_WAIT_MS)));
    if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
  }
}
