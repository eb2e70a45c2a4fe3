import { z } from 'zod';
import type { TokenServiceDeps } from '../context.js';
import { errorMessage } from '../error-codes.js';
import { fieldError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import type { Actor, IssuedToken } from '../types.js';
import { loadManageable } from './guards.js';
import { replaceSecret } from './replace-secret.js';

const rotateSchema = z.object({ graceSeconds: z.number({ error: 'Grace period must be a number of seconds.' }).int().default(0) }).strict();

/** New secret, same id and permissions. With a grace period the old secret works a while longer. */
export async function rotateToken(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown, rawOptions: unknown = {}): Promise<IssuedToken> {
  const actor = await resolveActor(deps, actorIn);
  const existing = await loadManageable(deps, actor, rawId);
  const parsed = rotateSchema.safeParse(rawOptions ?? {});
  if (!parsed.success) throw fieldError('graceSeconds', 'fieldRule', { text: parsed.error.issues[0]?.message ?? errorMessage('gracePeriodInvalid') });
  const { graceSeconds } = parsed.data;
  if (!deps.policy.rotationGraceSeconds.includes(graceSeconds)) {
    throw fieldError('graceSeconds', 'gracePeriodNotOffered', { seconds: deps.policy.rotationGraceSeconds });
  }
  const now = deps.clock();
  return replaceSecret(deps, actor, existing, 'rotated', now, async (current) => ({
    changes: {
      previousSecretHash: graceSeconds > 0 ? current.secretHash : null,
      previousSecretExpiresAt: graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null,
    },
    details: { graceSeconds },
  }));
}
