import { assertCanManageTokensOf, assertCanUseFeature, type ResolvedActor } from '../access.js';
import { changeTransaction } from '../change-transaction.js';
import { notify, type TokenServiceDeps } from '../context.js';
import { apiError, fieldError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseIdList } from '../inputs.js';
import type { TokenRecord } from '../store.js';
import type { Actor } from '../types.js';
import { loadManageable } from './guards.js';

/** Deletes at once and for good: the next request with the token is refused. */
export async function deleteToken(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown): Promise<void> {
  const actor = await resolveActor(deps, actorIn);
  const existing = await loadManageable(deps, actor, rawId);
  await deleteRecords(deps, actor, [existing]);
}

/** All or nothing: if any token is missing or not the actor's to delete, none is deleted. */
export async function bulkDeleteTokens(deps: TokenServiceDeps, actorIn: Actor, rawIds: unknown): Promise<{ deleted: number }> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const ids = parseIdList(rawIds);
  const tokens = await deps.store.findTokens(ids);
  const missing = ids.filter((id) => !tokens.some((token) => token.id === id));
  if (missing.length > 0) throw fieldError('ids', 'tokensNotFound', { ids: missing });
  for (const token of tokens) assertCanManageTokensOf(actor, token.ownerId, deps.access);
  await deleteRecords(deps, actor, tokens);
  return { deleted: tokens.length };
}

async function deleteRecords(deps: TokenServiceDeps, actor: ResolvedActor, tokens: TokenRecord[]): Promise<void> {
  const now = deps.clock();
  await changeTransaction(deps, async (tx) => {
    // Owners' locks in one order, so that two bulk deletes never wait on each other.
    for (const ownerId of [...new Set(tokens.map((t) => t.ownerId))].sort()) await tx.lockOwner(ownerId);
    const count = await tx.deleteTokens(tokens.map((t) => t.id));
    if (count !== tokens.length) throw apiError('tokensDeletedMeanwhile');
    for (const token of tokens) {
      await tx.recordAudit({ actor, action: 'token.deleted', token, details: { owner: token.ownerEmail, lastFour: token.lastFour }, at: now });
    }
  });
  for (const token of tokens) notify(deps, token.id, 'deleted');
}
