import { Resource } from '@adminjs/prisma';
import type { PrismaClient } from '@prisma/client';
import type { DatamodelModel } from '../datamodel.js';

/**
 * @adminjs/prisma's resource, kept as the subclass it is: AdminJS wraps anything its registered
 * Prisma adapter claims (a model and its client) in a new adapter, which would drop the subclass.
 * The client is needed only to build the model's delegate (done by the constructor), so letting
 * go of it keeps the resource as it is; the database type is read before that.
 */
export class OwnPrismaResource extends Resource {
  private readonly provider: string;

  constructor(args: { model: DatamodelModel; client: PrismaClient }) {
    super(args as never);
    const self = this as unknown as { client?: { _engineConfig?: { activeProvider?: string } } };
    this.provider = self.client?._engineConfig?.activeProvider ?? 'database';
    self.client = undefined;
  }

  override databaseType(): string {
    return this.provider;
  }
}
