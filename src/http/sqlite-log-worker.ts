// The worker thread behind RequestLogWriter's `sqliteWorker` option: its own better-sqlite3
// connection to the host's SQLite file, so that inserting request-log rows (SQLite works in the
// caller's thread) never runs on the event loop that serves the API.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { decodeRows, type LogRow } from './log-row-codec.js';
import { SqliteIsoTimestamps } from './sqlite-timestamp.js';

export interface SqliteLogWorkerData {
  file: string;
  timestampFormat: 'iso8601' | 'unixepoch-ms';
  busyTimeoutMs: number;
  /** How much lower than the process's this thread's CPU priority is, in nice steps (19 is the floor). */
  niceness: number;
}

/** A batch: rows encoded by log-row-codec. */
export interface SqliteLogBatch {
  id: number;
  rows: Uint8Array;
}

export type SqliteLogReply = { id: number; ok: true } | { id: number; ok: false; message: string };

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
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return;
    setPriority(tid, Math.min(19, getPriority(tid) + niceness));
  } catch {
    // Not Linux, or not allowed: keep the process's priority.
  }
}

const { file, timestampFormat, busyTimeoutMs, niceness } = workerData as SqliteLogWorkerData;
const port = parentPort!;
lowerPriority();
function open(): Database.Database {
  try {
    return new Database(file, { fileMustExist: true, timeout: busyTimeoutMs });
  } catch (error) {
    // better-sqlite3's SqliteError reaches the parent thread as a bare { code }: say what failed here.
    const { message, code } = error as { message?: string; code?: string };
    throw new Error(`The request-log worker cannot open the SQLite file ${file}: ${message ?? 'unknown error'}${code ? ` (${code})` : ''}.`);
  }
}
const db = open();
const COLUMNS = '("tokenId", "tokenName", "method", "path", "status", "ip", "userAgent", "durationMs", "createdAt")';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per statement: one statement runs per chunk, so a batch costs SQLite and the binding fewer calls (measured: 4.4 -> 3.4 µs a row). */
const CHUNK = 100;
const insertOne = db.prepare(`INSERT INTO "ApiRequestLog" ${COLUMNS} VALUES ${ROW}`);
const insertChunk = db.prepare(`INSERT INTO "ApiRequestLog" ${COLUMNS} VALUES ${Array.from({ length: CHUNK }, () => ROW).join(', ')}`);
// The way Prisma's SQLite adapter stores a DateTime with the same timestampFormat.
const isoTimestamps = new SqliteIsoTimestamps();
const toDate = timestampFormat === 'unixepoch-ms' ? (ms: number) => ms : (ms: number) => isoTimestamps.format(ms);
const chunkValues: unknown[] = new Array(CHUNK * 9);
const insertAll = db.transaction((rows: LogRow[]) => {
  let start = 0;
  for (; start + CHUNK <= rows.length; start += CHUNK) {
    let i = 0;
    for (let r = start; r < start + CHUNK; r++) {
      const row = rows[r]!;
      for (let c = 0; c < 8; c++) chunkValues[i++] = row[c];
      chunkValues[i++] = toDate(row[8]);
    }
    insertChunk.run(chunkValues);
  }
  for (let r = start; r < rows.length; r++) {
    const row = rows[r]!;
    insertOne.run(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], toDate(row[8]));
  }
});

port.on('message', (batch: SqliteLogBatch) => {
  let reply: SqliteLogReply;
  try {
    insertAll(decodeRows(batch.rows));
    reply = { id: batch.id, ok: true };
  } catch (error) {
    reply = { id: batch.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
