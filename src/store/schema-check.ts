import { Prisma, type PrismaClient } from '@prisma/client';
import { loadDatamodel } from '../datamodel.js';
import { errorMessage } from '../core/error-codes.js';
import { apiError } from '../core/errors.js';
import { isPrismaKnownError } from './prisma-errors.js';

/** A model's client property: ApiToken → apiToken. */
function delegateOf(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/** The plugin's models this PrismaClient has no delegate for (its schema lacks them). */
export function missingModels(prisma: object): string[] {
  return loadDatamodel()
    .models.map((model) => model.name)
    .filter((name) => typeof (prisma as Record<string, unknown>)[delegateOf(name)] !== 'object');
}

/** The message for a client generated without the plugin's models. */
export function missingModelsMessage(missing: string[]): string {
  return errorMessage('clientWithoutModels', { models: missing });
}

/**
 * Asks the database for one row of each of the plugin's tables: a client generated with the
 * models but a database never migrated fails here, once, with what to run, instead of on every
 * screen with a Prisma error. Other failures (the database is down) are thrown as they are.
 */
export async function checkTables(prisma: object): Promise<void> {
  const missing: string[] = [];
  for (const model of loadDatamodel().models) {
    const field = model.fields.find((f) => f.kind === 'scalar');
    const delegate = (prisma as Record<string, { findFirst(args: unknown): Promise<unknown> }>)[delegateOf(model.name)];
    if (!field || !delegate) continue;
    try {
      await delegate.findFirst({ select: { [field.name]: true } });
    } catch (error) {
      if (isPrismaKnownError(error, 'P2021') || isPrismaKnownError(error, 'P2022')) missing.push(model.name);
      else throw error;
    }
  }
  if (missing.length > 0) {
    throw apiError('tablesMissing', { models: missing });
  }
}

/**
 * On SQLite, the request log's 64-bit id is numbered by SQLite only as an INTEGER PRIMARY KEY
 * (an alias of the rowid). Prisma's migration for the model's BigInt id declares it BIGINT, which
 * SQLite leaves for the insert to fill: every request-log write would fail. Refused at start-up,
 * with the fix, instead.
 */
export async function checkRequestLogId(prisma: object): Promise<void> {
  if ((prisma as { _activeProvider?: unknown })._activeProvider !== 'sqlite') return;
  const [column] = await (prisma as PrismaClient).$queryRaw<Array<{ type: string; pk: number | bigint }>>(
    Prisma.sql`SELECT "type", "pk" FROM pragma_table_info('ApiRequestLog') WHERE "name" = 'id'`,
  );
  if (column && !(column.type.toUpperCase() === 'INTEGER' && Number(column.pk) === 1)) {
    throw apiError('requestLogIdNotNumbered', { declared: Number(column.pk) === 1 ? `${column.type} PRIMARY KEY` : column.type });
  }
}
