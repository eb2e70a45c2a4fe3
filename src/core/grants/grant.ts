import { assertSuperAdmin } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { parseUserId } from '../user-id.js';
import type { Actor } from '../types.js';
import { assertMayManageGrants } from './may-manage.js';

/** Gives a super admin the token-admin grant: the right to manage every user's tokens. */
export async function grantTokenAdmin(deps: TokenServiceDeps, actor: Actor, rawUserId: unknown): Promise<void> {
  assertSuperAdmin(actor);
  await assertMayManageGrants(deps, actor);
  const userId = parseUserId(rawUserId, 'userId');
  const user = await deps.users.findById(userId);
  if (!user) throw ApiAccessError.field('userId', 'USER_NOT_FOUND', `No user with id ${userId}.`);
  if (!user.isSuperAdmin) {
    throw ApiAccessError.field('userId', 'NOT_SUPER_ADMIN', `${user.email} is not a super admin. The token admin grant can only be given to super admins.`);
  }
  const now = deps.clock();
  await deps.store.transaction(async (tx) => {
    if (await tx.findGrant(userId)) throw new ApiAccessError('INVALID_STATE', `${user.email} already holds the token admin grant.`);
    await tx.insertGrant({ userId, userEmail: user.email, grantedById: actor.id, grantedAt: now });
    await tx.recordAudit({ actor, action: 'token_admin.granted', token: null, details: { user: user.email }, at: now });
  });
}
