import type { PrismaClient } from '@prisma/client';
import type { TokenStore } from '../../core/store.js';
import { prismaStore } from '../prisma-store.js';
import { postgresDialect } from './dialect.js';

/** The store on a PrismaClient generated for PostgreSQL. */
export function postgresStore(prisma: PrismaClient): TokenStore {
  return prismaStore(prisma, postgresDialect);
}
