// A request-log row, defined once: the INSERT of every transport, the SQLite worker's statement,
// the byte layout the worker's rows cross the thread boundary in, and the row's TypeScript types
// all follow from REQUEST_LOG_COLUMNS. A new column is one line here (plus the Prisma model and
// its migrations, which the migration tests check).

/** How a column's value is held in memory and encoded for the worker. */
export interface ColumnKinds {
  /** Text, at most MAX_TEXT_UNITS UTF-16 units (the middleware bounds what it takes from a request). */
  text: string;
  /** An HTTP status. */
  status: number;
  /** A whole number of milliseconds. */
  duration: number;
  /** The time of the request, a DateTime column. */
  time: Date;
}

export type ColumnKind = keyof ColumnKinds;

/** The columns of "ApiRequestLog" a writer fills, in the order every statement and encoding uses. */
export const REQUEST_LOG_COLUMNS = [
  { name: 'tokenId', kind: 'text' },
  { name: 'tokenName', kind: 'text' },
  { name: 'method', kind: 'text' },
  { name: 'path', kind: 'text' },
  { name: 'status', kind: 'status' },
  { name: 'ip', kind: 'text' },
  { name: 'userAgent', kind: 'text' },
  { name: 'durationMs', kind: 'duration' },
  { name: 'createdAt', kind: 'time' },
] as const satisfies ReadonlyArray<{ name: string; kind: ColumnKind }>;

export type RequestLogColumn = (typeof REQUEST_LOG_COLUMNS)[number];

/** A request-log row before the database gives it an id. */
export type RequestLogEntry = { -readonly [C in RequestLogColumn as C['name']]: ColumnKinds[C['kind']] };

/**
 * A stored request-log row. Its id is 64-bit (the table's sequence counts past 2^53, where a JS
 * number loses digits): a bigint here, its decimal string wherever it leaves as JSON.
 */
export interface RequestLogView extends RequestLogEntry {
  id: bigint;
}

/** The table the rows go to. */
export const REQUEST_LOG_TABLE = 'ApiRequestLog';

/** `"tokenId", "tokenName", …`: the column list of every INSERT. */
export const REQUEST_LOG_COLUMN_LIST = REQUEST_LOG_COLUMNS.map((c) => `"${c.name}"`).join(', ');

/** The column names, in order. */
export const REQUEST_LOG_COLUMN_NAMES: ReadonlyArray<RequestLogColumn['name']> = REQUEST_LOG_COLUMNS.map((c) => c.name);

/** The index of the `createdAt` column, and of the other columns the usage rollup reads. */
export const columnIndex = (name: RequestLogColumn['name']): number => REQUEST_LOG_COLUMN_NAMES.indexOf(name);

/** A column's value as the worker receives it: a time as milliseconds since the epoch. */
type Encoded<C> = C extends { kind: infer K extends ColumnKind } ? (K extends 'time' ? number : ColumnKinds[K]) : never;

/** A row as the worker inserts it, one element per column in REQUEST_LOG_COLUMNS order. */
type EncodedRow<T extends readonly unknown[]> = { -readonly [I in keyof T]: Encoded<T[I]> };
export type LogRow = EncodedRow<typeof REQUEST_LOG_COLUMNS>;
