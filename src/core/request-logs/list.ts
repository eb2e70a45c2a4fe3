import { Prisma } from '@prisma/client';
import { z } from 'zod';
import { assertCanUseFeature } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseWith } from '../inputs.js';
import type { Actor, RequestLogView } from '../types.js';

export interface RequestLogPage {
  items: RequestLogView[];
  total: number;
  page: number;
  perPage: number;
}

const requestLogQuerySchema = z
  .object({
    tokenId: z.string().min(1).max(64).optional(),
    from: z.coerce.date({ error: 'The start of the period must be a date.' }).optional(),
    to: z.coerce.date({ error: 'The end of the period must be a date.' }).optional(),
    page: z.number().int().min(1).max(1_000_000).default(1),
    perPage: z.number().int().min(1).max(500).default(20),
  })
  .strict();

/** Request logs, newest first: all of them for token admins, else only those of the actor's own tokens. */
export async function listRequestLogs(deps: TokenServiceDeps, actorIn: Actor, rawQuery: unknown = {}): Promise<RequestLogPage> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const query = parseWith(requestLogQuerySchema, rawQuery ?? {});
  if (query.from && query.to && query.from > query.to) throw ApiAccessError.field('to', 'INVALID_INPUT', 'The end of the period must be after its start.');
  const seesEveryone = actor.isSuperAdmin && actor.isTokenAdmin;
  const db = deps.prisma;
  if (query.tokenId && !seesEveryone) {
    const own = await db.apiToken.count({ where: { id: query.tokenId, ownerId: actor.id } });
    if (own === 0) throw new ApiAccessError('FORBIDDEN', "Reading other users' request logs needs the token admin grant.");
  }
  const conditions: Prisma.Sql[] = [];
  if (query.tokenId) conditions.push(Prisma.sql`"tokenId" = ${query.tokenId}`);
  else if (!seesEveryone) conditions.push(Prisma.sql`"tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${actor.id})`);
  if (query.from) conditions.push(Prisma.sql`"createdAt" >= ${query.from}`);
  if (query.to) conditions.push(Prisma.sql`"createdAt" <= ${query.to}`);
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  // The page's ids by raw SQL, the rows by Prisma: the actor's own tokens are a subquery, not a
  // list of ids bound as parameters, which on SQLite stops at 999 (an owner of more tokens
  // could not open the screen). One Prisma.sql per statement, passed as an argument: the
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
