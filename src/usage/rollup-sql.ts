// The upserts that add a batch's UsageRollup to the rollup tables, as SQL text with `?` for
// each value: better-sqlite3 runs it as is, the Prisma transport cuts it into a Prisma.sql
// template (see sqlTemplate). Standard SQL both SQLite and PostgreSQL run.
import { COUNTER_COLUMNS, DAY_TABLE, TOKEN_DAY_TABLE } from '../core/usage/columns.js';
import type { DayCounts, TokenDayCounts } from './rollup.js';

/** Upsert rows per statement: 2 + 19 values each stays far below every database's parameter limit. */
export const ROLLUP_ROWS_PER_STATEMENT = 500;

const counters = COUNTER_COLUMNS.map((c) => `"${c}"`).join(', ');
const addAll = (table: string) => COUNTER_COLUMNS.map((c) => `"${c}" = "${table}"."${c}" + excluded."${c}"`).join(', ');
const placeholders = (n: number) => `(${new Array<string>(n).fill('?').join(', ')})`;

/** Adds `rows` token-days (values: tokenId, day, then COUNTER_COLUMNS) to what is stored. */
export function tokenDayUpsertSql(rows: number): string {
  const row = placeholders(2 + COUNTER_COLUMNS.length);
  return `INSERT INTO "${TOKEN_DAY_TABLE}" ("tokenId", "day", ${counters}) VALUES ${new Array<string>(rows).fill(row).join(', ')} ON CONFLICT ("tokenId", "day") DO UPDATE SET ${addAll(TOKEN_DAY_TABLE)}`;
}

/** Adds `rows` days (values: day, then COUNTER_COLUMNS) to what is stored. */
export function dayUpsertSql(rows: number): string {
  const row = placeholders(1 + COUNTER_COLUMNS.length);
  return `INSERT INTO "${DAY_TABLE}" ("day", ${counters}) VALUES ${new Array<string>(rows).fill(row).join(', ')} ON CONFLICT ("day") DO UPDATE SET ${addAll(DAY_TABLE)}`;
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
