// The committed PostgreSQL migrations together must create exactly what the current models
// describe: someone who changes prisma/schema/*.prisma (and adds a SQLite migration) adds the
// PostgreSQL one beside it, written by `prisma migrate diff --from-schema-datamodel OLD
// --to-schema-datamodel NEW --script` over the PostgreSQL schemas that
//   node scripts/generate-postgresql.mjs --schema-only DIR
// writes of the models before and after the change. Migrations that add tables and indexes
// are compared statement by statement with the diff from an empty database, in any order.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { postgresMigrationSql } from '../helpers/postgres.js';

const root = path.resolve(import.meta.dirname, '..', '..');

/** The statements of a migration, each with its "-- CreateTable"-style comment, as Prisma writes them. */
function statements(sql: string): string[] {
  return sql.split(/\n\s*\n(?=-- )/).map((s) => s.trim()).filter((s) => s.length > 0);
}

it('the committed PostgreSQL migrations equal `prisma migrate diff` of the current schema', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-access-pg-schema-'));
  try {
    const write = spawnSync(process.execPath, ['scripts/generate-postgresql.mjs', '--schema-only', dir], { cwd: root, encoding: 'utf8' });
    assert.equal(write.status, 0, write.stderr);
    assert.match(readFileSync(path.join(dir, 'schema.prisma'), 'utf8'), /provider = "postgresql"/);
    const diff = spawnSync(
      process.execPath,
      ['node_modules/prisma/build/index.js', 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', dir, '--script'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(diff.status, 0, diff.stderr);
    const committed = postgresMigrationSql().flatMap(statements).sort();
    assert.deepEqual(
      committed,
      statements(diff.stdout).sort(),
      'prisma/migrations-postgresql is out of date: regenerate it (see the top of test/unit/postgres-migration.test.ts)',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
