import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresDatabase, testPostgresUrl } from './postgres.js';

const migrationsDir = path.resolve(import.meta.dirname, '..', '..', 'prisma', 'migrations');

/** The project's real migrations, in order: the same SQL `prisma migrate deploy` applies. */
export function migrationSql(): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8'));
}

export interface TestDatabase {
  url: string;
  /** The SQLite file ('' on PostgreSQL). */
  file: string;
  dir: string;
  provider?: 'sqlite' | 'postgres';
  remove(): void | Promise<void>;
}

/** A fresh SQLite file in a temp folder with every migration applied. */
export function createTestDatabase(): TestDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-access-test-'));
  const file = path.join(dir, 'test.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const sql of migrationSql()) db.exec(sql);
  db.close();
  return { url: `file:${file}`, file, dir, provider: 'sqlite', remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The database the tests run on: a fresh PostgreSQL database in the PostgreSQL run (TEST_DATABASE=postgres), else SQLite. */
export async function createHostDatabase(): Promise<TestDatabase> {
  const cluster = testPostgresUrl();
  if (!cluster) return createTestDatabase();
  const db = await createPostgresDatabase(cluster);
  return { url: db.url, file: '', dir: '', provider: 'postgres', remove: () => db.remove() };
}

/** True in the PostgreSQL run of the test suite. */
export const onPostgres = (): boolean => testPostgresUrl() !== undefined;

/** Raw-SQL access the provider-aware helpers need (a PrismaClient of either provider). */
interface RawClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Names of every table of the test database (sqlite_master on SQLite, information_schema on PostgreSQL). */
export async function listTables(prisma: RawClient): Promise<string[]> {
  const rows = onPostgres()
    ? await prisma.$queryRawUnsafe<{ name: string }[]>(
        "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
      )
    : await prisma.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  return rows.map((r) => r.name);
}

/**
 * Every file the database's data lives in, for scans of the raw bytes: the SQLite file and its
 * journals; on PostgreSQL, after a checkpoint, the database's folder of the test cluster and the
 * cluster's write-ahead log (TEST_POSTGRES_DIR, set by scripts/run-tests.mjs).
 */
export async function rawDatabaseFiles(db: TestDatabase, prisma: RawClient): Promise<string[]> {
  if (db.provider !== 'postgres') return [db.file, `${db.file}-wal`, `${db.file}-shm`, `${db.file}-journal`];
  const clusterDir = process.env.TEST_POSTGRES_DIR;
  if (!clusterDir) throw new Error('TEST_POSTGRES_DIR is not set: scripts/run-tests.mjs sets it with the cluster URL.');
  await prisma.$executeRawUnsafe('CHECKPOINT');
  const [row] = await prisma.$queryRawUnsafe<{ oid: number | string }[]>('SELECT oid::int AS oid FROM pg_database WHERE datname = current_database()');
  const dirs = [path.join(clusterDir, 'data', 'base', String(row!.oid)), path.join(clusterDir, 'data', 'pg_wal')];
  return dirs.flatMap((dir) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(dir, e.name)),
  );
}
