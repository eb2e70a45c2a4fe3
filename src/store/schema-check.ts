import { loadDatamodel } from '../datamodel.js';
import { ApiAccessError } from '../core/errors.js';
import { isPrismaKnownError } from './prisma-errors.js';

/** Where the plugin's models come from and how a host adds them: said by every setup error. */
export const ADD_THE_MODELS =
  "Add the plugin's Prisma models: copy node_modules/adminjs-api-access/prisma/schema/api-access.prisma into your prisma/schema/ folder " +
  '(multi-file schema) or append it to your prisma/schema.prisma, then run `npx prisma migrate dev --name api-access` ' +
  '(it also runs `prisma generate`; in production, `npx prisma migrate deploy`).';

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
  return `must be a PrismaClient generated from a schema with the plugin's models; it has no ${missing.join(', ')}. ${ADD_THE_MODELS}`;
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
    throw new ApiAccessError(
      'HOST_MISCONFIGURED',
      `The database has no table (or not every column) for ${missing.join(', ')}: the plugin's migration has not run on it. ${ADD_THE_MODELS}`,
    );
  }
}
