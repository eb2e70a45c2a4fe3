import { assertCanManageTokensOf, assertCanUseFeature, type ResolvedActor } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { apiError, fieldError } from '../errors.js';
import { parseId } from '../inputs.js';
import type { StoreTransaction, TokenRecord } from '../store.js';
import type { RoleView } from '../types.js';

/** Refuses one more active token for an owner at the policy's limit (not counting `exceptTokenId`). */
export async function assertCapacity(deps: TokenServiceDeps, tx: StoreTransaction, ownerId: string, now: Date, exceptTokenId?: string): Promise<void> {
  const active = await tx.countActiveTokens(ownerId, now, exceptTokenId);
  const max = deps.policy.maxActiveTokensPerOwner;
  if (active >= max) {
    throw apiError('tokenLimitReached', { active, max });
  }
}

export async function assertNameFree(tx: StoreTransaction, name: string, exceptId?: string): Promise<void> {
  const clash = await tx.tokenIdByName(name);
  if (clash !== null && clash !== exceptId) {
    throw fieldError('name', 'tokenNameTaken', { name });
  }
}

/** The roles of these ids, in the order given, or UNKNOWN_ROLE naming the ids that do not exist. */
export async function loadRoles(tx: StoreTransaction, roleIds: string[]): Promise<RoleView[]> {
  const roles = await tx.findRoles(roleIds);
  const missing = roleIds.filter((id) => !roles.some((role) => role.id === id));
  if (missing.length > 0) {
    throw fieldError('roleIds', 'unknownRoleIds', { ids: missing });
  }
  return roleIds.map((id) => roles.find((role) => role.id === id)!);
}

/** Loads a token the actor may manage, or says clearly why not. */
export async function loadManageable(deps: TokenServiceDeps, actor: ResolvedActor, rawId: unknown): Promise<TokenRecord> {
  assertCanUseFeature(actor, deps.access);
  const id = parseId(rawId);
  const token = await deps.store.findToken(id);
  if (!token) throw fieldError('id', 'tokenNotFound', { id });
  assertCanManageTokensOf(actor, token.ownerId, deps.access);
  return token;
}

/** The token as it is now, inside the change's transaction (after taking its owner's lock). */
export async function reload(tx: StoreTransaction, id: string): Promise<TokenRecord> {
  const token = await tx.findToken(id);
  if (!token) throw fieldError('id', 'tokenDeletedMeanwhile', { id });
  return token;
}
