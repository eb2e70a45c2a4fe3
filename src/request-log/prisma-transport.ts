import { Prisma, type PrismaClient } from '@prisma/client';
import { UsageRollup } from '../usage/rollup.js';
import { dayUpsertSql, dayValues, ROLLUP_ROWS_PER_STATEMENT, slices, tokenDayUpsertSql, tokenDayValues } from '../usage/rollup-sql.js';
import { REQUEST_LOG_COLUMN_NAMES, type RequestLogEntry } from '../core/request-logs/columns.js';
import { insertSql, ROWS_PER_STATEMENT, sqlTemplate } from './sql.js';
import type { LogTransport } from './transport.js';

/** Statement templates, kept per row count (batches repeat sizes). */
class Templates {
  private readonly byRows = new Map<number, string[]>();
  constructor(private readonly text: (rows: number) => string) {}
  get(rows: number): string[] {
    let strings = this.byRows.get(rows);
    if (!strings) {
      strings = sqlTemplate(this.text(rows));
      if (this.byRows.size > 64) this.byRows.clear();
      this.byRows.set(rows, strings);
    }
    return strings;
  }
}

const inserts = new Templates(insertSql);
const tokenDayUpserts = new Templates(tokenDayUpsertSql);
const dayUpserts = new Templates(dayUpsertSql);

/**
 * One multi-row INSERT for a batch. Prisma's createMany compiles a query per call (costly for
 * hundreds of rows) and splits it into several statements; this is one statement, with the
 * parameters bound by Prisma in the dialect of the host's database (SQLite and PostgreSQL).
 */
function insertStatement(batch: readonly RequestLogEntry[]): Prisma.Sql {
  const names = REQUEST_LOG_COLUMN_NAMES;
  const values: Prisma.Sql['values'] = new Array(batch.length * names.length);
  let i = 0;
  for (const entry of batch) {
    for (const name of names) values[i++] = entry[name];
  }
  return Prisma.sql(inserts.get(batch.length), ...values);
}

/** The upserts that add a batch's usage to the rollup tables. */
export function rollupStatements(batch: readonly RequestLogEntry[]): Prisma.Sql[] {
  const rollup = new UsageRollup();
  for (const entry of batch) rollup.add(entry.tokenId, entry.createdAt.getTime(), entry.status, entry.durationMs);
  const statements: Prisma.Sql[] = [];
  for (const rows of slices(rollup.tokenDayRows(), ROLLUP_ROWS_PER_STATEMENT))
    statements.push(Prisma.sql(tokenDayUpserts.get(rows.length), ...tokenDayValues(rows)));
  for (const rows of slices(rollup.dayRows(), ROLLUP_ROWS_PER_STATEMENT)) statements.push(Prisma.sql(dayUpserts.get(rows.length), ...dayValues(rows)));
  return statements;
}

/**
 * Runs a write in a transaction of its own. On SQLite the Prisma adapter has one connection: a
 * statement sent while another transaction is open on it joins that transaction, and is undone if
 * it rolls back; an interactive transaction is run one at a time. The host's assembly gives the
 * core's (which also runs the write again when the database asks for it); without one, Prisma's.
 */
export type InTransaction = <T>(write: (tx: Prisma.TransactionClient) => Promise<T>) => Promise<T>;

export const prismaTransaction =
  (prisma: PrismaClient): InTransaction =>
  (write) =>
    prisma.$transaction(write, { maxWait: 10_000, timeout: 20_000 });

/** Rows as objects, each batch one multi-row INSERT and its rollup upserts through the host's Prisma client (any database). */
export class PrismaTransport implements LogTransport {
  private rows: RequestLogEntry[] = [];

  constructor(
    private readonly inTransaction: InTransaction,
    private readonly batchSize: number,
  ) {}

  get buffered(): number {
    return this.rows.length;
  }

  push(entry: RequestLogEntry): void {
    this.rows.push(entry);
  }

  dropOldest(count: number): void {
    this.rows.splice(0, count);
  }

  async writeBatch(): Promise<number> {
    if (this.rows.length === 0) return 0;
    const batch = this.rows.splice(0, Math.min(this.batchSize, ROWS_PER_STATEMENT));
    try {
      const insert = insertStatement(batch);
      const rollups = rollupStatements(batch);
      // The rows and their rollup commit together or not at all, so a retried batch counts once.
      await this.inTransaction(async (tx) => {
        await tx.$executeRaw(insert);
        for (const statement of rollups) await tx.$executeRaw(statement);
      });
    } catch (error) {
      this.rows.unshift(...batch);
      throw error;
    }
    return batch.length;
  }

  async close(): Promise<void> {}
}
