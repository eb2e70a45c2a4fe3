import type { Prisma } from '@prisma/client';
import { z } from 'zod';
import { assertCanManageTokensOf, assertCanUseFeature } from '../access.js';
import { viewOf, type TokenServiceDeps } from '../context.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseWith } from '../inputs.js';
import { statusWhere } from '../status.js';
import { tokenInclude } from '../token-view.js';
import type { Actor, TokenStatus, TokenView } from '../types.js';
import { textContaining } from './text-search.js';

export interface ListTokensQuery {
  status?: TokenStatus;
  roleId?: string;
  tag?: string;
  ownerId?: string;
  /** Case-insensitive substring of the owner's e-mail address (as stored when the token was created); matched as `search` is. */
  ownerEmail?: string;
  /** Case-insensitive substring of the name; every character, % and _ included, matches itself. */
  search?: string;
  /** Tokens expiring in this period (either end optional); tokens that never expire are left out. */
  expiresFrom?: Date | string;
  expiresTo?: Date | string;
  page?: number;
  perPage?: number;
  sortBy?: 'createdAt' | 'name' | 'expiresAt' | 'lastUsedAt';
  direction?: 'asc' | 'desc';
}

export interface TokenPage {
  items: TokenView[];
  total: number;
  page: number;
  perPage: number;
}

const listQuerySchema = z
  .object({
    status: z.enum(['active', 'expired', 'disabled']).optional(),
    roleId: z.string().min(1).max(64).optional(),
    tag: z.string().trim().min(1).max(50).optional(),
    ownerId: z.string().min(1).max(64).optional(),
    ownerEmail: z.string().trim().min(1).max(254).optional(),
    search: z.string().max(100).optional(),
    expiresFrom: z.coerce.date({ error: 'The start of the expiry period must be a date.' }).optional(),
    expiresTo: z.coerce.date({ error: 'The end of the expiry period must be a date.' }).optional(),
    page: z.number().int().min(1).max(1_000_000).default(1),
    perPage: z.number().int().min(1).max(500).default(20),
    sortBy: z.enum(['createdAt', 'name', 'expiresAt', 'lastUsedAt']).default('createdAt'),
    direction: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();

/** A page of tokens: the actor's own, or anyone's (one owner's when asked) for a token admin. */
export async function listTokens(deps: TokenServiceDeps, actorIn: Actor, rawQuery: unknown = {}): Promise<TokenPage> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const query = parseWith(listQuerySchema, rawQuery ?? {});
  const seesEveryone = actor.isSuperAdmin && actor.isTokenAdmin;
  if (query.ownerId && query.ownerId !== actor.id && !seesEveryone) {
    assertCanManageTokensOf(actor, query.ownerId, deps.access);
  }
  const now = deps.clock();
  const ownerId = seesEveryone ? query.ownerId : actor.id;
  // Each text condition may be an id list, and a status sets expiresAt too: AND keeps them apart.
  const texts: Prisma.ApiTokenWhereInput[] = [];
  if (query.search) texts.push(await textContaining(deps.prisma, 'name', query.search, ownerId));
  if (query.ownerEmail) texts.push(await textContaining(deps.prisma, 'ownerEmail', query.ownerEmail, ownerId));
  if (query.expiresFrom || query.expiresTo) {
    texts.push({ expiresAt: { ...(query.expiresFrom ? { gte: query.expiresFrom } : {}), ...(query.expiresTo ? { lte: query.expiresTo } : {}), not: null } });
  }
  const where: Prisma.ApiTokenWhereInput = {
    ...(query.status ? statusWhere(query.status, now) : {}),
    ...(query.roleId ? { roles: { some: { roleId: query.roleId } } } : {}),
    ...(query.tag ? { tags: { some: { tag: query.tag } } } : {}),
    ...(texts.length > 0 ? { AND: texts } : {}),
    ownerId,
  };
  const [total, rows] = await Promise.all([
    deps.prisma.apiToken.count({ where }),
    deps.prisma.apiToken.findMany({
      where,
      include: tokenInclude,
      orderBy: [{ [query.sortBy]: query.direction }, { id: 'asc' }],
      skip: (query.page - 1) * query.perPage,
      take: query.perPage,
    }),
  ]);
  return { items: rows.map((row) => viewOf(deps, row, now)), total, page: query.page, perPage: query.perPage };
}
