import type { TokenServiceDeps } from '../context.js';
import type { RoleView } from '../types.js';

/** Every role, by name. */
export function listRoles(deps: TokenServiceDeps): Promise<RoleView[]> {
  return deps.store.listRoles();
}
