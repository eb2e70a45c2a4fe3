import { assertSuperAdmin } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import { apiError } from '../errors.js';
import type { Actor } from '../types.js';
import { resolveActor } from './resolve-actor.js';

/**
 * Only a token admin may give or take the grant, or else any super admin could give it to
 * themselves and it would restrict nothing. The first grant of a deployment bootstraps it.
 */
export async function assertMayManageGrants(deps: TokenServiceDeps, actorIn: Actor): Promise<void> {
  assertSuperAdmin(actorIn);
  const actor = await resolveActor(deps, actorIn);
  if (actor.isTokenAdmin) return;
  if ((await deps.store.countGrants()) === 0) return;
  throw apiError('grantManagersOnly');
}
