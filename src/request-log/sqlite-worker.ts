// The worker thread behind RequestLogWriter's `sqliteWorker` option: its own better-sqlite3
// connection to the host's SQLite file, so that inserting request-log rows and their usage
// rollup (SQLite works in the caller's thread) never runs on the event loop that serves the API.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { UsageRollup } from '../usage/rollup.js';
import { dayUpsertSql, dayValues, ROLLUP_ROWS_PER_STATEMENT, slices, tokenDayUpsertSql, tokenDayValues } from '../usage/rollup-sql.js';
import { decodeRows } from './codec.js';
import { columnIndex, REQUEST_LOG_COLUMNS, type LogRow } from '../core/request-logs/columns.js';
import { insertSql } from './sql.js';
import { SqliteIsoTimestamps } from './sqlite-timestamp.js';

export interface SqliteLogWorkerData {
  file: string;
  timestampFormat: 'iso8601' | 'unixepoch-ms';
  busyTimeoutMs: number;
  /** How much lower than the process's this thread's CPU priority is, in nice steps (19 is the floor). */
  niceness: number;
}

/** A batch: rows encoded by codec.ts. */
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
const COLUMNS = REQUEST_LOG_COLUMNS.length;
const TIME = columnIndex('createdAt');
const TOKEN = columnIndex('tokenId');
const STATUS = columnIndex('status');
const DURATION = columnIndex('durationMs');
/** Rows per statement: one statement runs per chunk, so a batch costs SQLite and the binding fewer calls (4.4 -> 3.4 µs a row). */
const CHUNK = 100;
const insertOne = db.prepare(insertSql(1));
const insertChunk = db.prepare(insertSql(CHUNK));
// The way Prisma's SQLite adapter stores a DateTime with the same timestampFormat.
const isoTimestamps = new SqliteIsoTimestamps();
const toDate = timestampFormat === 'unixepoch-ms' ? (ms: number) => ms : (ms: number) => isoTimestamps.format(ms);
const chunkValues: unknown[] = new Array(CHUNK * COLUMNS);
const oneValues: unknown[] = new Array(COLUMNS);

function fill(values: unknown[], at: number, row: LogRow): number {
  for (let c = 0; c < COLUMNS; c++) values[at++] = c === TIME ? toDate(row[c] as number) : row[c];
  return at;
}

/** Upsert statements by row count (a batch's token-days vary in number). */
const upserts = new Map<string, Database.Statement>();
function upsert(kind: 'tokenDay' | 'day', rows: number): Database.Statement {
  const key = `${kind}${rows}`;
  let statement = upserts.get(key);
  if (!statement) {
    if (upserts.size > 64) upserts.clear();
    statement = db.prepare(kind === 'tokenDay' ? tokenDayUpsertSql(rows) : dayUpsertSql(rows));
    upserts.set(key, statement);
  }
  return statement;
}

/** The rows and their usage rollup, in one transaction: both are stored, or neither. */
const insertAll = db.transaction((rows: LogRow[]) => {
  let start = 0;
  for (; start + CHUNK <= rows.length; start += CHUNK) {
    let i = 0;
    for (let r = start; r < start + CHUNK; r++) i = fill(chunkValues, i, rows[r]!);
    insertChunk.run(chunkValues);
  }
  for (let r = start; r < rows.length; r++) {
    fill(oneValues, 0, rows[r]!);
    insertOne.run(oneValues);
  }
  const rollup = new UsageRollup();
  for (const row of rows) rollup.add(row[TOKEN] as string, row[TIME] as number, row[STATUS] as number, row[DURATION] as number);
  for (const part of slices(rollup.tokenDayRows(), ROLLUP_ROWS_PER_STATEMENT)) upsert('tokenDay', part.length).run(tokenDayValues(part));
  for (const part of slices(rollup.dayRows(), ROLLUP_ROWS_PER_STATEMENT)) upsert('day', part.length).run(dayValues(part));
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
