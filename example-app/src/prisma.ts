import { PrismaClient } from '@prisma/client';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isPostgresUrl } from './database-url.js';

const require = createRequire(import.meta.url);

/**
 * A PrismaClient through a driver adapter (no Rust engine): the embedded SQLite file for a
 * file: URL, PostgreSQL for a postgres:// or postgresql:// URL. The PostgreSQL client is generated
 * from the same models by scripts/generate-postgresql.mjs and has the same shape.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  if (isPostgresUrl(databaseUrl)) {
    const { PrismaClient: PgPrismaClient } = require('../../node_modules/.prisma/client-postgresql/index.js') as { PrismaClient: typeof PrismaClient };
    return new PgPrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  }
  const file = databaseUrl.replace(/^file:/, '');
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) });
}
