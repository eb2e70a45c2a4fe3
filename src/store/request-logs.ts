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
 * exactly takes seconds there, and a page's links need the size, not the exact count. A filtered
 * list (a token, a period, an owner's tokens) is always counted exactly.
 */
export const ESTIMATED_TOTAL_FROM = 1_000_000;

/** The planner's estimate of the rows in the table, over its partitions (0 while never analysed). */
async function estimatedRows(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ rows: number | bigint | null }>>(
    Prisma.sql`SELECT SUM(GREATEST(c."reltuples", 0))::bigint AS "rows" FROM pg_class c
      WHERE c."relnamespace" = current_schema()::regnamespace AND c."relkind" = 'r'
        AND (c."relname" = 'ApiRequestLog' OR c."oid" IN (SELECT i."inhrelid" FROM pg_inherits i JOIN pg_class p ON p."oid" = i."inhparent" WHERE p."relname" = 'ApiRequestLog' AND p."relnamespace" = current_schema()::regnamespace))`,
  );
  return Number(row?.rows ?? 0);
}

async function countOf(prisma: PrismaClient, dialect: Dialect, conditions: Prisma.Sql[]): Promise<number> {
  if (conditions.length === 0 && dialect.estimatesBigCounts) {
    const estimate = await estimatedRows(prisma);
    if (estimate >= ESTIMATED_TOTAL_FROM) return estimate;
  }
  // A plain COUNT(*): Prisma's count wraps the query in a subquery that keeps SQLite from
  // counting the index directly, 4x slower on millions of rows.
  const counted = await prisma.$queryRaw<Array<{ total: number | bigint }>>(Prisma.sql`SELECT COUNT(*) AS "total" FROM "ApiRequestLog" ${whereOf(conditions)}`);
  return Number(counted[0]?.total ?? 0);
}

/** A page of request logs, newest first, and how many match in all. */
export async function listRequestLogs(prisma: PrismaClient, dialect: Dialect, query: RequestLogQuery): Promise<{ total: number; items: RequestLogView[] }> {
  const conditions = conditionsOf(query);
  const [total, page] = await Promise.all([
    countOf(prisma, dialect, conditions),
    prisma.$queryRaw<IdRow[]>(
      Prisma.sql`SELECT ${PAGE_ID} FROM "ApiRequestLog" ${whereOf(conditions)} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${query.take} OFFSET ${query.skip}`,
    ),
  ]);
  return { items: await rowsOf(prisma, page), total };
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
