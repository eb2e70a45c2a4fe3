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
  if (query.tokenId && !seesEveryone && !(await deps.store.ownsToken(query.tokenId, actor.id))) {
    throw new ApiAccessError('FORBIDDEN', "Reading other users' request logs needs the token admin grant.");
  }
  const { items, total } = await deps.store.listRequestLogs({
    tokenId: query.tokenId,
    ownerId: seesEveryone ? undefined : actor.id,
    from: query.from,
    to: query.to,
    skip: (query.page - 1) * query.perPage,
    take: query.perPage,
  });
  return { items, total, page: query.page, perPage: query.perPage };
}
