import type { ResolvedActor } from '../access.js';
import { changeTransaction } from '../change-transaction.js';
import { issueSecret, notify, viewOf, type TokenServiceDeps } from '../context.js';
import type { Json, StoreTransaction, TokenChanges, TokenRecord } from '../store.js';
import type { IssuedToken } from '../types.js';
import { reload } from './guards.js';

/** What one way of replacing a secret changes besides the secret, and records in the audit event. */
export type SecretChange = (current: TokenRecord, tx: StoreTransaction) => Promise<{ changes: TokenChanges; details: Record<string, Json> }>;

/** The columns a new secret sets: its hash, its last four characters, when it was issued. */
export function newSecretFields(issued: { secretHash: string; lastFour: string }, now: Date): TokenChanges {
  return { secretHash: issued.secretHash, lastFour: issued.lastFour, secretIssuedAt: now };
}

/**
 * Gives a token a new secret, in one transaction under its owner's lock, with what `change`
 * adds from the token as it is now (the previous secret's grace, a new expiry) and records in
 * the audit event; the caches hear of it and the new secret is returned once.
 */
export async function replaceSecret(
  deps: TokenServiceDeps,
  actor: ResolvedActor,
  existing: TokenRecord,
  kind: 'rotated' | 'regenerated',
  now: Date,
  change: SecretChange,
): Promise<IssuedToken> {
  const issued = issueSecret(deps);
  const token = await changeTransaction(deps, async (tx) => {
    await tx.lockOwner(existing.ownerId);
    const current = await reload(tx, existing.id);
    const { changes, details } = await change(current, tx);
    const updated = await tx.updateToken(current.id, { ...newSecretFields(issued, now), ...changes });
    await tx.recordAudit({
      actor,
      action: `token.${kind}`,
      token: updated,
      details: { ...details, previousLastFour: current.lastFour, lastFour: issued.lastFour },
      at: now,
    });
    return updated;
  });
  notify(deps, token.id, kind);
  return { token: viewOf(deps, token, now), secret: issued.secret };
}
