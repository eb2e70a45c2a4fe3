import type { Prisma } from '@prisma/client';
import type { AuditEvent } from '../core/store.js';

/** Writes an audit event with the transaction it belongs to, so neither exists without the other. */
export async function insertAuditEvent(tx: Prisma.TransactionClient, event: AuditEvent): Promise<void> {
  await tx.apiAuditEvent.create({
    data: {
      createdAt: event.at,
      actorId: event.actor.id,
      actorEmail: event.actor.email,
      action: event.action,
      tokenId: event.token?.id ?? null,
      tokenName: event.token?.name ?? null,
      details: event.details,
    },
  });
}
