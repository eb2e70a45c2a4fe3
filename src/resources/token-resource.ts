import { OwnPrismaResource } from './own-prisma-resource.js';
import { BaseRecord, type ActionContext } from 'adminjs';
import type { PrismaClient } from '@prisma/client';
import type { DeletedTokenView } from '../core/token-service.js';
import { isApiAccessError } from '../core/errors.js';
import type { DatamodelModel } from '../datamodel.js';
import type { PluginContext } from '../plugin/context.js';

/** A deleted token's page params: its name, who deleted it and when, as the audit trail says. */
export async function deletedTokenParams(ctx: PluginContext, id: string, context?: ActionContext): Promise<Record<string, unknown>> {
  const tombstone: Record<string, unknown> = { id, deleted: true, name: 'Deleted token' };
  const actor = await ctx.actor(context ?? ({} as ActionContext)).catch(() => null);
  if (!actor) return tombstone;
  let deleted: DeletedTokenView | null;
  try {
    deleted = await ctx.apiAccess.service.deleted(actor, id);
  } catch (error) {
    if (isApiAccessError(error)) return tombstone; // an id that cannot be a token's
    throw error;
  }
  if (!deleted) return tombstone;
  return { ...tombstone, name: deleted.name, deletedAt: deleted.deletedAt.toISOString(), deletedByEmail: deleted.deletedByEmail };
}

/**
 * The token resource: @adminjs/prisma's, except that a token id that no longer exists opens a
 * record saying the token was deleted (by whom and when) instead of AdminJS's "Record with given
 * id … cannot be found" and "no action show" errors: AdminJS loads the record before any action
 * runs and stops at a missing one. Only `show` is open on such a record (see resources/index.ts).
 */
export class TokenResource extends OwnPrismaResource {
  constructor(
    args: { model: DatamodelModel; client: PrismaClient },
    private readonly deleted: (id: string, context?: ActionContext) => Promise<Record<string, unknown>>,
  ) {
    super(args);
  }

  override async findOne(id: string | number, context?: ActionContext): Promise<BaseRecord | null> {
    const found = await super.findOne(id as never);
    if (found) return found;
    // Only the token's page says it was deleted; any other action on a missing id is AdminJS's "not found".
    if (context?.action?.name !== 'show') return null;
    return new BaseRecord(await this.deleted(String(id), context), this);
  }
}
