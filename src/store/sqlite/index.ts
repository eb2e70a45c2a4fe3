import type { PrismaClient } from '@prisma/client';
import type { TokenStore } from '../../core/store.js';
import { prismaStore } from '../prisma-store.js';
import { sqliteDialect } from './dialect.js';

/** The store on a PrismaClient generated for SQLite. */
export function sqliteStore(prisma: PrismaClient): TokenStore {
  return prismaStore(prisma, sqliteDialect);
}
