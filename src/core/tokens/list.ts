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
  // Each text condition may be an id list: AND keeps two from overwriting each other.
  const texts: Prisma.ApiTokenWhereInput[] = [];
  if (query.search) texts.push(await textContaining(deps.prisma, 'name', query.search, ownerId));
  if (query.ownerEmail) texts.push(await textContaining(deps.prisma, 'ownerEmail', query.ownerEmail, ownerId));
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
