// The usage screens' queries: over the rollup tables (see src/usage/) and the tokens' last use.
import { Prisma, type PrismaClient } from '@prisma/client';
import type { TokenCounts, TokenRank, TokenRefRow, UsageDayRow, UsageQueries } from '../core/store.js';
import { COUNTER_COLUMNS, DAY_TABLE, OUTCOMES, TOKEN_DAY_TABLE } from '../core/usage/columns.js';
import { ERROR_OUTCOMES } from '../core/usage/usage-view.js';
import { statusSql } from './token-list.js';

const sumOf = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(' + ');
const COUNTER_SUMS = COUNTER_COLUMNS.map((c) => `SUM("${c}") AS "${c}"`).join(', ');
const ofOwner = (ownerId: string | null) =>
  ownerId === null ? Prisma.empty : Prisma.sql`AND "tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${ownerId})`;
const refSelect = { id: true, name: true, lastUsedAt: true } as const;

type RankRow = { list: 'traffic' | 'errors'; tokenId: string; requests: number | bigint; errors: number | bigint };

/**
 * The days [fromDay, toDay] of the rollups summed per token in one pass, ranked twice; with
 * `existing`, over the tokens still in "ApiToken" only. The days are bounded on both sides: with
 * one side only, SQLite's planner (without statistics, as a migrated database has none) reads every
 * rollup row in token order, which groups them without a sort, instead of the period's rows from
 * the (day, tokenId) index.
 */
function rankSql(fromDay: string, toDay: string, ownerId: string | null, limit: number, minRequestsForErrorRate: number, existing: boolean): Prisma.Sql {
  const join = existing ? Prisma.sql`JOIN "ApiToken" t ON t."id" = w."tokenId"` : Prisma.empty;
  const top = (list: RankRow['list'], where: Prisma.Sql, order: string) =>
    Prisma.sql`SELECT * FROM (SELECT ${Prisma.raw(`'${list}'`)} AS "list", w."tokenId", w."requests", w."errors" FROM week w ${join} ${where} ORDER BY ${Prisma.raw(order)}, w."tokenId" LIMIT ${limit}) AS ${Prisma.raw(`"${list}"`)}`;
  return Prisma.sql`
    WITH week AS MATERIALIZED (
      SELECT "tokenId", SUM(${Prisma.raw(sumOf(OUTCOMES))}) AS "requests", SUM(${Prisma.raw(sumOf(ERROR_OUTCOMES))}) AS "errors"
      FROM ${Prisma.raw(`"${TOKEN_DAY_TABLE}"`)} WHERE "day" >= ${fromDay} AND "day" <= ${toDay} ${ofOwner(ownerId)} GROUP BY "tokenId")
    ${top('traffic', Prisma.empty, 'w."requests" DESC')}
    UNION ALL
    ${top('errors', Prisma.sql`WHERE w."requests" >= ${minRequestsForErrorRate} AND w."errors" > 0`, 'w."errors" * 1.0 / w."requests" DESC, w."requests" DESC')}`;
}

export function usageQueries(prisma: PrismaClient): UsageQueries {
  return {
    tokenUsageDays: (tokenId, from, to) =>
      prisma.$queryRaw<UsageDayRow[]>(Prisma.sql`
        SELECT "day", ${Prisma.raw(COUNTER_COLUMNS.map((c) => `"${c}"`).join(', '))} FROM ${Prisma.raw(`"${TOKEN_DAY_TABLE}"`)}
        WHERE "tokenId" = ${tokenId} AND "day" >= ${from} AND "day" <= ${to}`),

    usageDays: (from, to, ownerId) =>
      ownerId === null
        ? prisma.$queryRaw<UsageDayRow[]>(Prisma.sql`
            SELECT "day", ${Prisma.raw(COUNTER_COLUMNS.map((c) => `"${c}"`).join(', '))} FROM ${Prisma.raw(`"${DAY_TABLE}"`)}
            WHERE "day" >= ${from} AND "day" <= ${to}`)
        : prisma.$queryRaw<UsageDayRow[]>(Prisma.sql`
            SELECT "day", ${Prisma.raw(COUNTER_SUMS)} FROM ${Prisma.raw(`"${TOKEN_DAY_TABLE}"`)}
            WHERE "day" >= ${from} AND "day" <= ${to} ${ofOwner(ownerId)}
            GROUP BY "day"`),

    async tokenCounts(ownerId, now, expiringBy): Promise<TokenCounts> {
      // One pass over the tokens (an index-only scan of (enabled, expiresAt), or of the owner's
      // (ownerId, enabled, expiresAt)), each status as statusWhere has it.
      const active = statusSql('active', now);
      const [row] = await prisma.$queryRaw<Array<Record<keyof TokenCounts, number | bigint>>>(Prisma.sql`
        SELECT COUNT(*) FILTER (WHERE ${active}) AS "active",
          COUNT(*) FILTER (WHERE ${active} AND "expiresAt" <= ${expiringBy}) AS "expiringWithin30Days",
          COUNT(*) FILTER (WHERE ${statusSql('expired', now)}) AS "expired",
          COUNT(*) FILTER (WHERE ${statusSql('disabled', now)}) AS "disabled"
        FROM "ApiToken" ${ownerId === null ? Prisma.empty : Prisma.sql`WHERE "ownerId" = ${ownerId}`}`);
      return {
        active: Number(row?.active ?? 0),
        expiringWithin30Days: Number(row?.expiringWithin30Days ?? 0),
        expired: Number(row?.expired ?? 0),
        disabled: Number(row?.disabled ?? 0),
      };
    },

    idleTokens: (ownerId, before, limit): Promise<TokenRefRow[]> =>
      // The first rows of the (lastUsedAt, createdAt, id) index in its order: a range of it, or its
      // nulls (by lastUsedAt first too, all null, which lets PostgreSQL read them in order as well).
      prisma.apiToken.findMany({
        where: { ...(ownerId === null ? {} : { ownerId }), lastUsedAt: before === null ? null : { lt: before } },
        select: refSelect,
        orderBy: [{ lastUsedAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
        take: limit,
      }),

    async rankTokens(fromDay, toDay, ownerId, limit, minRequestsForErrorRate): Promise<TokenRank[]> {
      const ranked = (existing: boolean) => prisma.$queryRaw<RankRow[]>(rankSql(fromDay, toDay, ownerId, limit, minRequestsForErrorRate, existing));
      // The tokens through Prisma, which reads each database's timestamps alike.
      const tokensOf = async (rows: RankRow[]) => {
        const ids = [...new Set(rows.map((row) => row.tokenId))];
        const tokens = ids.length === 0 ? [] : await prisma.apiToken.findMany({ where: { id: { in: ids } }, select: refSelect });
        return new Map(tokens.map((token) => [token.id, token]));
      };
      // Ranked first, the few ranked tokens looked up after: joining every token of the period to
      // "ApiToken" before ranking costs more than the ranking. A token deleted since its requests
      // were counted would leave a gap in a list: then, and only then, ranked again over the tokens
      // there are. An owner's tokens are chosen from "ApiToken" already.
      let rows = await ranked(false);
      let byId = await tokensOf(rows);
      if (ownerId === null && rows.some((row) => !byId.has(row.tokenId))) {
        rows = await ranked(true);
        byId = await tokensOf(rows);
      }
      return rows.flatMap((row) => {
        const token = byId.get(row.tokenId);
        return token ? [{ list: row.list, token, requests: Number(row.requests), errors: Number(row.errors) }] : [];
      });
    },
  };
}
