import { assertSuperAdmin } from '../access.js';
import { changeTransaction } from '../change-transaction.js';
import type { TokenServiceDeps } from '../context.js';
import { fieldError } from '../errors.js';
import type { Actor, RoleView } from '../types.js';
import { parseRole } from './role-input.js';

export async function createRole(deps: TokenServiceDeps, actor: Actor, raw: unknown): Promise<RoleView> {
  assertSuperAdmin(actor);
  const input = parseRole(deps, raw);
  const now = deps.clock();
  return changeTransaction(
    deps,
    async (tx) => {
      const role = await tx.insertRole(input, now);
      await tx.recordAudit({ actor, action: 'role.created', token: null, details: { role: role.name, scopes: input.scopes }, at: now });
      return role;
    },
    () => fieldError('name', 'roleNameTaken', { name: input.name }),
  );
}
