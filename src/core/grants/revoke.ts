import { assertSuperAdmin } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { fieldError } from '../errors.js';
import { parseUserId } from '../user-id.js';
import type { Actor } from '../types.js';
import { assertMayManageGrants } from './may-manage.js';

/** Takes the token-admin grant from a user who holds it. */
export async function revokeTokenAdmin(deps: TokenServiceDeps, actor: Actor, rawUserId: unknown): Promise<void> {
  assertSuperAdmin(actor);
  await assertMayManageGrants(deps, actor);
  const userId = parseUserId(rawUserId, 'userId');
  const now = deps.clock();
  await deps.store.transaction(async (tx) => {
    const existing = await tx.findGrant(userId);
    if (!existing) throw fieldError('userId', 'grantNotHeld');
    await tx.deleteGrant(userId);
    await tx.recordAudit({ actor, action: 'token_admin.revoked', token: null, details: { user: existing.userEmail }, at: now });
  });
}
