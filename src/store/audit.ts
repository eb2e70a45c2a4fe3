import type { Prisma, PrismaClient } from '@prisma/client';
import type { AuditEvent, TokenDeletion } from '../core/store.js';

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

export async function lastDeletion(prisma: PrismaClient, tokenId: string): Promise<TokenDeletion | null> {
  const event = await prisma.apiAuditEvent.findFirst({
    where: { tokenId, action: 'token.deleted' },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true, actorEmail: true, tokenName: true, details: true },
  });
  if (!event) return null;
  const owner = (event.details as { owner?: unknown } | null)?.owner;
  return { at: event.createdAt, byEmail: event.actorEmail, tokenName: event.tokenName, ownerEmail: typeof owner === 'string' ? owner : null };
}
