import { viewOf, type TokenServiceDeps } from '../context.js';
import { resolveActor } from '../grants/resolve-actor.js';
import type { Actor, TokenView } from '../types.js';
import { loadManageable } from './guards.js';

/** One token the actor may manage. */
export async function getToken(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown): Promise<TokenView> {
  const actor = await resolveActor(deps, actorIn);
  return viewOf(deps, await loadManageable(deps, actor, rawId), deps.clock());
}
