// The worker thread behind RequestLogWriter's `postgresWorker` option: its own node-postgres
// connection, so that the statements of a request-log batch and its usage rollup (the driver's
// parameter handling, Prisma's query engine work) never run on the event loop that serves the API.
import { REQUEST_LOG_COLUMNS, columnIndex, type LogRow } from '../core/request-logs/columns.js';
import { loadPg, type PgClient } from '../postgres/pg.js';
import { DAY_UPSERT_ARRAYS_SQL, dayArrayParams, TOKEN_DAY_UPSERT_ARRAYS_SQL, tokenDayArrayParams } from '../usage/rollup-sql.js';
import { rollupOfRows } from './row-rollup.js';
import { INSERT_ARRAYS_SQL, insertArrayParams } from './sql.js';
import { SqliteIsoTimestamps } from './sqlite-timestamp.js';
import { type LogWorkerData, serveBatches, startLogWorker } from './worker-thread.js';

export interface PostgresLogWorkerData extends LogWorkerData {
  /** The connection string, as node-postgres takes it. */
  url: string;
  /** How long connecting, and each statement, may take before the batch fails and is retried, ms. */
  timeoutMs: number;
}

const { url, timeoutMs } = startLogWorker<PostgresLogWorkerData>();
const pg = await loadPg();
const COLUMNS = REQUEST_LOG_COLUMNS.length;
const TIME = columnIndex('createdAt');
// UTC text with its offset, which PostgreSQL reads as that time (see sql.ts).
const timestamps = new SqliteIsoTimestamps();

let client: PgClient | null = null;

/** The connection, opened on first use and again after it failed. */
async function connection(): Promise<PgClient> {
  if (client) return client;
  const next = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
    application_name: 'adminjs-api-access request log',
  });
  // A connection that drops while idle reports here (unheard, it would end the thread); the next batch connects again.
  next.on('error', () => {
    if (client === next) client = null;
  });
  try {
    await next.connect();
  } catch (error) {
    void next.end().catch(() => undefined);
    throw new Error(`The request-log worker cannot connect to PostgreSQL: ${error instanceof Error ? error.message : String(error)}`);
  }
  client = next;
  return next;
}

/** The rows' values, one array per column (times as text). */
function columnArrays(rows: readonly LogRow[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: COLUMNS }, () => new Array<unknown>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < COLUMNS; c++) columns[c]![r] = c === TIME ? timestamps.format(row[c] as number) : row[c];
  }
  return columns;
}

/**
 * The rows and their usage rollup in one transaction: both are stored, or neither. On any
 * failure the connection is closed (its state after a timeout or a dropped link is unknown) and
 * the next batch opens another.
 */
async function write(rows: LogRow[]): Promise<void> {
  const db = await connection();
  const rollup = rollupOfRows(rows);
  try {
    await db.query('BEGIN');
    await db.query(INSERT_ARRAYS_SQL, insertArrayParams(columnArrays(rows)));
    await db.query(TOKEN_DAY_UPSERT_ARRAYS_SQL, tokenDayArrayParams(rollup.tokenDayRows()));
    await db.query(DAY_UPSERT_ARRAYS_SQL, dayArrayParams(rollup.dayRows()));
    await db.query('COMMIT');
  } catch (error) {
    if (client === db) client = null;
    db.removeAllListeners();
    db.on('error', () => undefined);
    void db.end().catch(() => undefined);
    throw error;
  }
}

async function close(): Promise<void> {
  const db = client;
  client = null;
  await db?.end();
}

serveBatches({ write, close });
