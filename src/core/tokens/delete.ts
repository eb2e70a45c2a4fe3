import { assertCanManageTokensOf, assertCanUseFeature, type ResolvedActor } from '../access.js';
import { recordAudit } from '../audit.js';
import { changeTransaction } from '../change-transaction.js';
import { notify, type TokenServiceDeps } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseIdList } from '../inputs.js';
import { tokenInclude, type TokenRow } from '../token-view.js';
import type { Actor } from '../types.js';
import { loadManageable, lockOwner } from './guards.js';

/** Deletes at once and for good: the next request with the token is refused. */
export async function deleteToken(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown): Promise<void> {
  const actor = await resolveActor(deps, actorIn);
  const existing = await loadManageable(deps, actor, rawId);
  await deleteRows(deps, actor, [existing]);
}

/** All or nothing: if any token is missing or not the actor's to delete, none is deleted. */
export async function bulkDeleteTokens(deps: TokenServiceDeps, actorIn: Actor, rawIds: unknown): Promise<{ deleted: number }> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const ids = parseIdList(rawIds);
  const rows = await deps.prisma.apiToken.findMany({ where: { id: { in: ids } }, include: tokenInclude });
  const missing = ids.filter((id) => !rows.some((row) => row.id === id));
  if (missing.length > 0) throw ApiAccessError.field('ids', 'NOT_FOUND', `No token with id ${missing.join(', ')}. Nothing was deleted.`);
  for (const row of rows) assertCanManageTokensOf(actor, row.ownerId, deps.access);
  await deleteRows(deps, actor, rows);
  return { deleted: rows.length };
}

async function deleteRows(deps: TokenServiceDeps, actor: ResolvedActor, rows: TokenRow[]): Promise<void> {
  const now = deps.clock();
  await changeTransaction(deps, async (tx) => {
    // Owners' locks in one order, so that two bulk deletes never wait on each other.
    for (const ownerId of [...new Set(rows.map((r) => r.ownerId))].sort()) await lockOwner(tx, ownerId);
    const { count } = await tx.apiToken.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    if (count !== rows.length) throw new ApiAccessError('INVALID_STATE', 'Some of these tokens were deleted meanwhile. Nothing was deleted; reload and try again.');
    for (const row of rows) {
      await recordAudit(tx, actor, 'token.deleted', row, { owner: row.ownerEmail, lastFour: row.lastFour }, now);
    }
  });
  for (const row of rows) notify(deps, row.id, 'deleted');
}
