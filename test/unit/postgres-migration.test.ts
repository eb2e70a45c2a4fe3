// The committed PostgreSQL migrations must create exactly what the current models describe:
// someone who changes prisma/schema/*.prisma (and adds a SQLite migration) adds a PostgreSQL
// migration of the same change, written by
//   node node_modules/prisma/build/index.js migrate diff --from-schema-datamodel OLD --to-schema-datamodel NEW --script
// on the two PostgreSQL schemas (node scripts/generate-postgresql.mjs --schema-only DIR writes one).
// The generated migrations' statements together must equal `migrate diff --from-empty` of the
// current schema, in any order. A migration whose first line is HAND_WRITTEN changes what Prisma
// cannot express (a partitioned table): it is left out of the comparison, and its own test file
// checks what it does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { HAND_WRITTEN, postgresMigrationSql } from '../helpers/postgres.js';

/** The statements of migration SQL, comments dropped, whitespace folded, sorted. */
function statements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .split(/;\s*\n/)
    .map((s) => s.replace(/\s+/g, ' ').replace(/;$/, '').trim())
    .filter(Boolean)
    .sort();
}

const root = path.resolve(import.meta.dirname, '..', '..');

it('the generated PostgreSQL migrations together equal `prisma migrate diff` of the current schema', () => {
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
    const committed = postgresMigrationSql().filter((sql) => !sql.startsWith(HAND_WRITTEN));
    assert.deepEqual(
      statements(committed.join(';\n')),
      statements(diff.stdout),
      'prisma/migrations-postgresql is out of date: regenerate it (see the top of test/unit/postgres-migration.test.ts)',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
