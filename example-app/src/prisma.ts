import { PrismaClient } from '@prisma/client';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** A PrismaClient on the embedded SQLite file, through the driver adapter (no Rust engine). */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const file = databaseUrl.replace(/^file:/, '');
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) });
}
