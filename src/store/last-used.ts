import { Prisma } from '@prisma/client';
import type { LastUse } from '../core/store.js';

/**
 * UPDATE "ApiToken" SET each token's own "lastUsedAt" and "lastUsedIp", for these tokens: one
 * plain UPDATE, so a token deleted meanwhile is simply skipped and `updatedAt` keeps the time of
 * the last edit (Prisma's @updatedAt would move it on every flush, so "updated" would mean
 * "used"); one statement, not one per token, because each statement through Prisma costs the
 * event loop about 0.4 ms on SQLite. Each CASE ends in its own column (ELSE), which gives
 * PostgreSQL the type of the untyped parameters (timestamp, text) with no provider-specific cast.
 */
export function lastUsedStatement(uses: ReadonlyArray<readonly [string, LastUse]>): Prisma.Sql {
  const at = Prisma.join(
    uses.map(([tokenId, use]) => Prisma.sql`WHEN ${tokenId} THEN ${use.at}`),
    ' ',
  );
  const ip = Prisma.join(
    uses.map(([tokenId, use]) => Prisma.sql`WHEN ${tokenId} THEN ${use.ip}`),
    ' ',
  );
  const ids = Prisma.join(uses.map(([tokenId]) => tokenId));
  return Prisma.sql`UPDATE "ApiToken" SET
    "lastUsedAt" = CASE "id" ${at} ELSE "lastUsedAt" END,
    "lastUsedIp" = CASE "id" ${ip} ELSE "lastUsedIp" END
    WHERE "id" IN (${ids})`;
}
