import { Prisma } from '@prisma/client';
import { z } from 'zod';
import { assertCanUseFeature } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseWith } from '../inputs.js';
import { requestLogFilterSchema, requestLogWhere } from './query.js';
import type { Actor, RequestLogView } from '../types.js';

export interface RequestLogPage {
  items: RequestLogView[];
  total: number;
  page: number;
  perPage: number;
}

const requestLogQuerySchema = requestLogFilterSchema
  .extend({
    page: z.number().int().min(1).max(1_000_000).default(1),
    perPage: z.number().int().min(1).max(500).default(20),
  })
  .strict();

/** Request logs, newest first: all of them for token admins, else only those of the actor's own tokens. */
export async function listRequestLogs(deps: TokenServiceDeps, actorIn: Actor, rawQuery: unknown = {}): Promise<RequestLogPage> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const query = parseWith(requestLogQuerySchema, rawQuery ?? {});
  const db = deps.prisma;
  const where = await requestLogWhere(db, actor, deps.access, query);
  // The page's ids by raw SQL, the rows by Prisma: the condition holds a subquery (see
  // requestLogWhere). One Prisma.sql per statement, passed as an argument: the
  // PostgreSQL client is generated separately, with its own Sql class, and would take a
  // fragment of this module's Prisma in a tagged template for a bound value.
  const [counted, page] = await Promise.all([
    // A plain COUNT(*): Prisma's count wraps the query in a subquery that keeps SQLite from
    // counting the index directly, 4x slower on millions of rows.
    db.$queryRaw<Array<{ total: number | bigint }>>(Prisma.sql`SELECT COUNT(*) AS "total" FROM "ApiRequestLog" ${where}`),
    db.$queryRaw<Array<{ id: number | bigint }>>(
      Prisma.sql`SELECT "id" FROM "ApiRequestLog" ${where} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${query.perPage} OFFSET ${(query.page - 1) * query.perPage}`,
    ),
  ]);
  const ids = page.map((row) => Number(row.id));
  const items = ids.length === 0 ? [] : await db.apiRequestLog.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  return { items, total: Number(counted[0]?.total ?? 0), page: query.page, perPage: query.perPage };
}
