import { assertSuperAdmin } from '../access.js';
import { recordAudit } from '../audit.js';
import type { TokenServiceDeps } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { parseId } from '../inputs.js';
import { inOwnTransaction } from '../own-transaction.js';
import type { Actor } from '../types.js';
import { assertMayManageGrants } from './may-manage.js';

/** Gives a super admin the token-admin grant: the right to manage every user's tokens. */
export async function grantTokenAdmin(deps: TokenServiceDeps, actor: Actor, rawUserId: unknown): Promise<void> {
  assertSuperAdmin(actor);
  await assertMayManageGrants(deps, actor);
  const userId = parseId(rawUserId, 'userId');
  const user = await deps.users.findById(userId);
  if (!user) throw ApiAccessError.field('userId', 'USER_NOT_FOUND', `No user with id ${userId}.`);
  if (!user.isSuperAdmin) {
    throw ApiAccessError.field('userId', 'NOT_SUPER_ADMIN', `${user.email} is not a super admin. The token admin grant can only be given to super admins.`);
  }
  const now = deps.clock();
  await inOwnTransaction(deps.prisma, async (tx) => {
    const existing = await tx.apiTokenAdminGrant.findUnique({ where: { userId } });
    if (existing) throw new ApiAccessError('INVALID_STATE', `${user.email} already holds the token admin grant.`);
    await tx.apiTokenAdminGrant.create({ data: { userId, userEmail: user.email, grantedById: actor.id, grantedAt: now } });
    await recordAudit(tx, actor, 'token_admin.granted', null, { user: user.email }, now);
  });
}
