import { Prisma, type PrismaClient } from '@prisma/client';
import type { RequestLogQuery, RequestLogScope } from '../core/store.js';
import type { RequestLogView } from '../core/types.js';
import type { Dialect } from './dialect.js';

// The page's ids by raw SQL, the rows by Prisma: an owner's tokens are a subquery, not a list of
// ids bound as parameters, which on SQLite stops at 999 (an owner of more tokens could not open
// the screen). One Prisma.sql per statement, passed as an argument: the PostgreSQL client is
// generated separately, with its own Sql class, and would take a fragment of this module's
// Prisma in a tagged template for a bound value.

function conditionsOf(scope: RequestLogScope): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (scope.tokenId) conditions.push(Prisma.sql`"tokenId" = ${scope.tokenId}`);
  else if (scope.ownerId !== undefined) conditions.push(Prisma.sql`"tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${scope.ownerId})`);
  if (scope.from) conditions.push(Prisma.sql`"createdAt" >= ${scope.from}`);
  if (scope.to) conditions.push(Prisma.sql`"createdAt" <= ${scope.to}`);
  return conditions;
}

const whereOf = (conditions: Prisma.Sql[]) => (conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty);

/**
 * A page's ids, read as text: a raw query gives SQLite's INTEGER column as a JS number, which
 * past 2^53 is another id; the decimal string is exact on both databases. Named apart from "id",
 * which ORDER BY would otherwise take for this text.
 */
const PAGE_ID = Prisma.sql`CAST("id" AS TEXT) AS "pageId"`;
type IdRow = { pageId: string };

async function rowsOf(prisma: PrismaClient, page: IdRow[]): Promise<RequestLogView[]> {
  const ids = page.map((row) => BigInt(row.pageId));
  return ids.length === 0 ? [] : prisma.apiRequestLog.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/**
 * Past this many rows, an unfiltered list on PostgreSQL shows the planner's row estimate as its
 * total (within a few percent once autovacuum has analysed the table): counting 20 million rows
 * exactly takes seconds there, and a page's links need the size, not the exact count.
 */
export const ESTIMATED_TOTAL_FROM = 1_000_000;

/**
 * Past this many rows by the planner's estimate, the list of an owner's logs (a user without the
 * token-admin grant) on PostgreSQL shows that estimate as its total. Their rows are counted
 * through their tokens, one index search per token and day partition: 2 million rows of 10,000
 * tokens take seconds, and 8,000 rows of 50 tokens over 90 days some 100 ms. The planner gives
 * each token in the table an even share of the rows, whichever were used: an owner of busier or
 * quieter tokens than the average gets an estimate off by as much (a short page gives the exact
 * total instead: see reconciled). A list of one token, or of a period alone, is counted exactly.
 */
export const ESTIMATED_OWNER_TOTAL_FROM = 10_000;

/** The planner's estimate of the rows in the table, over its partitions (0 while never analysed). */
async function estimatedRows(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ rows: number | bigint | null }>>(
    Prisma.sql`SELECT SUM(GREATEST(c."reltuples", 0))::bigint AS "rows" FROM pg_class c
      WHERE c."relnamespace" = current_schema()::regnamespace AND c."relkind" = 'r'
        AND (c."relname" = 'ApiRequestLog' OR c."oid" IN (SELECT i."inhrelid" FROM pg_inherits i JOIN pg_class p ON p."oid" = i."inhparent" WHERE p."relname" = 'ApiRequestLog' AND p."relnamespace" = current_schema()::regnamespace))`,
  );
  return Number(row?.rows ?? 0);
}

/** The planner's estimate of the rows `conditions` match: the statement planned, not run. */
async function plannedRows(prisma: PrismaClient, conditions: Prisma.Sql[]): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ 'QUERY PLAN': unknown }>>(
    Prisma.sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM "ApiRequestLog" ${whereOf(conditions)}`,
  );
  const text = row?.['QUERY PLAN'];
  const plan = (typeof text === 'string' ? JSON.parse(text) : text) as Array<{ Plan?: { 'Plan Rows'?: number } }> | undefined;
  return Math.round(Number(plan?.[0]?.Plan?.['Plan Rows'] ?? 0));
}

/** A list's total, and whether it is the planner's estimate rather than a count. */
interface Total {
  total: number;
  totalIsEstimate: boolean;
}

/** On PostgreSQL, the estimate that stands in for a count too slow to make, if this list has one that big. */
async function estimateOf(prisma: PrismaClient, dialect: Dialect, scope: RequestLogScope, conditions: Prisma.Sql[]): Promise<number | null> {
  if (!dialect.estimatesBigCounts) return null;
  if (conditions.length === 0) {
    const estimate = await estimatedRows(prisma);
    return estimate >= ESTIMATED_TOTAL_FROM ? estimate : null;
  }
  if (scope.ownerId !== undefined && !scope.tokenId) {
    const estimate = await plannedRows(prisma, conditions);
    return estimate >= ESTIMATED_OWNER_TOTAL_FROM ? estimate : null;
  }
  return null;
}

async function countOf(prisma: PrismaClient, dialect: Dialect, scope: RequestLogScope, conditions: Prisma.Sql[]): Promise<Total> {
  const estimate = await estimateOf(prisma, dialect, scope, conditions);
  if (estimate !== null) return { total: estimate, totalIsEstimate: true };
  // A plain COUNT(*): Prisma's count wraps the query in a subquery that keeps SQLite from
  // counting the index directly, 4x slower on millions of rows.
  const counted = await prisma.$queryRaw<Array<{ total: number | bigint }>>(Prisma.sql`SELECT COUNT(*) AS "total" FROM "ApiRequestLog" ${whereOf(conditions)}`);
  return { total: Number(counted[0]?.total ?? 0), totalIsEstimate: false };
}

/**
 * An estimate set against what the page shows: a page short of `take` (and not past the end) is
 * the last, so the total is exact; else there are at least as many rows as the pages so far hold.
 */
function reconciled(estimate: Total, query: RequestLogQuery, rows: number): Total {
  if (!estimate.totalIsEstimate) return estimate;
  if (rows < query.take && (rows > 0 || query.skip === 0)) return { total: query.skip + rows, totalIsEstimate: false };
  return { total: Math.max(estimate.total, query.skip + rows), totalIsEstimate: true };
}

/** A page of request logs, newest first, and how many match in all (or about how many: see Total). */
export async function listRequestLogs(prisma: PrismaClient, dialect: Dialect, query: RequestLogQuery): Promise<Total & { items: RequestLogView[] }> {
  const conditions = conditionsOf(query);
  const [total, page] = await Promise.all([
    countOf(prisma, dialect, query, conditions),
    prisma.$queryRaw<IdRow[]>(
      Prisma.sql`SELECT ${PAGE_ID} FROM "ApiRequestLog" ${whereOf(conditions)} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${query.take} OFFSET ${query.skip}`,
    ),
  ]);
  return { ...reconciled(total, query, page.length), items: await rowsOf(prisma, page) };
}

/** The next `take` rows after `after` in newest-first order: keyset pagination, never OFFSET. */
export async function requestLogsBefore(
  prisma: PrismaClient,
  scope: RequestLogScope,
  after: Pick<RequestLogView, 'createdAt' | 'id'> | null,
  take: number,
): Promise<RequestLogView[]> {
  const conditions = conditionsOf(scope);
  // Older, or as old with a smaller id (the list's order).
  if (after) conditions.push(Prisma.sql`("createdAt" < ${after.createdAt} OR ("createdAt" = ${after.createdAt} AND "id" < ${after.id}))`);
  const page = await prisma.$queryRaw<IdRow[]>(
    Prisma.sql`SELECT ${PAGE_ID} FROM "ApiRequestLog" ${whereOf(conditions)} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${take}`,
  );
  return rowsOf(prisma, page);
}
