import { assertSuperAdmin } from '../access.js';
import { recordAudit } from '../audit.js';
import { changeTransaction } from '../change-transaction.js';
import { notify, type TokenServiceDeps } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { parseId } from '../inputs.js';
import { roleView } from '../token-view.js';
import type { Actor, RoleView } from '../types.js';
import { parseRole, roleNameTaken } from './role-input.js';

export async function editRole(deps: TokenServiceDeps, actor: Actor, rawId: unknown, raw: unknown): Promise<RoleView> {
  assertSuperAdmin(actor);
  const id = parseId(rawId);
  const input = parseRole(deps, raw);
  const now = deps.clock();
  let tokenIds: string[] = [];
  const result = await changeTransaction(
    deps,
    async (tx) => {
      const current = await tx.apiRole.findUnique({ where: { id }, include: { tokens: { select: { tokenId: true } } } });
      if (!current) throw ApiAccessError.field('id', 'NOT_FOUND', `No role with id ${id}.`);
      tokenIds = current.tokens.map((t) => t.tokenId);
      const role = await tx.apiRole.update({ where: { id }, data: input });
      await recordAudit(tx, actor, 'role.edited', null, { role: [current.name, role.name], scopes: [current.scopes ?? [], input.scopes] }, now);
      return roleView(role);
    },
    roleNameTaken(input.name),
  );
  // The role's scopes are part of every cached verification of its tokens.
  for (const tokenId of tokenIds) notify(deps, tokenId, 'edited');
  return result;
}
