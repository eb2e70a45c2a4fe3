import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
  file: string;
  dir: string;
  remove(): void;
}

/** A fresh SQLite file in a temp folder with every migration applied. */
export function createTestDatabase(): TestDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-access-test-'));
  const file = path.join(dir, 'test.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const sql of migrationSql()) db.exec(sql);
  db.close();
  return { url: `file:${file}`, file, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
