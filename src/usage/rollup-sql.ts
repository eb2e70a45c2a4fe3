// The upserts that add a batch's UsageRollup to the rollup tables, as SQL text with `?` for
// each value: better-sqlite3 runs it as is, the Prisma transport cuts it into a Prisma.sql
// template (see sqlTemplate). Standard SQL both SQLite and PostgreSQL run; and, for the
// PostgreSQL worker, the same upserts with a column's values as one array.
import { COUNTER_COLUMNS, DAY_TABLE, TOKEN_DAY_TABLE } from '../core/usage/columns.js';
import { intArrayLiteral, textArrayLiteral } from '../postgres/array-literal.js';
import { unnestSelect } from '../postgres/unnest.js';
import type { DayCounts, TokenDayCounts } from './rollup.js';

/** Upsert rows per statement: 2 + 19 values each stays far below every database's parameter limit. */
export const ROLLUP_ROWS_PER_STATEMENT = 500;

const counters = COUNTER_COLUMNS.map((c) => `"${c}"`).join(', ');
const addAll = (table: string) => COUNTER_COLUMNS.map((c) => `"${c}" = "${table}"."${c}" + excluded."${c}"`).join(', ');
const placeholders = (n: number) => `(${new Array<string>(n).fill('?').join(', ')})`;

const tokenDayInsert = `INSERT INTO "${TOKEN_DAY_TABLE}" ("tokenId", "day", ${counters})`;
const tokenDayConflict = `ON CONFLICT ("tokenId", "day") DO UPDATE SET ${addAll(TOKEN_DAY_TABLE)}`;
const dayInsert = `INSERT INTO "${DAY_TABLE}" ("day", ${counters})`;
const dayConflict = `ON CONFLICT ("day") DO UPDATE SET ${addAll(DAY_TABLE)}`;

/** Adds `rows` token-days (values: tokenId, day, then COUNTER_COLUMNS) to what is stored. */
export function tokenDayUpsertSql(rows: number): string {
  const row = placeholders(2 + COUNTER_COLUMNS.length);
  return `${tokenDayInsert} VALUES ${new Array<string>(rows).fill(row).join(', ')} ${tokenDayConflict}`;
}

/** Adds `rows` days (values: day, then COUNTER_COLUMNS) to what is stored. */
export function dayUpsertSql(rows: number): string {
  const row = placeholders(1 + COUNTER_COLUMNS.length);
  return `${dayInsert} VALUES ${new Array<string>(rows).fill(row).join(', ')} ${dayConflict}`;
}

const counterArrays = COUNTER_COLUMNS.map(() => 'int');

/**
 * PostgreSQL: the same upserts with the values of each column as one array parameter ($1 the
 * token ids, $2 the days, then one per counter column). One statement whatever the
 * row count, with a fixed number of parameters.
 */
export const TOKEN_DAY_UPSERT_ARRAYS_SQL = `${tokenDayInsert} ${unnestSelect(['text', 'text', ...counterArrays])} ${tokenDayConflict}`;
export const DAY_UPSERT_ARRAYS_SQL = `${dayInsert} ${unnestSelect(['text', ...counterArrays])} ${dayConflict}`;

const counterLiterals = (rows: readonly { counts: number[] }[]) => COUNTER_COLUMNS.map((_, c) => intArrayLiteral(rows.map((r) => r.counts[c]!)));

/** The token-days as TOKEN_DAY_UPSERT_ARRAYS_SQL's parameters: one array literal per column. */
export function tokenDayArrayParams(rows: readonly TokenDayCounts[]): string[] {
  return [textArrayLiteral(rows.map((r) => r.tokenId)), textArrayLiteral(rows.map((r) => r.day)), ...counterLiterals(rows)];
}

/** The days as DAY_UPSERT_ARRAYS_SQL's parameters: one array literal per column. */
export function dayArrayParams(rows: readonly DayCounts[]): string[] {
  return [textArrayLiteral(rows.map((r) => r.day)), ...counterLiterals(rows)];
}

export function tokenDayValues(rows: readonly TokenDayCounts[]): Array<string | number> {
  const values: Array<string | number> = [];
  for (const row of rows) values.push(row.tokenId, row.day, ...row.counts);
  return values;
}

export function dayValues(rows: readonly DayCounts[]): Array<string | number> {
  const values: Array<string | number> = [];
  for (const row of rows) values.push(row.day, ...row.counts);
  return values;
}

/** `items` in slices of at most `size`. */
export function* slices<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
