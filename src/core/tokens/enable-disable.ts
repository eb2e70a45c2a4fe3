import { changeTransaction } from '../change-transaction.js';
import { notify, viewOf, type TokenServiceDeps } from '../context.js';
import { apiError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import type { Actor, TokenView } from '../types.js';
import { assertCapacity, loadManageable, reload } from './guards.js';
import { assertSecretNotReported } from './report-leak.js';

/**
 * Enables or disables a token; enabling counts against the owner's active-token limit. A token
 * already in the state asked for is INVALID_STATE, so a double click changes nothing twice. A token
 * whose secret was reported leaked cannot be enabled: regenerating it gives it a new secret first.
 */
export async function setTokenEnabled(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown, enabled: boolean): Promise<TokenView> {
  const actor = await resolveActor(deps, actorIn);
  const existing = await loadManageable(deps, actor, rawId);
  const now = deps.clock();
  const token = await changeTransaction(deps, async (tx) => {
    await tx.lockOwner(existing.ownerId);
    const current = await reload(tx, existing.id);
    if (current.enabled === enabled) {
      throw apiError('tokenAlreadyInState', { name: current.name, enabled });
    }
    if (enabled) {
      await assertSecretNotReported(tx, current);
      await assertCapacity(deps, tx, current.ownerId, now, current.id);
    }
    const updated = await tx.updateToken(current.id, { enabled });
    await tx.recordAudit({ actor, action: enabled ? 'token.enabled' : 'token.disabled', token: updated, details: {}, at: now });
    return updated;
  });
  notify(deps, token.id, enabled ? 'enabled' : 'disabled');
  return viewOf(deps, token, now);
}
