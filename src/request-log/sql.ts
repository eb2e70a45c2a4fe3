import { type ColumnKind, REQUEST_LOG_COLUMN_LIST, REQUEST_LOG_COLUMNS, REQUEST_LOG_TABLE } from '../core/request-logs/columns.js';
import { intArrayLiteral, textArrayLiteral } from '../postgres/array-literal.js';
import { unnestSelect } from '../postgres/unnest.js';

/**
 * Rows per INSERT statement: with a parameter per column this stays far below the bound-parameter
 * limits of SQLite (32,766) and PostgreSQL (65,535), whatever batchSize is.
 */
export const ROWS_PER_STATEMENT = 1_000;

const ROW = `(${REQUEST_LOG_COLUMNS.map(() => '?').join(', ')})`;

/** An INSERT of `rows` request-log rows, a `?` for each value (columns in REQUEST_LOG_COLUMNS order). */
export function insertSql(rows: number): string {
  return `INSERT INTO "${REQUEST_LOG_TABLE}" (${REQUEST_LOG_COLUMN_LIST}) VALUES ${new Array<string>(rows).fill(ROW).join(', ')}`;
}

/** The literal parts around the `?` of a statement: the strings of a Prisma.sql template. */
export function sqlTemplate(text: string): string[] {
  return text.split('?');
}

/**
 * A column's PostgreSQL type in an array parameter. A time is sent as UTC text with its offset
 * (`…T20:01:02.345+00:00`) and read as `timestamp`, the type of Prisma's DateTime columns, which
 * ignores the offset: the stored value is the UTC time, whatever the session's time zone.
 */
const POSTGRES_TYPE: Record<ColumnKind, string> = { text: 'text', status: 'int', duration: 'int', time: 'timestamp' };

/**
 * PostgreSQL: an INSERT of any number of request-log rows from one array parameter per column
 * ($1 the tokenIds, … in REQUEST_LOG_COLUMNS order).
 */
export const INSERT_ARRAYS_SQL = `INSERT INTO "${REQUEST_LOG_TABLE}" (${REQUEST_LOG_COLUMN_LIST}) ${unnestSelect(REQUEST_LOG_COLUMNS.map((c) => POSTGRES_TYPE[c.kind]))}`;

const LITERALS = REQUEST_LOG_COLUMNS.map((c) => (POSTGRES_TYPE[c.kind] === 'int' ? intArrayLiteral : textArrayLiteral)) as Array<
  (values: readonly unknown[]) => string
>;

/** INSERT_ARRAYS_SQL's parameters: each column's values (times as text) as one array literal. */
export function insertArrayParams(columns: readonly (readonly unknown[])[]): string[] {
  return columns.map((values, c) => LITERALS[c]!(values));
}
