import { assertSuperAdmin } from '../access.js';
import { recordAudit } from '../audit.js';
import type { TokenServiceDeps } from '../context.js';
import { ApiAccessError } from '../errors.js';
import { parseId } from '../inputs.js';
import { inOwnTransaction } from '../own-transaction.js';
import type { Actor } from '../types.js';

/** Deletes a role no token holds (ROLE_IN_USE otherwise). */
export async function deleteRole(deps: TokenServiceDeps, actor: Actor, rawId: unknown): Promise<void> {
  assertSuperAdmin(actor);
  const id = parseId(rawId);
  const now = deps.clock();
  await inOwnTransaction(deps.prisma, async (tx) => {
    const role = await tx.apiRole.findUnique({ where: { id }, include: { _count: { select: { tokens: true } } } });
    if (!role) throw ApiAccessError.field('id', 'NOT_FOUND', `No role with id ${id}.`);
    if (role._count.tokens > 0) {
      throw new ApiAccessError('ROLE_IN_USE', `Role "${role.name}" is assigned to ${role._count.tokens} token(s). Remove it from them first.`);
    }
    await tx.apiRole.delete({ where: { id } });
    await recordAudit(tx, actor, 'role.deleted', null, { role: role.name }, now);
  });
}
