import { Prisma, type PrismaClient } from '@prisma/client';
import type { RequestLogQuery, RequestLogScope } from '../core/store.js';
import type { RequestLogView } from '../core/types.js';

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

async function rowsOf(prisma: PrismaClient, page: Array<{ id: number | bigint }>): Promise<RequestLogView[]> {
  const ids = page.map((row) => Number(row.id));
  return ids.length === 0 ? [] : prisma.apiRequestLog.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/** A page of request logs, newest first, and how many match in all. */
export async function listRequestLogs(prisma: PrismaClient, query: RequestLogQuery): Promise<{ total: number; items: RequestLogView[] }> {
  const where = whereOf(conditionsOf(query));
  const [counted, page] = await Promise.all([
    // A plain COUNT(*): Prisma's count wraps the query in a subquery that keeps SQLite from
    // counting the index directly, 4x slower on millions of rows.
    prisma.$queryRaw<Array<{ total: number | bigint }>>(Prisma.sql`SELECT COUNT(*) AS "total" FROM "ApiRequestLog" ${where}`),
    prisma.$queryRaw<Array<{ id: number | bigint }>>(
      Prisma.sql`SELECT "id" FROM "ApiRequestLog" ${where} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${query.take} OFFSET ${query.skip}`,
    ),
  ]);
  return { items: await rowsOf(prisma, page), total: Number(counted[0]?.total ?? 0) };
}

/** The next `take` rows after `after` in newest-first order: keyset pagination, never OFFSET. */
export async function requestLogsBefore(
  prisma: PrismaClient,
  scope: RequestLogScope,
  after: { createdAt: Date; id: number } | null,
  take: number,
): Promise<RequestLogView[]> {
  const conditions = conditionsOf(scope);
  // Older, or as old with a smaller id (the list's order).
  if (after) conditions.push(Prisma.sql`("createdAt" < ${after.createdAt} OR ("createdAt" = ${after.createdAt} AND "id" < ${after.id}))`);
  const page = await prisma.$queryRaw<Array<{ id: number | bigint }>>(
    Prisma.sql`SELECT "id" FROM "ApiRequestLog" ${whereOf(conditions)} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${take}`,
  );
  return rowsOf(prisma, page);
}
