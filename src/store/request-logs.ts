import { Prisma, type PrismaClient } from '@prisma/client';
import type { RequestLogQuery } from '../core/store.js';
import type { RequestLogView } from '../core/types.js';

/**
 * A page of request logs, newest first. The page's ids by raw SQL, the rows by Prisma: an
 * owner's tokens are a subquery, not a list of ids bound as parameters, which on SQLite stops at
 * 999 (an owner of more tokens could not open the screen). One Prisma.sql per statement, passed
 * as an argument: the PostgreSQL client is generated separately, with its own Sql class, and
 * would take a fragment of this module's Prisma in a tagged template for a bound value.
 */
export async function listRequestLogs(prisma: PrismaClient, query: RequestLogQuery): Promise<{ total: number; items: RequestLogView[] }> {
  const conditions: Prisma.Sql[] = [];
  if (query.tokenId) conditions.push(Prisma.sql`"tokenId" = ${query.tokenId}`);
  else if (query.ownerId !== undefined) conditions.push(Prisma.sql`"tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${query.ownerId})`);
  if (query.from) conditions.push(Prisma.sql`"createdAt" >= ${query.from}`);
  if (query.to) conditions.push(Prisma.sql`"createdAt" <= ${query.to}`);
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  const [counted, page] = await Promise.all([
    // A plain COUNT(*): Prisma's count wraps the query in a subquery that keeps SQLite from
    // counting the index directly, 4x slower on millions of rows.
    prisma.$queryRaw<Array<{ total: number | bigint }>>(Prisma.sql`SELECT COUNT(*) AS "total" FROM "ApiRequestLog" ${where}`),
    prisma.$queryRaw<Array<{ id: number | bigint }>>(
      Prisma.sql`SELECT "id" FROM "ApiRequestLog" ${where} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${query.take} OFFSET ${query.skip}`,
    ),
  ]);
  const ids = page.map((row) => Number(row.id));
  const items = ids.length === 0 ? [] : await prisma.apiRequestLog.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  return { items, total: Number(counted[0]?.total ?? 0) };
}
