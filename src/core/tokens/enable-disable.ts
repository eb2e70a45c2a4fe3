import { recordAudit } from '../audit.js';
import { changeTransaction } from '../change-transaction.js';
import { notify, viewOf, type TokenServiceDeps } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { tokenInclude } from '../token-view.js';
import type { Actor, TokenView } from '../types.js';
import { assertCapacity, loadManageable, lockOwner, reload } from './guards.js';

/**
 * Enables or disables a token; enabling counts against the owner's active-token limit. A token
 * already in the state asked for is INVALID_STATE, so a double click changes nothing twice.
 */
export async function setTokenEnabled(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown, enabled: boolean): Promise<TokenView> {
  const actor = await resolveActor(deps, actorIn);
  const existing = await loadManageable(deps, actor, rawId);
  const now = deps.clock();
  const row = await changeTransaction(deps, async (tx) => {
    await lockOwner(tx, existing.ownerId);
    const current = await reload(tx, existing.id);
    if (current.enabled === enabled) {
      throw new ApiAccessError('INVALID_STATE', `Token "${current.name}" is already ${enabled ? 'enabled' : 'disabled'}.`);
    }
    if (enabled) await assertCapacity(deps, tx, current.ownerId, now, current.id);
    const updated = await tx.apiToken.update({ where: { id: current.id }, data: { enabled }, include: tokenInclude });
    await recordAudit(tx, actor, enabled ? 'token.enabled' : 'token.disabled', updated, {}, now);
    return updated;
  });
  notify(deps, row.id, enabled ? 'enabled' : 'disabled');
  return viewOf(deps, row, now);
}
