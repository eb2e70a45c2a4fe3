import { Prisma } from '@prisma/client';
import { z } from 'zod';
import { assertCanUseFeature } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseWith } from '../inputs.js';
import { statusWhere } from '../status.js';
import type { Actor } from '../types.js';
import { OUTCOMES, TOKEN_DAY_TABLE } from '../../usage/columns.js';
import { DAY_MS, lastDays } from '../../usage/day.js';
import { ERROR_OUTCOMES, fillDays, num, tokenRef, type CountRow, type UsageDay, type UsageOverview } from './usage-view.js';

/** Entries of each overview list. */
export const OVERVIEW_LIST_SIZE = 10;
/** A token with fewer requests in the week has no error rate worth ranking (one failed call of one would top it). */
export const MIN_REQUESTS_FOR_ERROR_RATE = 20;
const WEEK_DAYS = 7;
const MONTH_DAYS = 30;

const overviewSchema = z.object({ now: z.date({ error: 'now must be a Date.' }).optional() }).strict();

const sumOf = (columns: readonly string[], alias = '') => columns.map((c) => `${alias}"${c}"`).join(' + ');
const OUTCOME_SUMS = OUTCOMES.map((o) => `SUM("${o}") AS "${o}"`).join(', ');

/** Token counts by status, unused tokens, the week's top tokens and 30 days of traffic, over the tokens the actor sees. */
export async function usageOverview(deps: TokenServiceDeps, actorIn: Actor, rawOptions: unknown = {}): Promise<UsageOverview> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const options = parseWith(overviewSchema, rawOptions ?? {});
  const now = options.now ?? deps.clock();
  const seesEveryone = actor.isSuperAdmin && actor.isTokenAdmin;
  const owner = seesEveryone ? {} : { ownerId: actor.id };
  const in30Days = new Date(now.getTime() + MONTH_DAYS * DAY_MS);
  const monthAgo = new Date(now.getTime() - MONTH_DAYS * DAY_MS);
  const month = lastDays(now, MONTH_DAYS);
  const weekStart = month[month.length - WEEK_DAYS]!;
  const refSelect = { id: true, name: true, lastUsedAt: true } as const;
  const [active, expiringWithin30Days, expired, disabled, unused, never, ranked, traffic] = await Promise.all([
    deps.prisma.apiToken.count({ where: { ...owner, ...statusWhere('active', now) } }),
    deps.prisma.apiToken.count({ where: { ...owner, enabled: true, expiresAt: { gt: now, lte: in30Days } } }),
    deps.prisma.apiToken.count({ where: { ...owner, ...statusWhere('expired', now) } }),
    deps.prisma.apiToken.count({ where: { ...owner, ...statusWhere('disabled', now) } }),
    deps.prisma.apiToken.findMany({ where: { ...owner, lastUsedAt: { lt: monthAgo } }, select: refSelect, orderBy: [{ lastUsedAt: 'asc' }, { id: 'asc' }], take: OVERVIEW_LIST_SIZE }),
    deps.prisma.apiToken.findMany({ where: { ...owner, lastUsedAt: null }, select: refSelect, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: OVERVIEW_LIST_SIZE }),
    rankWeek(deps, weekStart, seesEveryone ? null : actor.id),
    dailyTraffic(deps, month, seesEveryone ? null : actor.id),
  ]);
  const ids = [...new Set(ranked.map((r) => r.tokenId))];
  const tokens = ids.length === 0 ? [] : await deps.prisma.apiToken.findMany({ where: { id: { in: ids } }, select: refSelect });
  const byId = new Map(tokens.map((t) => [t.id, tokenRef(t)]));
  const listed = (list: string) => ranked.filter((r) => r.list === list && byId.has(r.tokenId));
  return {
    counts: { active, expiringWithin30Days, expired, disabled },
    unused30Days: unused.map(tokenRef),
    neverUsed: never.map(tokenRef),
    topByTraffic: listed('traffic').map((r) => ({ ...byId.get(r.tokenId)!, requests: num(r.requests) })),
    topByErrorRate: listed('errors').map((r) => ({ ...byId.get(r.tokenId)!, requests: num(r.requests), errorRate: num(r.errors) / num(r.requests) })),
    traffic,
  };
}

/**
 * The week's busiest tokens and those with the highest error rate, of the tokens that still
 * exist (and are the owner's, when given): one pass over the week's rollups, ranked twice.
 */
function rankWeek(deps: TokenServiceDeps, weekStart: string, ownerId: string | null) {
  const mine = ownerId === null ? Prisma.empty : Prisma.sql`AND "tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${ownerId})`;
  const top = (list: string, where: Prisma.Sql, order: string) =>
    Prisma.sql`SELECT * FROM (SELECT ${Prisma.raw(`'${list}'`)} AS "list", w."tokenId", w."requests", w."errors" FROM week w JOIN "ApiToken" t ON t."id" = w."tokenId" ${where} ORDER BY ${Prisma.raw(order)}, w."tokenId" LIMIT ${OVERVIEW_LIST_SIZE}) AS ${Prisma.raw(`"${list}"`)}`;
  return deps.prisma.$queryRaw<Array<{ list: string; tokenId: string; requests: number | bigint; errors: number | bigint }>>(Prisma.sql`
    WITH week AS MATERIALIZED (
      SELECT "tokenId", SUM(${Prisma.raw(sumOf(OUTCOMES))}) AS "requests", SUM(${Prisma.raw(sumOf(ERROR_OUTCOMES))}) AS "errors"
      FROM ${Prisma.raw(`"${TOKEN_DAY_TABLE}"`)} WHERE "day" >= ${weekStart} ${mine} GROUP BY "tokenId")
    ${top('traffic', Prisma.empty, 'w."requests" DESC')}
    UNION ALL
    ${top('errors', Prisma.sql`WHERE w."requests" >= ${MIN_REQUESTS_FOR_ERROR_RATE} AND w."errors" > 0`, 'w."errors" * 1.0 / w."requests" DESC, w."requests" DESC')}`);
}

/** Requests per day over `days`: from the all-token totals for a token admin, else summed over the owner's tokens. */
async function dailyTraffic(deps: TokenServiceDeps, days: readonly string[], ownerId: string | null): Promise<UsageDay[]> {
  const from = days[0]!;
  const to = days[days.length - 1]!;
  const rows =
    ownerId === null
      ? ((await deps.prisma.apiUsageDay.findMany({ where: { day: { gte: from, lte: to } } })) as unknown as Array<CountRow & { day: string }>)
      : await deps.prisma.$queryRaw<Array<CountRow & { day: string }>>(Prisma.sql`
          SELECT "day", ${Prisma.raw(OUTCOME_SUMS)} FROM ${Prisma.raw(`"${TOKEN_DAY_TABLE}"`)}
          WHERE "day" >= ${from} AND "day" <= ${to} AND "tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${ownerId})
          GROUP BY "day"`);
  return fillDays(days, rows);
}
