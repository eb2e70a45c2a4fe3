import { Resource } from '@adminjs/prisma';
import { BaseRecord, type ActionContext } from 'adminjs';
import type { PrismaClient } from '@prisma/client';
import type { DatamodelModel } from '../datamodel.js';
import type { PluginContext } from '../plugin/context.js';

/** A deleted token's page params: its name, who deleted it and when, as the audit trail says. */
export async function deletedTokenParams(prisma: PrismaClient, ctx: PluginContext, id: string, context?: ActionContext): Promise<Record<string, unknown>> {
  const event = await prisma.apiAuditEvent.findFirst({ where: { tokenId: id, action: 'token.deleted' }, orderBy: { createdAt: 'desc' } });
  const tombstone: Record<string, unknown> = { id, deleted: true, name: 'Deleted token' };
  if (!event) return tombstone;
  // Who deleted a token is told to those who could manage it: super admins and its owner.
  const actor = await ctx.actor(context ?? ({} as ActionContext)).catch(() => null);
  const owner = (event.details as { owner?: unknown } | null)?.owner;
  if (!actor || !(actor.isSuperAdmin || (typeof owner === 'string' && owner === actor.email))) return tombstone;
  return { ...tombstone, name: event.tokenName ?? tombstone.name, deletedAt: event.createdAt.toISOString(), deletedByEmail: event.actorEmail };
}

/**
 * The token resource: @adminjs/prisma's, except that a token id that no longer exists opens a
 * record saying the token was deleted (by whom and when) instead of AdminJS's "Record with given
 * id … cannot be found" and "no action show" errors: AdminJS loads the record before any action
 * runs and stops at a missing one. Only `show` is open on such a record (see resources/index.ts).
 */
export class TokenResource extends Resource {
  private readonly provider: string;

  constructor(
    args: { model: DatamodelModel; client: PrismaClient },
    private readonly deleted: (id: string, context?: ActionContext) => Promise<Record<string, unknown>>,
  ) {
    super(args as never);
    const self = this as unknown as { client?: { _engineConfig?: { activeProvider?: string } } };
    this.provider = self.client?._engineConfig?.activeProvider ?? 'database';
    // AdminJS wraps anything its registered Prisma adapter claims (a model and its client) in a
    // new adapter, which would drop this class. The client is needed only to build the model's
    // delegate (done by now), so letting go of it keeps this resource as it is.
    self.client = undefined;
  }

  override databaseType(): string {
    return this.provider;
  }

  override async findOne(id: string | number, context?: ActionContext): Promise<BaseRecord | null> {
    const found = await super.findOne(id as never);
    if (found) return found;
    // Only the token's page says it was deleted; any other action on a missing id is AdminJS's "not found".
    if (context?.action?.name !== 'show') return null;
    return new BaseRecord(await this.deleted(String(id), context), this);
  }
}
