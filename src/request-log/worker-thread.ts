// The side of a request-log worker thread that does not depend on its database: the messages it
// takes and answers, its lowered CPU priority, and the order in which it writes. sqlite-worker.ts
// and postgres-worker.ts each give it the write of one batch.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { LogRow } from '../core/request-logs/columns.js';
import { decodeRows } from './codec.js';

/** What every request-log worker is given beside its database's own settings. */
export interface LogWorkerData {
  /** How much lower than the process's this thread's CPU priority is, in nice steps (19 is the floor). */
  niceness: number;
}

/** A batch: rows encoded by codec.ts. */
export interface LogBatch {
  type: 'batch';
  id: number;
  rows: Uint8Array;
}

/** Sent once, last: the worker writes what it was sent before, closes its connection and ends. */
export interface LogWorkerClose {
  type: 'close';
}

export type LogWorkerMessage = LogBatch | LogWorkerClose;

export type LogReply = { id: number; ok: true } | { id: number; ok: false; message: string };

/** How a worker writes: one batch's rows and their usage rollup, in one transaction; then closing its connection. */
export interface BatchWriter {
  write(rows: LogRow[]): void | Promise<void>;
  close(): void | Promise<void>;
}

/**
 * Lowers this thread's CPU priority by `niceness` steps (Linux: setpriority on a thread id changes
 * that thread only).
 *
 * Writing request logs is background work: the rows wait in memory, so the writer can wait for a
 * core too. At the process's priority it competed with whatever else needed that core: with a
 * load generator on the other core of a 2-core machine, a thread busy 15% of the time there cost
 * the API 8% of its throughput (the generator fell behind and the event loop idled); at nice +10,
 * nothing measurable. At +10 it still gets about a tenth of a contended core (CFS weights), so it
 * never stops; if it falls behind, rows wait in memory up to maxBuffered.
 *
 * Best effort: elsewhere, or without /proc, the worker keeps the process's priority.
 */
function lowerPriority(niceness: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return;
    setPriority(tid, Math.min(19, getPriority(tid) + niceness));
  } catch {
    // Not Linux, or not allowed: keep the process's priority.
  }
}

/** This worker's data, its priority lowered first. */
export function startLogWorker<T extends LogWorkerData>(): T {
  const data = workerData as T;
  lowerPriority(data.niceness);
  return data;
}

/**
 * Writes the batches the parent thread sends, one at a time in the order they came (a write may
 * be asynchronous), and answers each with its outcome. On `close`, after the batches before it,
 * closes the writer and stops listening, so that the thread ends.
 */
export function serveBatches(writer: BatchWriter): void {
  const port = parentPort!;
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (message: LogWorkerMessage) => {
    queue = queue.then(async () => {
      if (message.type === 'close') {
        await Promise.resolve(writer.close()).catch(() => undefined);
        port.close();
        return;
      }
      let reply: LogReply;
      try {
        await writer.write(decodeRows(message.rows));
        reply = { id: message.id, ok: true };
      } catch (error) {
        reply = { id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) };
      }
      port.postMessage(reply);
    });
  });
}
