// What the usage screens read: a token's traffic by day, and the overview of every token the
// actor may see. Drawn from the rollup tables (and the token table), never from request-log rows.
import { Prisma, type PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { assertCanManageTokensOf, assertCanUseFeature, type AccessOptions, type ResolvedActor } from '../core/access.js';
import { ApiAccessError } from '../core/errors.js';
import { parseId, parseWith } from '../core/inputs.js';
import { statusWhere } from '../core/status.js';
import type { Actor, Clock } from '../core/types.js';
import { LATENCY_COLUMNS, OUTCOMES, TOKEN_DAY_TABLE, type Outcome } from './columns.js';
import { DAY_MS, lastDays } from './day.js';
import { percentileMs } from './histogram.js';

/** One UTC day's requests by outcome. */
export type UsageDay = { day: string } & Record<Outcome, number>;

export interface UsageTotals extends Record<Outcome, number> {
  requests: number;
  /** (clientError + serverError + refused) / requests; 0 without requests. */
  errorRate: number;
  /** From the latency histogram (see percentileMs); null without requests. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface TokenUsage {
  /** Every day of the period, oldest first, zeros where nothing was counted. */
  days: UsageDay[];
  totals: UsageTotals;
}

export interface TokenRef {
  id: string;
  name: string;
  /** ISO 8601, or null when never used. */
  lastUsedAt: string | null;
}

export interface UsageOverview {
  counts: { active: number; expiringWithin30Days: number; expired: number; disabled: number };
  /** Used before, but not in the last 30 days: longest unused first. */
  unused30Days: TokenRef[];
  /** Never used: oldest first. */
  neverUsed: TokenRef[];
  /** The last 7 days. */
  topByTraffic: Array<TokenRef & { requests: number }>;
  /** The last 7 days, among tokens with at least MIN_REQUESTS_FOR_ERROR_RATE requests. */
  topByErrorRate: Array<TokenRef & { requests: number; errorRate: number }>;
  /** The last 30 days over every token the actor sees. */
  traffic: UsageDay[];
}

export interface UsageQueriesDeps {
  prisma: PrismaClient;
  access: AccessOptions;
  clock: Clock;
  /** Adds the server-side token-admin grant to what the host says about the actor. */
  resolveActor: (actor: Actor) => Promise<ResolvedActor>;
}

/** Entries of each overview list. */
export const OVERVIEW_LIST_SIZE = 10;
/** A token with fewer requests in the week has no error rate worth ranking (one failed call of one would top it). */
export const MIN_REQUESTS_FOR_ERROR_RATE = 20;
const WEEK_DAYS = 7;
const MONTH_DAYS = 30;

const tokenUsageSchema = z
  .object({ days: z.union([z.literal(30), z.literal(90)], { error: 'The period is 30 or 90 days.' }).default(30) })
  .strict();
const overviewSchema = z.object({ now: z.date({ error: 'now must be a Date.' }).optional() }).strict();

const ERRORS = ['clientError', 'serverError', 'refused'] as const satisfies readonly Outcome[];
const sumOf = (columns: readonly string[], alias = '') => columns.map((c) => `${alias}"${c}"`).join(' + ');
const OUTCOME_SUMS = OUTCOMES.map((o) => `SUM("${o}") AS "${o}"`).join(', ');

type CountRow = Record<string, number | bigint | null>;
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

function usageDay(day: string, row: CountRow | undefined): UsageDay {
  const out = { day } as UsageDay;
  for (const outcome of OUTCOMES) out[outcome] = num(row?.[outcome]);
  return out;
}

/** Every day of `days`, with the counts of `rows` where there are some. */
function fillDays(days: readonly string[], rows: ReadonlyArray<CountRow & { day: string }>): UsageDay[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return days.map((day) => usageDay(day, byDay.get(day)));
}

function totalsOf(rows: readonly CountRow[]): UsageTotals {
  const totals = { requests: 0, errorRate: 0, p50Ms: null, p95Ms: null } as UsageTotals;
  for (const outcome of OUTCOMES) totals[outcome] = rows.reduce((sum, row) => sum + num(row[outcome]), 0);
  totals.requests = OUTCOMES.reduce((sum, outcome) => sum + totals[outcome], 0);
  totals.errorRate = totals.requests === 0 ? 0 : ERRORS.reduce((sum, o) => sum + totals[o], 0) / totals.requests;
  const histogram = LATENCY_COLUMNS.map((column) => rows.reduce((sum, row) => sum + num(row[column]), 0));
  totals.p50Ms = percentileMs(histogram, 50);
  totals.p95Ms = percentileMs(histogram, 95);
  return totals;
}

const tokenRef = (token: { id: string; name: string; lastUsedAt: Date | null }): TokenRef => ({
  id: token.id,
  name: token.name,
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
});

export class UsageQueries {
  constructor(private readonly deps: UsageQueriesDeps) {}

  private get db(): PrismaClient {
    return this.deps.prisma;
  }

  /** A token's requests per day over the last 30 or 90 days, with totals: for whoever may manage the token. */
  async tokenUsage(actorIn: Actor, rawTokenId: unknown, rawOptions: unknown = {}): Promise<TokenUsage> {
    const actor = await this.deps.resolveActor(actorIn);
    assertCanUseFeature(actor, this.deps.access);
    const tokenId = parseId(rawTokenId, 'tokenId');
    const { days: count } = parseWith(tokenUsageSchema, rawOptions ?? {});
    const token = await this.db.apiToken.findUnique({ where: { id: tokenId }, select: { ownerId: true } });
    if (!token) throw ApiAccessError.field('tokenId', 'NOT_FOUND', `No token with id ${tokenId}. It may have been deleted.`);
    assertCanManageTokensOf(actor, token.ownerId, this.deps.access);
    const days = lastDays(this.deps.clock(), count);
    const rows = (await this.db.apiTokenUsageDay.findMany({
      where: { tokenId, day: { gte: days[0]!, lte: days[days.length - 1]! } },
    })) as unknown as Array<CountRow & { day: string }>;
    return { days: fillDays(days, rows), totals: totalsOf(rows) };
  }

  /** Token counts by status, unused tokens, the week's top tokens and 30 days of traffic, over the tokens the actor sees. */
  async usageOverview(actorIn: Actor, rawOptions: unknown = {}): Promise<UsageOverview> {
    const actor = await this.deps.resolveActor(actorIn);
    assertCanUseFeature(actor, this.deps.access);
    const options = parseWith(overviewSchema, rawOptions ?? {});
    const now = options.now ?? this.deps.clock();
    const seesEveryone = actor.isSuperAdmin && actor.isTokenAdmin;
    const owner = seesEveryone ? {} : { ownerId: actor.id };
    const in30Days = new Date(now.getTime() + MONTH_DAYS * DAY_MS);
    const monthAgo = new Date(now.getTime() - MONTH_DAYS * DAY_MS);
    const month = lastDays(now, MONTH_DAYS);
    const weekStart = month[month.length - WEEK_DAYS]!;
    const refSelect = { id: true, name: true, lastUsedAt: true } as const;
    const [active, expiringWithin30Days, expired, disabled, unused, never, ranked, traffic] = await Promise.all([
      this.db.apiToken.count({ where: { ...owner, ...statusWhere('active', now) } }),
      this.db.apiToken.count({ where: { ...owner, enabled: true, expiresAt: { gt: now, lte: in30Days } } }),
      this.db.apiToken.count({ where: { ...owner, ...statusWhere('expired', now) } }),
      this.db.apiToken.count({ where: { ...owner, ...statusWhere('disabled', now) } }),
      this.db.apiToken.findMany({ where: { ...owner, lastUsedAt: { lt: monthAgo } }, select: refSelect, orderBy: [{ lastUsedAt: 'asc' }, { id: 'asc' }], take: OVERVIEW_LIST_SIZE }),
      this.db.apiToken.findMany({ where: { ...owner, lastUsedAt: null }, select: refSelect, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: OVERVIEW_LIST_SIZE }),
      this.rankWeek(weekStart, seesEveryone ? null : actor.id),
      this.traffic(month, seesEveryone ? null : actor.id),
    ]);
    const ids = [...new Set(ranked.map((r) => r.tokenId))];
    const tokens = ids.length === 0 ? [] : await this.db.apiToken.findMany({ where: { id: { in: ids } }, select: refSelect });
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
  private rankWeek(weekStart: string, ownerId: string | null) {
    const mine = ownerId === null ? Prisma.empty : Prisma.sql`AND "tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${ownerId})`;
    const top = (list: string, where: Prisma.Sql, order: string) =>
      Prisma.sql`SELECT * FROM (SELECT ${Prisma.raw(`'${list}'`)} AS "list", w."tokenId", w."requests", w."errors" FROM week w JOIN "ApiToken" t ON t."id" = w."tokenId" ${where} ORDER BY ${Prisma.raw(order)}, w."tokenId" LIMIT ${OVERVIEW_LIST_SIZE}) AS ${Prisma.raw(`"${list}"`)}`;
    return this.db.$queryRaw<Array<{ list: string; tokenId: string; requests: number | bigint; errors: number | bigint }>>(Prisma.sql`
      WITH week AS MATERIALIZED (
        SELECT "tokenId", SUM(${Prisma.raw(sumOf(OUTCOMES))}) AS "requests", SUM(${Prisma.raw(sumOf(ERRORS))}) AS "errors"
        FROM ${Prisma.raw(`"${TOKEN_DAY_TABLE}"`)} WHERE "day" >= ${weekStart} ${mine} GROUP BY "tokenId")
      ${top('traffic', Prisma.empty, 'w."requests" DESC')}
      UNION ALL
      ${top('errors', Prisma.sql`WHERE w."requests" >= ${MIN_REQUESTS_FOR_ERROR_RATE} AND w."errors" > 0`, 'w."errors" * 1.0 / w."requests" DESC, w."requests" DESC')}`);
  }

  /** Requests per day over `days`: from the all-token totals for a token admin, else summed over the owner's tokens. */
  private async traffic(days: readonly string[], ownerId: string | null): Promise<UsageDay[]> {
    const from = days[0]!;
    const to = days[days.length - 1]!;
    const rows =
      ownerId === null
        ? ((await this.db.apiUsageDay.findMany({ where: { day: { gte: from, lte: to } } })) as unknown as Array<CountRow & { day: string }>)
        : await this.db.$queryRaw<Array<CountRow & { day: string }>>(Prisma.sql`
            SELECT "day", ${Prisma.raw(OUTCOME_SUMS)} FROM ${Prisma.raw(`"${TOKEN_DAY_TABLE}"`)}
            WHERE "day" >= ${from} AND "day" <= ${to} AND "tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${ownerId})
            GROUP BY "day"`);
    return fillDays(days, rows);
  }
}
