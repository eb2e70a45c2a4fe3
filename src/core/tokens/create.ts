import { assertCanManageTokensOf, assertCanUseFeature } from '../access.js';
import { recordAudit } from '../audit.js';
import { changeTransaction } from '../change-transaction.js';
import { issueSecret, notify, viewOf, type TokenServiceDeps } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseCreateInput } from '../inputs.js';
import { tokenInclude } from '../token-view.js';
import type { Actor, IssuedToken } from '../types.js';
import { assertCapacity, assertNameFree, loadRoles, lockOwner } from './guards.js';

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
    if (!owner) throw ApiAccessError.field('ownerId', 'USER_NOT_FOUND', `No user with id ${ownerId}.`);
    if (owner.lastSignInAt === null) {
      throw ApiAccessError.field(
        'ownerId',
        'OWNER_NEVER_SIGNED_IN',
        `${owner.email} has never signed in. A token can only be created for a user who has signed in at least once.`,
      );
    }
    ownerEmail = owner.email;
  }
  const issued = issueSecret(deps);
  const row = await changeTransaction(deps, async (tx) => {
    await lockOwner(tx, ownerId);
    const roles = await loadRoles(tx, input.roleIds);
    await assertNameFree(tx, input.name);
    await assertCapacity(deps, tx, ownerId, now);
    const created = await tx.apiToken.create({
      data: {
        name: input.name,
        description: input.description,
        secretHash: issued.secretHash,
        lastFour: issued.lastFour,
        expiresAt: input.expiresAt,
        allowedIps: input.allowedIps,
        ownerId,
        ownerEmail,
        createdById: actor.id,
        createdByEmail: actor.email,
        createdAt: now,
        secretIssuedAt: now,
        tags: { create: input.tags.map((tag) => ({ tag })) },
        roles: {
          create: roles.map((role) => ({ roleId: role.id, assignedById: actor.id, assignedByEmail: actor.email, assignedAt: now })),
        },
      },
      include: tokenInclude,
    });
    await recordAudit(
      tx,
      actor,
      'token.created',
      created,
      {
        owner: ownerEmail,
        roles: roles.map((r) => r.name),
        tags: input.tags,
        expiresAt: input.expiresAt?.toISOString() ?? 'never',
        allowedIps: input.allowedIps,
      },
      now,
    );
    return created;
  });
  notify(deps, row.id, 'created');
  return { token: viewOf(deps, row, now), secret: issued.secret };
}
