import { assertSuperAdmin } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { apiError, fieldError } from '../errors.js';
import { parseUserId } from '../user-id.js';
import type { Actor } from '../types.js';
import { assertMayManageGrants } from './may-manage.js';

/** Gives a super admin the token-admin grant: the right to manage every user's tokens. */
export async function grantTokenAdmin(deps: TokenServiceDeps, actor: Actor, rawUserId: unknown): Promise<void> {
  assertSuperAdmin(actor);
  await assertMayManageGrants(deps, actor);
  const userId = parseUserId(rawUserId, 'userId');
  const user = await deps.users.findById(userId);
  if (!user) throw fieldError('userId', 'userNotFound', { id: userId });
  if (!user.isSuperAdmin) {
    throw fieldError('userId', 'grantNeedsSuperAdmin', { email: user.email });
  }
  const now = deps.clock();
  await deps.store.transaction(async (tx) => {
    if (await tx.findGrant(userId)) throw apiError('grantAlreadyHeld', { email: user.email });
    await tx.insertGrant({ userId, userEmail: user.email, grantedById: actor.id, grantedAt: now });
    await tx.recordAudit({ actor, action: 'token_admin.granted', token: null, details: { user: user.email }, at: now });
  });
}
