import { assertCanManageTokensOf, assertCanUseFeature } from '../access.js';
import { changeTransaction } from '../change-transaction.js';
import { issueSecret, notify, viewOf, type TokenServiceDeps } from '../context.js';
import { fieldError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseCreateInput } from '../inputs.js';
import type { Actor, IssuedToken } from '../types.js';
import { assertCapacity, assertNameFree, loadRoles } from './guards.js';

/**
 * Creates a token for the actor, or for another user who has signed in at least once (with the
 * token-admin grant); the secret is returned once and only its hash is stored.
 */
export async function createToken(deps: TokenServiceDeps, actorIn: Actor, raw: unknown): Promise<IssuedToken> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const now = deps.clock();
  const input = parseCreateInput(raw, deps.policy, now);
  const ownerId = input.ownerId ?? actor.id;
  let ownerEmail = actor.email;
  if (ownerId !== actor.id) {
    assertCanManageTokensOf(actor, ownerId, deps.access);
    const owner = await deps.users.findById(ownerId);
    if (!owner) throw fieldError('ownerId', 'userNotFound', { id: ownerId });
    if (owner.lastSignInAt === null) {
      throw fieldError('ownerId', 'ownerNeverSignedIn', { email: owner.email });
    }
    ownerEmail = owner.email;
  }
  const issued = issueSecret(deps);
  const token = await changeTransaction(deps, async (tx) => {
    await tx.lockOwner(ownerId);
    const roles = await loadRoles(tx, input.roleIds);
    await assertNameFree(tx, input.name);
    await assertCapacity(deps, tx, ownerId, now);
    const created = await tx.insertToken({
      name: input.name,
      description: input.description,
      secretHash: issued.secretHash,
      lastFour: issued.lastFour,
      expiresAt: input.expiresAt,
      allowedIps: input.allowedIps,
      ownerId,
      ownerEmail,
      createdBy: actor,
      createdAt: now,
      tags: input.tags,
      roleIds: roles.map((role) => role.id),
    });
    await tx.recordAudit({
      actor,
      action: 'token.created',
      token: created,
      details: {
        owner: ownerEmail,
        roles: roles.map((r) => r.name),
        tags: input.tags,
        expiresAt: input.expiresAt?.toISOString() ?? 'never',
        allowedIps: input.allowedIps,
      },
      at: now,
    });
    return created;
  });
  notify(deps, token.id, 'created');
  return { token: viewOf(deps, token, now), secret: issued.secret };
}
