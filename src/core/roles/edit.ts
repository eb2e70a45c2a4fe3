import { assertSuperAdmin } from '../access.js';
import { changeTransaction } from '../change-transaction.js';
import { notify, type TokenServiceDeps } from '../context.js';
import { fieldError } from '../errors.js';
import { parseId } from '../inputs.js';
import type { Actor, RoleView } from '../types.js';
import { parseRole } from './role-input.js';

export async function editRole(deps: TokenServiceDeps, actor: Actor, rawId: unknown, raw: unknown): Promise<RoleView> {
  assertSuperAdmin(actor);
  const id = parseId(rawId);
  const input = parseRole(deps, raw);
  const now = deps.clock();
  let tokenIds: string[] = [];
  const result = await changeTransaction(
    deps,
    async (tx) => {
      const current = await tx.findRole(id);
      if (!current) throw fieldError('id', 'roleNotFound', { id });
      tokenIds = current.tokenIds;
      const role = await tx.updateRole(id, input);
      await tx.recordAudit({
        actor,
        action: 'role.edited',
        token: null,
        details: { role: [current.role.name, role.name], scopes: [current.role.scopes, input.scopes] },
        at: now,
      });
      return role;
    },
    () => fieldError('name', 'roleNameTaken', { name: input.name }),
  );
  // The role's scopes are part of every cached verification of its tokens.
  for (const tokenId of tokenIds) notify(deps, tokenId, 'edited');
  return result;
}
