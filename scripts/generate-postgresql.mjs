// Generates a second Prisma client for PostgreSQL from the same models: Prisma ties a client to
// one provider, so the schema is copied into prisma/postgresql/schema/ (git-ignored) with only
// the datasource changed, and generated into node_modules/.prisma/client-postgresql.
// `--migration FILE` also writes the PostgreSQL migration SQL of the current schema to FILE;
// `--schema-only DIR` writes only the PostgreSQL schema, into DIR (the migration drift test uses it).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const source = path.join('prisma', 'schema');
const schemaOnly = process.argv.indexOf('--schema-only');
const target = schemaOnly > 0 ? process.argv[schemaOnly + 1] : path.join('prisma', 'postgresql', 'schema');
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const name of readdirSync(source).filter((f) => f.endsWith('.prisma'))) {
  let text = readFileSync(path.join(source, name), 'utf8');
  if (/datasource\s+db\s*\{/.test(text)) {
    text = text
      .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
      .replace(/url\s*=\s*"file:[^"]*"[^\n]*/, 'url      = "postgresql://unused" // the driver adapter is given the real URL at runtime')
      .replace(/(generator\s+client\s*\{)/, '$1\n  output          = "../../../node_modules/.prisma/client-postgresql"');
    if (!text.includes('provider = "postgresql"') || !text.includes('client-postgresql')) {
      console.error(`[generate-postgresql] could not rewrite the datasource/generator of ${name}`);
      process.exit(1);
    }
  }
  writeFileSync(path.join(target, name), text);
}

if (schemaOnly > 0) process.exit(0);
const prisma = path.join('node_modules', 'prisma', 'build', 'index.js');
const generated = spawnSync(process.execPath, [prisma, 'generate', '--schema', target], { stdio: ['ignore', 'ignore', 'inherit'] });
if (generated.status !== 0) process.exit(generated.status ?? 1);

const at = process.argv.indexOf('--migration');
if (at > 0) {
  const file = process.argv[at + 1];
  const diff = spawnSync(process.execPath, [prisma, 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', target, '--script'], { encoding: 'utf8' });
  if (diff.status !== 0) {
    process.stderr.write(diff.stderr);
    process.exit(diff.status ?? 1);
  }
  writeFileSync(file, diff.stdout);
}
