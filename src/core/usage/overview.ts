import { z } from 'zod';
import { assertCanUseFeature } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseWith } from '../inputs.js';
import type { Actor } from '../types.js';
import { DAY_MS, lastDays } from './day.js';
import { fillDays, tokenRef, type UsageOverview } from './usage-view.js';

/** Entries of each overview list. */
export const OVERVIEW_LIST_SIZE = 10;
/** A token with fewer requests in the week has no error rate worth ranking (one failed call of one would top it). */
export const MIN_REQUESTS_FOR_ERROR_RATE = 20;
const WEEK_DAYS = 7;
/** The overview's month: its traffic chart, its idle tokens, and its tokens expiring soon. */
export const MONTH_DAYS = 30;

const overviewSchema = z.object({ now: z.date({ error: 'now must be a Date.' }).optional() }).strict();

/** Token counts by status, unused tokens, the week's top tokens and 30 days of traffic, over the tokens the actor sees. */
export async function usageOverview(deps: TokenServiceDeps, actorIn: Actor, rawOptions: unknown = {}): Promise<UsageOverview> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const options = parseWith(overviewSchema, rawOptions ?? {});
  const now = options.now ?? deps.clock();
  const seesEveryone = actor.isSuperAdmin && actor.isTokenAdmin;
  const ownerId = seesEveryone ? null : actor.id;
  const month = lastDays(now, MONTH_DAYS);
  const { usage } = deps.store;
  const [counts, unused, never, ranked, traffic] = await Promise.all([
    usage.tokenCounts(ownerId, now, new Date(now.getTime() + MONTH_DAYS * DAY_MS)),
    usage.idleTokens(ownerId, new Date(now.getTime() - MONTH_DAYS * DAY_MS), OVERVIEW_LIST_SIZE),
    usage.idleTokens(ownerId, null, OVERVIEW_LIST_SIZE),
    usage.rankTokens(month[month.length - WEEK_DAYS]!, month[month.length - 1]!, ownerId, OVERVIEW_LIST_SIZE, MIN_REQUESTS_FOR_ERROR_RATE),
    usage.usageDays(month[0]!, month[month.length - 1]!, ownerId),
  ]);
  const listed = (list: 'traffic' | 'errors') => ranked.filter((r) => r.list === list);
  return {
    counts,
    unused30Days: unused.map(tokenRef),
    neverUsed: never.map(tokenRef),
    topByTraffic: listed('traffic').map((r) => ({ ...tokenRef(r.token), requests: r.requests })),
    topByErrorRate: listed('errors').map((r) => ({ ...tokenRef(r.token), requests: r.requests, errorRate: r.errors / r.requests })),
    traffic: fillDays(month, traffic),
  };
}
