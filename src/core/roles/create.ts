import { assertSuperAdmin } from '../access.js';
import { recordAudit } from '../audit.js';
import { changeTransaction } from '../change-transaction.js';
import type { TokenServiceDeps } from '../context.js';
import { roleView } from '../token-view.js';
import type { Actor, RoleView } from '../types.js';
import { parseRole, roleNameTaken } from './role-input.js';

export async function createRole(deps: TokenServiceDeps, actor: Actor, raw: unknown): Promise<RoleView> {
  assertSuperAdmin(actor);
  const input = parseRole(deps, raw);
  const now = deps.clock();
  return changeTransaction(
    deps,
    async (tx) => {
      const role = await tx.apiRole.create({ data: { ...input, createdAt: now } });
      await recordAudit(tx, actor, 'role.created', null, { role: role.name, scopes: input.scopes }, now);
      return roleView(role);
    },
    roleNameTaken(input.name),
  );
}
