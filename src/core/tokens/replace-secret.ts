import type { Prisma } from '@prisma/client';
import type { ResolvedActor } from '../access.js';
import { recordAudit } from '../audit.js';
import { changeTransaction } from '../change-transaction.js';
import { issueSecret, notify, viewOf, type TokenServiceDeps, type Tx } from '../context.js';
import { tokenInclude, type TokenRow } from '../token-view.js';
import type { IssuedToken } from '../types.js';
import { lockOwner, reload } from './guards.js';

/** What one way of replacing a secret changes besides the secret, and records in the audit event. */
export type SecretChange = (current: TokenRow, tx: Tx) => Promise<{ data: Prisma.ApiTokenUpdateInput; details: Record<string, Prisma.InputJsonValue> }>;

/** The columns a new secret sets: its hash, its last four characters, when it was issued. */
export function newSecretFields(issued: { secretHash: string; lastFour: string }, now: Date) {
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
  existing: TokenRow,
  kind: 'rotated' | 'regenerated',
  now: Date,
  change: SecretChange,
): Promise<IssuedToken> {
  const issued = issueSecret(deps);
  const row = await changeTransaction(deps, async (tx) => {
    await lockOwner(tx, existing.ownerId);
    const current = await reload(tx, existing.id);
    const { data, details } = await change(current, tx);
    const updated = await tx.apiToken.update({
      where: { id: current.id },
      data: { ...newSecretFields(issued, now), ...data },
      include: tokenInclude,
    });
    await recordAudit(tx, actor, `token.${kind}`, updated, { ...details, previousLastFour: current.lastFour, lastFour: issued.lastFour }, now);
    return updated;
  });
  notify(deps, row.id, kind);
  return { token: viewOf(deps, row, now), secret: issued.secret };
}
