import { z } from 'zod';
import { assertCanManageTokensOf, assertCanUseFeature } from '../access.js';
import { viewOf, type TokenServiceDeps } from '../context.js';
import { fieldError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseWith } from '../inputs.js';
import { SearchTooBroad } from '../store.js';
import type { Actor, TokenStatus, TokenView } from '../types.js';

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

/** The query field each searched column answers to, and how a message names it. */
const SEARCHED = { name: { field: 'search', label: 'name' }, ownerEmail: { field: 'ownerEmail', label: "owner's e-mail" } } as const;

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
  const contains = { name: query.search || undefined, ownerEmail: query.ownerEmail };
  try {
    const { total, rows } = await deps.store.listTokens({
      ownerId: seesEveryone ? query.ownerId : actor.id,
      status: query.status ? { status: query.status, now } : undefined,
      roleId: query.roleId,
      tag: query.tag,
      expires: query.expiresFrom || query.expiresTo ? { from: query.expiresFrom, to: query.expiresTo } : undefined,
      contains,
      sortBy: query.sortBy,
      direction: query.direction,
      skip: (query.page - 1) * query.perPage,
      take: query.perPage,
    });
    return { items: rows.map((row) => viewOf(deps, row, now)), total, page: query.page, perPage: query.perPage };
  } catch (error) {
    if (!(error instanceof SearchTooBroad)) throw error;
    const { field, label } = SEARCHED[error.column];
    throw fieldError(field, 'searchTooBroad', { limit: error.limit, text: String(contains[error.column]), label });
  }
}
