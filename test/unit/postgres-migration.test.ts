// The committed PostgreSQL migrations must create exactly what the current models describe:
// someone who changes prisma/schema/*.prisma (and adds a SQLite migration) adds a PostgreSQL
// migration of the same change, written by
//   node node_modules/prisma/build/index.js migrate diff --from-schema-datamodel OLD --to-schema-datamodel NEW --script
// on the two PostgreSQL schemas (node scripts/generate-postgresql.mjs --schema-only DIR writes one).
// The generated migrations' statements together must equal `migrate diff --from-empty` of the
// current schema, in any order: a later migration's ADD COLUMN counts as part of its table's
// CREATE TABLE (columns in any order), a DROP INDEX takes back the index an earlier CREATE INDEX made, and data statements (UPDATE) change no schema and are left
// out. An ALTER COLUMN … TYPE BIGINT changes the column in its CREATE TABLE; on a SERIAL column,
// with the ALTER SEQUENCE … AS BIGINT of its sequence, it is Prisma's BIGSERIAL. A migration whose first line is HAND_WRITTEN changes what Prisma
// cannot express (a partitioned table): it is left out of the comparison, and its own test file
// checks what it does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { HAND_WRITTEN, postgresMigrationSql } from '../helpers/postgres.js';

/** Splits at the commas outside parentheses. */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(text.slice(start).trim());
  return items.filter(Boolean);
}

/**
 * The schema migration SQL leaves, as statements: comments dropped, whitespace folded, each
 * table's CREATE TABLE with the columns later statements ADD COLUMN to it and the types later
 * statements give them (its items sorted), data statements dropped; sorted.
 */
function statements(sql: string): string[] {
  const folded = sql
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .split(/;\s*\n/)
    .map((s) => s.replace(/\s+/g, ' ').replace(/;$/, '').trim())
    .filter(Boolean);
  const tables = new Map<string, string[]>();
  const serialSequences = new Set<string>();
  const rest: string[] = [];
  for (const statement of folded) {
    const create = /^CREATE TABLE ("[^"]+") \((.*)\)$/.exec(statement);
    const alter = /^ALTER TABLE ("[^"]+") (ADD COLUMN .*)$/.exec(statement);
    const added = alter ? topLevelItems(alter[2]!) : [];
    const dropIndex = /^DROP INDEX ("[^"]+")$/.exec(statement);
    const retype = /^ALTER TABLE ("[^"]+") ALTER COLUMN ("[^"]+") TYPE BIGINT$/.exec(statement);
    const items = retype ? tables.get(retype[1]!) : undefined;
    const column = items?.findIndex((item) => item.startsWith(`${retype![2]} `)) ?? -1;
    const widened = /^ALTER SEQUENCE ("[^"]+") AS BIGINT$/.exec(statement);
    if (items && column >= 0) {
      const serial = items[column]!.startsWith(`${retype![2]} SERIAL `);
      if (serial) serialSequences.add(`"${retype![1]!.slice(1, -1)}_${retype![2]!.slice(1, -1)}_seq"`);
      items[column] = items[column]!.replace(/^("[^"]+") (SERIAL|INTEGER) /, (_, column: string) => `${column} ${serial ? 'BIGSERIAL' : 'BIGINT'} `);
    } else if (widened && serialSequences.has(widened[1]!)) {
      // The sequence of a SERIAL column made BIGINT: part of its BIGSERIAL, above.
    } else if (dropIndex) {
      const at = rest.findIndex((s) => s.startsWith(`CREATE INDEX ${dropIndex[1]} `) || s.startsWith(`CREATE UNIQUE INDEX ${dropIndex[1]} `));
      if (at >= 0) rest.splice(at, 1);
      else rest.push(statement);
    } else if (create) tables.set(create[1]!, topLevelItems(create[2]!));
    else if (alter && tables.has(alter[1]!) && added.every((item) => item.startsWith('ADD COLUMN '))) {
      tables.get(alter[1]!)!.push(...added.map((item) => item.slice('ADD COLUMN '.length).trim()));
    } else if (!/^(UPDATE|INSERT|DELETE) /.test(statement)) rest.push(statement);
  }
  const creates = [...tables].map(([name, items]) => `CREATE TABLE ${name} (${items.sort().join(', ')})`);
  return [...creates, ...rest].sort();
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
