// The worker thread behind RequestLogWriter's `sqliteWorker` option: its own better-sqlite3
// connection to the host's SQLite file, so that inserting request-log rows and their usage
// rollup (SQLite works in the caller's thread) never runs on the event loop that serves the API.
import Database from 'better-sqlite3';
import { dayUpsertSql, dayValues, ROLLUP_ROWS_PER_STATEMENT, slices, tokenDayUpsertSql, tokenDayValues } from '../usage/rollup-sql.js';
import { columnIndex, REQUEST_LOG_COLUMNS, type LogRow } from '../core/request-logs/columns.js';
import { rollupOfRows } from './row-rollup.js';
import { insertSql } from './sql.js';
import { SqliteIsoTimestamps } from './sqlite-timestamp.js';
import { type LogWorkerData, serveBatches, startLogWorker } from './worker-thread.js';

export interface SqliteLogWorkerData extends LogWorkerData {
  file: string;
  timestampFormat: 'iso8601' | 'unixepoch-ms';
  busyTimeoutMs: number;
}

const { file, timestampFormat, busyTimeoutMs } = startLogWorker<SqliteLogWorkerData>();
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
  const rollup = rollupOfRows(rows);
  for (const part of slices(rollup.tokenDayRows(), ROLLUP_ROWS_PER_STATEMENT)) upsert('tokenDay', part.length).run(tokenDayValues(part));
  for (const part of slices(rollup.dayRows(), ROLLUP_ROWS_PER_STATEMENT)) upsert('day', part.length).run(dayValues(part));
});

serveBatches({
  write: insertAll,
  close: () => {
    db.close();
  },
});
