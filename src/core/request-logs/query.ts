import { z } from 'zod';
import { assertCanUseFeature, type ResolvedActor } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { apiError, fieldError } from '../errors.js';
import { parseWith } from '../inputs.js';
import type { RequestLogScope } from '../store.js';

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
 * The request logs `actor` may read under `filter`: every token's for a token admin, else only
 * those of the actor's own tokens (asking for another's token is refused).
 */
export async function readableRequestLogs(deps: TokenServiceDeps, actor: ResolvedActor, filter: RequestLogFilter): Promise<RequestLogScope> {
  assertCanUseFeature(actor, deps.access);
  if (filter.from && filter.to && filter.from > filter.to) throw fieldError('to', 'periodEndBeforeStart');
  const seesEveryone = actor.isSuperAdmin && actor.isTokenAdmin;
  if (filter.tokenId && !seesEveryone && !(await deps.store.ownsToken(filter.tokenId, actor.id))) {
    throw apiError('othersRequestLogsNeedGrant');
  }
  return { tokenId: filter.tokenId, ownerId: seesEveryone ? undefined : actor.id, from: filter.from, to: filter.to };
}

export function parseRequestLogFilter(raw: unknown): RequestLogFilter {
  return parseWith(requestLogFilterSchema, raw ?? {});
}
