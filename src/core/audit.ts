import type { Prisma } from '@prisma/client';
import type { Actor } from './types.js';

export type AuditAction =
  | 'token.created'
  | 'token.rotated'
  | 'token.regenerated'
  | 'token.edited'
  | 'token.enabled'
  | 'token.disabled'
  | 'token.deleted'
  /** A rotated-out secret was presented after its grace period ended (written by RetiredSecretAudit). */
  | 'token.rotated_secret_used'
  /** A secret was reported leaked (GitHub's secret scanning or an admin): what was done, where it was found, by whom. */
  | 'token.reported_leaked'
  | 'role.created'
  | 'role.edited'
  | 'role.deleted'
  | 'token_admin.granted'
  | 'token_admin.revoked';

/** Written in the same transaction as the change it records, so neither exists without the other. */
export async function recordAudit(
  tx: Prisma.TransactionClient,
  actor: Actor,
  action: AuditAction,
  token: { id: string; name: string } | null,
  details: Prisma.InputJsonObject,
  at: Date,
): Promise<void> {
  await tx.apiAuditEvent.create({
    data: {
      createdAt: at,
      actorId: actor.id,
      actorEmail: actor.email,
      action,
      tokenId: token?.id ?? null,
      tokenName: token?.name ?? null,
      details,
    },
  });
}
