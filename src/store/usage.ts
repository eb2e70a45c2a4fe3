// The usage screens' queries: over the rollup tables (see src/usage/) and the tokens' last use.
import { Prisma, type PrismaClient } from '@prisma/client';
import type { TokenCounts, TokenRefRow, UsageDayRow, UsageQueries } from '../core/store.js';
import { COUNTER_COLUMNS, DAY_TABLE, TOKEN_DAY_TABLE } from '../core/usage/columns.js';
import type { Dialect } from './dialect.js';
import { dialectOf } from './dialect-of.js';
import { statusSql } from './token-list.js';
import { tokenRanking, tokenRefSelect } from './usage-ranking.js';

const COUNTER_SUMS = COUNTER_COLUMNS.map((c) => `SUM("${c}") AS "${c}"`).join(', ');
const ofOwner = (ownerId: string | null) =>
  ownerId === null ? Prisma.empty : Prisma.sql`AND "tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${ownerId})`;

export function usageQueries(prisma: PrismaClient, dialect: () => Dialect = () => dialectOf(prisma)): UsageQueries {
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
        select: tokenRefSelect,
        orderBy: [{ lastUsedAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
        take: limit,
      }),

    rankTokens: tokenRanking(prisma, dialect),
  };
}
