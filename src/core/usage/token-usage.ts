import { z } from 'zod';
import { assertCanManageTokensOf, assertCanUseFeature } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { fieldError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseId, parseWith } from '../inputs.js';
import type { Actor } from '../types.js';
import { lastDays } from './day.js';
import { fillDays, totalsOf, type TokenUsage } from './usage-view.js';

/** The periods a token's usage is read for, in days; the first is the default. */
export const USAGE_PERIODS_DAYS = [30, 90] as const;

const tokenUsageSchema = z
  .object({
    days: z
      .union(USAGE_PERIODS_DAYS.map((d) => z.literal(d)) as [z.ZodLiteral<30>, z.ZodLiteral<90>], {
        error: `The period is ${USAGE_PERIODS_DAYS.join(' or ')} days.`,
      })
      .default(USAGE_PERIODS_DAYS[0]),
  })
  .strict();

/**
 * A token's requests per UTC day over the last 30 or 90 days (every day, zeros filled), with
 * totals, error rate and p50/p95, from its usage rollups: for whoever may manage the token.
 */
export async function tokenUsage(deps: TokenServiceDeps, actorIn: Actor, rawTokenId: unknown, rawOptions: unknown = {}): Promise<TokenUsage> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const tokenId = parseId(rawTokenId, 'tokenId');
  const { days: count } = parseWith(tokenUsageSchema, rawOptions ?? {});
  const token = await deps.store.findToken(tokenId);
  if (!token) throw fieldError('tokenId', 'tokenNotFound', { id: tokenId });
  assertCanManageTokensOf(actor, token.ownerId, deps.access);
  const days = lastDays(deps.clock(), count);
  const rows = await deps.store.usage.tokenUsageDays(tokenId, days[0]!, days[days.length - 1]!);
  return { days: fillDays(days, rows), totals: totalsOf(rows) };
}
