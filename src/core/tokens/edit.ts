import { changeTransaction } from '../change-transaction.js';
import { issueSecret, notify, viewOf, type TokenServiceDeps } from '../context.js';
import { apiError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseEditInput } from '../inputs.js';
import type { Json, TokenChanges } from '../store.js';
import type { Actor, TokenView } from '../types.js';
import { assertNameFree, loadManageable, loadRoles, reload } from './guards.js';
import { newSecretFields } from './replace-secret.js';

/**
 * Edits name, description, tags, roles and IP ranges under the deployment's edit policy.
 * Under "invalidate-secret" the old secret stops working and the new one is returned once.
 */
export async function editToken(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown, raw: unknown): Promise<{ token: TokenView; secret?: string }> {
  const actor = await resolveActor(deps, actorIn);
  const existing = await loadManageable(deps, actor, rawId);
  const policy = deps.policy.editPolicy;
  if (policy === 'forbid') {
    throw apiError('editForbidden');
  }
  const input = parseEditInput(raw, deps.policy);
  if (Object.keys(input).length === 0) throw apiError('nothingToChange');
  const now = deps.clock();
  const issued = policy === 'invalidate-secret' ? issueSecret(deps) : null;
  const token = await changeTransaction(deps, async (tx) => {
    await tx.lockOwner(existing.ownerId);
    const current = await reload(tx, existing.id);
    const changed: Record<string, [Json, Json]> = {};
    const changes: TokenChanges = {};
    if (input.name !== undefined && input.name !== current.name) {
      await assertNameFree(tx, input.name, current.id);
      changes.name = input.name;
      changed.name = [current.name, input.name];
    }
    if (input.description !== undefined && input.description !== current.description) {
      changes.description = input.description;
      changed.description = [current.description, input.description];
    }
    if (input.allowedIps !== undefined && JSON.stringify(input.allowedIps) !== JSON.stringify(current.allowedIps)) {
      changes.allowedIps = input.allowedIps;
      changed.allowedIps = [current.allowedIps, input.allowedIps];
    }
    if (input.tags !== undefined && JSON.stringify([...input.tags].sort()) !== JSON.stringify([...current.tags].sort())) {
      await tx.replaceTags(current.id, input.tags);
      changed.tags = [current.tags, input.tags];
    }
    if (input.roleIds !== undefined) {
      const roles = await loadRoles(tx, input.roleIds);
      const currentRoleIds = current.roles.map((r) => r.id);
      const removed = currentRoleIds.filter((id) => !input.roleIds!.includes(id));
      const added = input.roleIds.filter((id) => !currentRoleIds.includes(id));
      if (removed.length > 0 || added.length > 0) {
        await tx.changeRoles(current.id, removed, added, actor, now);
        changed.roles = [current.roles.map((r) => r.name), roles.map((r) => r.name)];
      }
    }
    if (Object.keys(changed).length === 0) {
      throw apiError('nothingChanged');
    }
    if (issued) Object.assign(changes, { ...newSecretFields(issued, now), previousSecretHash: null, previousSecretExpiresAt: null });
    const updated = await tx.updateToken(current.id, changes);
    await tx.recordAudit({ actor, action: 'token.edited', token: updated, details: { ...changed, secretInvalidated: issued !== null }, at: now });
    return updated;
  });
  notify(deps, token.id, 'edited');
  const view = viewOf(deps, token, now);
  return issued ? { token: view, secret: issued.secret } : { token: view };
}
