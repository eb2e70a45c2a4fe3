import type { PrismaClient } from '@prisma/client';
import type { ResolvedActor } from '../access.js';
import { statusWhere } from '../status.js';

const DAY_MS = 86_400_000;
/** Entries of each overview list. */
export const OVERVIEW_LIST_SIZE = 10;

export interface TokenRefRow {
  id: string;
  name: string;
  lastUsedAt: string | null;
}

export interface TokenStateOverview {
  counts: { active: number; expiringWithin30Days: number; expired: number; disabled: number };
  /** Used before, but not in the last 30 days: longest unused first. */
  unused30Days: TokenRefRow[];
  /** Never used: oldest first. */
  neverUsed: TokenRefRow[];
}

/**
 * The overview's token counts by state and its unused and never-used tokens, from the token table
 * alone, over the tokens `actor` sees (everyone's for a token admin, else their own).
 */
export async function tokenStateOverview(prisma: PrismaClient, actor: ResolvedActor, now: Date): Promise<TokenStateOverview> {
  const owner = actor.isSuperAdmin && actor.isTokenAdmin ? {} : { ownerId: actor.id };
  const select = { id: true, name: true, lastUsedAt: true } as const;
  const ref = (t: { id: string; name: string; lastUsedAt: Date | null }): TokenRefRow => ({ id: t.id, name: t.name, lastUsedAt: t.lastUsedAt?.toISOString() ?? null });
  const [active, expiringWithin30Days, expired, disabled, unused, never] = await Promise.all([
    prisma.apiToken.count({ where: { ...owner, ...statusWhere('active', now) } }),
    prisma.apiToken.count({ where: { ...owner, enabled: true, expiresAt: { gt: now, lte: new Date(now.getTime() + 30 * DAY_MS) } } }),
    prisma.apiToken.count({ where: { ...owner, ...statusWhere('expired', now) } }),
    prisma.apiToken.count({ where: { ...owner, ...statusWhere('disabled', now) } }),
    prisma.apiToken.findMany({ where: { ...owner, lastUsedAt: { lt: new Date(now.getTime() - 30 * DAY_MS) } }, select, orderBy: [{ lastUsedAt: 'asc' }, { id: 'asc' }], take: OVERVIEW_LIST_SIZE }),
    prisma.apiToken.findMany({ where: { ...owner, lastUsedAt: null }, select, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: OVERVIEW_LIST_SIZE }),
  ]);
  return { counts: { active, expiringWithin30Days, expired, disabled }, unused30Days: unused.map(ref), neverUsed: never.map(ref) };
}
