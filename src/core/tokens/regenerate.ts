import type { TokenServiceDeps } from '../context.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { FieldErrors, resolveExpiry } from '../inputs.js';
import type { Actor, IssuedToken } from '../types.js';
import { assertCapacity, loadManageable } from './guards.js';
import { replaceSecret } from './replace-secret.js';

/** New secret that fully replaces the old one, with a new expiry. */
export async function regenerateToken(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown, rawOptions: unknown): Promise<IssuedToken> {
  const actor = await resolveActor(deps, actorIn);
  const existing = await loadManageable(deps, actor, rawId);
  const now = deps.clock();
  const errors = new FieldErrors();
  const options = (typeof rawOptions === 'object' && rawOptions !== null ? rawOptions : {}) as { expiry?: unknown };
  if (options.expiry === undefined) errors.add('expiry', 'regenerateNeedsExpiry');
  const expiresAt = options.expiry === undefined ? null : resolveExpiry(options.expiry, deps.policy, now, errors);
  errors.throwIfAny();
  return replaceSecret(deps, actor, existing, 'regenerated', now, async (current, tx) => {
    if (current.enabled) await assertCapacity(deps, tx, current.ownerId, now, current.id);
    return {
      changes: { expiresAt, previousSecretHash: null, previousSecretExpiresAt: null },
      details: { expiresAt: [current.expiresAt?.toISOString() ?? 'never', expiresAt?.toISOString() ?? 'never'] },
    };
  });
}
