import { assertSuperAdmin } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { apiError, fieldError } from '../errors.js';
import { parseId } from '../inputs.js';
import type { Actor } from '../types.js';

/** Deletes a role no token holds (ROLE_IN_USE otherwise). */
export async function deleteRole(deps: TokenServiceDeps, actor: Actor, rawId: unknown): Promise<void> {
  assertSuperAdmin(actor);
  const id = parseId(rawId);
  const now = deps.clock();
  await deps.store.transaction(async (tx) => {
    const found = await tx.findRole(id);
    if (!found) throw fieldError('id', 'roleNotFound', { id });
    const holders = found.tokenIds.length;
    if (holders > 0) {
      throw apiError('roleInUse', { name: found.role.name, tokens: holders });
    }
    await tx.deleteRole(id);
    await tx.recordAudit({ actor, action: 'role.deleted', token: null, details: { role: found.role.name }, at: now });
  });
}
