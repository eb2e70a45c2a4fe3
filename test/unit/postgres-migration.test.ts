// The committed PostgreSQL migration must create exactly what the current models describe:
// someone who changes prisma/schema/*.prisma (and the SQLite migration) must regenerate it with
//   node scripts/generate-postgresql.mjs --migration prisma/migrations-postgresql/20261123000000_init/migration.sql
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { postgresMigrationSql } from '../helpers/postgres.js';

const root = path.resolve(import.meta.dirname, '..', '..');

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
    const committed = postgresMigrationSql().join('\n');
    assert.equal(
      committed.trim(),
      diff.stdout.trim(),
      'prisma/migrations-postgresql is out of date: regenerate it (see the top of test/unit/postgres-migration.test.ts)',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
