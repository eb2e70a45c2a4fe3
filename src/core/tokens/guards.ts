import { assertCanManageTokensOf, assertCanUseFeature, type ResolvedActor } from '../access.js';
import type { TokenServiceDeps, Tx } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { parseId } from '../inputs.js';
import { statusWhere } from '../status.js';
import { roleView, tokenInclude, type TokenRow } from '../token-view.js';
import type { RoleView } from '../types.js';

/**
 * Serialises every change to one owner's tokens, on SQLite and PostgreSQL alike: the upsert
 * takes a row lock that a concurrent transaction for the same owner waits on.
 */
export async function lockOwner(tx: Tx, ownerId: string): Promise<void> {
  // One statement, so that two transactions creating an owner's first lock row never both
  // insert (Prisma's upsert may read first); standard SQL that SQLite and PostgreSQL both run.
  await tx.$executeRaw`INSERT INTO "ApiTokenOwnerLock" ("ownerId", "version") VALUES (${ownerId}, 1)
    ON CONFLICT ("ownerId") DO UPDATE SET "version" = "ApiTokenOwnerLock"."version" + 1`;
}

/** Refuses one more active token for an owner at the policy's limit (not counting `excludeTokenId`). */
export async function assertCapacity(deps: TokenServiceDeps, tx: Tx, ownerId: string, now: Date, excludeTokenId?: string): Promise<void> {
  const active = await tx.apiToken.count({
    where: { ownerId, ...statusWhere('active', now), ...(excludeTokenId ? { id: { not: excludeTokenId } } : {}) },
  });
  const max = deps.policy.maxActiveTokensPerOwner;
  if (active >= max) {
    throw new ApiAccessError(
      'TOKEN_LIMIT_REACHED',
      `This owner already has ${active} active tokens, the most allowed is ${max}. Disable or delete one first.`,
    );
  }
}

export async function assertNameFree(tx: Tx, name: string, exceptId?: string): Promise<void> {
  const clash = await tx.apiToken.findUnique({ where: { name }, select: { id: true } });
  if (clash && clash.id !== exceptId) {
    throw ApiAccessError.field('name', 'NAME_TAKEN', `A token named "${name}" already exists. Choose another name.`);
  }
}

/** The roles of these ids, in the order given, or UNKNOWN_ROLE naming the ids that do not exist. */
export async function loadRoles(tx: Tx, roleIds: string[]): Promise<RoleView[]> {
  const roles = await tx.apiRole.findMany({ where: { id: { in: roleIds } } });
  const missing = roleIds.filter((id) => !roles.some((role) => role.id === id));
  if (missing.length > 0) {
    throw ApiAccessError.field('roleIds', 'UNKNOWN_ROLE', `Unknown role id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
  }
  return roleIds.map((id) => roleView(roles.find((role) => role.id === id)!));
}

/** Loads a token the actor may manage, or says clearly why not. */
export async function loadManageable(deps: TokenServiceDeps, actor: ResolvedActor, rawId: unknown): Promise<TokenRow> {
  assertCanUseFeature(actor, deps.access);
  const id = parseId(rawId);
  const row = await deps.prisma.apiToken.findUnique({ where: { id }, include: tokenInclude });
  if (!row) throw ApiAccessError.field('id', 'NOT_FOUND', `No token with id ${id}. It may have been deleted.`);
  assertCanManageTokensOf(actor, row.ownerId, deps.access);
  return row;
}

/** The token as it is now, inside the change's transaction (after taking its owner's lock). */
export async function reload(tx: Tx, id: string): Promise<TokenRow> {
  const row = await tx.apiToken.findUnique({ where: { id }, include: tokenInclude });
  if (!row) throw ApiAccessError.field('id', 'NOT_FOUND', `No token with id ${id}. It was deleted meanwhile.`);
  return row;
}
