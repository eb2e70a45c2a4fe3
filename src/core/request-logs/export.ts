import { Prisma, type PrismaClient } from '@prisma/client';
import type { AccessOptions, ResolvedActor } from '../access.js';
import { parseRequestLogFilter, requestLogWhere } from './query.js';
import type { Actor, RequestLogView } from '../types.js';

/** Rows read per statement when exporting: small enough to hold, big enough to keep statements few. */
export const EXPORT_PAGE_SIZE = 1_000;

export interface RequestLogExportDeps {
  prisma: PrismaClient;
  access: AccessOptions;
  /** Adds the token-admin grant (TokenService.resolveActor). */
  resolveActor(actor: Actor): Promise<ResolvedActor>;
}

/**
 * The request logs `actor` may read under `rawFilter`, newest first, one page at a time: each
 * page is read when the one before has been consumed (keyset pagination on createdAt, id, never
 * OFFSET), so an export of millions of rows holds one page in memory. The access rule and the
 * period are checked before the first page is read: a refusal comes before any row.
 */
export async function requestLogPages(
  deps: RequestLogExportDeps,
  actorIn: Actor,
  rawFilter: unknown,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<AsyncIterable<RequestLogView[]>> {
  const actor = await deps.resolveActor(actorIn);
  const filter = parseRequestLogFilter(rawFilter);
  const where = await requestLogWhere(deps.prisma, actor, deps.access, filter);
  const db = deps.prisma;
  return {
    async *[Symbol.asyncIterator]() {
      let after: { createdAt: Date; id: number } | null = null;
      for (;;) {
        // After the last row sent: older, or as old with a smaller id (the list's order).
        const keyset: Prisma.Sql | null = after && Prisma.sql`("createdAt" < ${after.createdAt} OR ("createdAt" = ${after.createdAt} AND "id" < ${after.id}))`;
        const clause: Prisma.Sql = !keyset ? where : where === Prisma.empty ? Prisma.sql`WHERE ${keyset}` : Prisma.sql`${where} AND ${keyset}`;
        // Ids by raw SQL (the condition may hold a subquery Prisma's API cannot say), rows by Prisma.
        const page: Array<{ id: number | bigint }> = await db.$queryRaw<Array<{ id: number | bigint }>>(
          Prisma.sql`SELECT "id" FROM "ApiRequestLog" ${clause} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${pageSize}`,
        );
        if (page.length === 0) return;
        const ids: number[] = page.map((row) => Number(row.id));
        const rows: RequestLogView[] = await db.apiRequestLog.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
        if (rows.length > 0) yield rows;
        const last: RequestLogView | undefined = rows[rows.length - 1];
        if (page.length < pageSize || !last) return;
        after = { createdAt: last.createdAt, id: last.id };
      }
    },
  };
}
