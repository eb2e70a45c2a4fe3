import type { Prisma } from '@prisma/client';
import { recordAudit } from '../audit.js';
import { changeTransaction } from '../change-transaction.js';
import { issueSecret, notify, viewOf, type TokenServiceDeps } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseEditInput } from '../inputs.js';
import type { Actor, TokenView } from '../types.js';
import { assertNameFree, loadManageable, loadRoles, lockOwner, reload } from './guards.js';
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
    throw new ApiAccessError('EDIT_FORBIDDEN', 'Tokens cannot be edited here. Create a new token with the settings you need, then delete this one.');
  }
  const input = parseEditInput(raw, deps.policy);
  if (Object.keys(input).length === 0) throw new ApiAccessError('INVALID_INPUT', 'Nothing to change: give at least one field.');
  const now = deps.clock();
  const issued = policy === 'invalidate-secret' ? issueSecret(deps) : null;
  const row = await changeTransaction(deps, async (tx) => {
    await lockOwner(tx, existing.ownerId);
    const current = await reload(tx, existing.id);
    const changes: Record<string, [Prisma.InputJsonValue, Prisma.InputJsonValue]> = {};
    const data: Prisma.ApiTokenUpdateInput = {};
    if (input.name !== undefined && input.name !== current.name) {
      await assertNameFree(tx, input.name, current.id);
      data.name = input.name;
      changes.name = [current.name, input.name];
    }
    if (input.description !== undefined && input.description !== current.description) {
      data.description = input.description;
      changes.description = [current.description, input.description];
    }
    const currentIps = (current.allowedIps as string[] | null) ?? [];
    if (input.allowedIps !== undefined && JSON.stringify(input.allowedIps) !== JSON.stringify(currentIps)) {
      data.allowedIps = input.allowedIps;
      changes.allowedIps = [currentIps, input.allowedIps];
    }
    const currentTags = current.tags.map((t) => t.tag);
    if (input.tags !== undefined && JSON.stringify([...input.tags].sort()) !== JSON.stringify([...currentTags].sort())) {
      await tx.apiTokenTag.deleteMany({ where: { tokenId: current.id } });
      await tx.apiTokenTag.createMany({ data: input.tags.map((tag) => ({ tokenId: current.id, tag })) });
      changes.tags = [currentTags, input.tags];
    }
    if (input.roleIds !== undefined) {
      const roles = await loadRoles(tx, input.roleIds);
      const currentRoleIds = current.roles.map((r) => r.roleId);
      const removed = currentRoleIds.filter((id) => !input.roleIds!.includes(id));
      const added = input.roleIds.filter((id) => !currentRoleIds.includes(id));
      if (removed.length > 0 || added.length > 0) {
        await tx.apiTokenRole.deleteMany({ where: { tokenId: current.id, roleId: { in: removed } } });
        await tx.apiTokenRole.createMany({
          data: added.map((roleId) => ({ tokenId: current.id, roleId, assignedById: actor.id, assignedByEmail: actor.email, assignedAt: now })),
        });
        changes.roles = [current.roles.map((r) => r.role.name), roles.map((r) => r.name)];
      }
    }
    if (Object.keys(changes).length === 0) {
      throw new ApiAccessError('INVALID_INPUT', "Nothing changed: the values given are the token's current values.");
    }
    if (issued) {
      Object.assign(data, { ...newSecretFields(issued, now), previousSecretHash: null, previousSecretExpiresAt: null });
    }
    await tx.apiToken.update({ where: { id: current.id }, data });
    const updated = await reload(tx, current.id);
    await recordAudit(tx, actor, 'token.edited', updated, { ...changes, secretInvalidated: issued !== null }, now);
    return updated;
  });
  notify(deps, row.id, 'edited');
  const token = viewOf(deps, row, now);
  return issued ? { token, secret: issued.secret } : { token };
}
