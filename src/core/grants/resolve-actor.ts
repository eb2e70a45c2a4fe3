import type { ResolvedActor } from '../access.js';
import type { TokenServiceDeps } from '../context.js';
import type { Actor } from '../types.js';

/** Adds the server-side token-admin grant to what the host says about the actor. */
export async function resolveActor(deps: TokenServiceDeps, actor: Actor): Promise<ResolvedActor> {
  if (!actor.isSuperAdmin) return { ...actor, isTokenAdmin: false };
  return { ...actor, isTokenAdmin: await deps.store.hasGrant(actor.id) };
}
