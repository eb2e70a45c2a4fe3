import { Prisma, type PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { assertCanUseFeature, type AccessOptions, type ResolvedActor } from '../access.js';
import { ApiAccessError } from '../errors.js';
import { parseWith } from '../inputs.js';

/** Which request logs: one token's or every readable one, within a period. */
export const requestLogFilterSchema = z
  .object({
    tokenId: z.string().min(1).max(64).optional(),
    from: z.coerce.date({ error: 'The start of the period must be a date.' }).optional(),
    to: z.coerce.date({ error: 'The end of the period must be a date.' }).optional(),
  })
  .strict();

export type RequestLogFilter = z.output<typeof requestLogFilterSchema>;

/**
 * The SQL condition for the request logs `actor` may read under `filter`: every token's for a
 * token admin, else only those of the actor's own tokens (asking for another's is refused).
 * The actor's own tokens are a subquery, not a list of ids bound as parameters, which on
 * SQLite stops at 999. Returns Prisma.empty when nothing narrows the rows.
 */
export async function requestLogWhere(db: PrismaClient, actor: ResolvedActor, access: AccessOptions, filter: RequestLogFilter): Promise<Prisma.Sql> {
  assertCanUseFeature(actor, access);
  if (filter.from && filter.to && filter.from > filter.to) throw ApiAccessError.field('to', 'INVALID_INPUT', 'The end of the period must be after its start.');
  const seesEveryone = actor.isSuperAdmin && actor.isTokenAdmin;
  if (filter.tokenId && !seesEveryone) {
    const own = await db.apiToken.count({ where: { id: filter.tokenId, ownerId: actor.id } });
    if (own === 0) throw new ApiAccessError('FORBIDDEN', "Reading other users' request logs needs the token admin grant.");
  }
  const conditions: Prisma.Sql[] = [];
  if (filter.tokenId) conditions.push(Prisma.sql`"tokenId" = ${filter.tokenId}`);
  else if (!seesEveryone) conditions.push(Prisma.sql`"tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${actor.id})`);
  if (filter.from) conditions.push(Prisma.sql`"createdAt" >= ${filter.from}`);
  if (filter.to) conditions.push(Prisma.sql`"createdAt" <= ${filter.to}`);
  return conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
}

export function parseRequestLogFilter(raw: unknown): RequestLogFilter {
  return parseWith(requestLogFilterSchema, raw ?? {});
}
