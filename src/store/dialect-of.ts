import type { PrismaClient } from '@prisma/client';
import { apiError } from '../core/errors.js';
import type { Dialect } from './dialect.js';
import { postgresDialect } from './postgres/dialect.js';
import { sqliteDialect } from './sqlite/dialect.js';

const DIALECTS: Record<string, Dialect> = { sqlite: sqliteDialect, postgresql: postgresDialect };

/**
 * The dialect of a PrismaClient's database: the provider its schema was generated for, which
 * every generated client carries (one generated for SQLite and one for PostgreSQL each know theirs).
 */
export function dialectOf(prisma: PrismaClient): Dialect {
  const provider = (prisma as unknown as { _activeProvider?: unknown })._activeProvider;
  const dialect = typeof provider === 'string' ? DIALECTS[provider] : undefined;
  if (!dialect) {
    throw apiError('unsupportedDatabase', { provider });
  }
  return dialect;
}
