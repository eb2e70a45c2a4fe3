import { z } from 'zod';
import { assertCanUseFeature } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseWith } from '../inputs.js';
import { readableRequestLogs, requestLogFilterSchema } from './query.js';
import type { Actor, RequestLogView } from '../types.js';

export interface RequestLogPage {
  items: RequestLogView[];
  total: number;
  /** True when `total` is the database's estimate, not a count (see TokenStore.listRequestLogs). */
  totalIsEstimate: boolean;
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
  const scope = await readableRequestLogs(deps, actor, query);
  const { items, total, totalIsEstimate } = await deps.store.listRequestLogs({ ...scope, skip: (query.page - 1) * query.perPage, take: query.perPage });
  return { items, total, totalIsEstimate, page: query.page, perPage: query.perPage };
}
