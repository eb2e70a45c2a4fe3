import type { TokenServiceDeps } from '../context.js';
import { roleView } from '../token-view.js';
import type { RoleView } from '../types.js';

/** Every role, by name. */
export async function listRoles(deps: TokenServiceDeps): Promise<RoleView[]> {
  const roles = await deps.prisma.apiRole.findMany({ orderBy: { name: 'asc' } });
  return roles.map(roleView);
}
