import type { PrismaClient } from '@prisma/client';
import { loadDatamodel } from '../../src/datamodel.js';

/**
 * An object shaped like a PrismaClient generated with the plugin's models (one property per
 * model), for tests of option checks that never run a query.
 */
export function modelsOnlyPrisma(): PrismaClient {
  return Object.fromEntries(loadDatamodel().models.map((m) => [m.name.charAt(0).toLowerCase() + m.name.slice(1), {}])) as unknown as PrismaClient;
}
