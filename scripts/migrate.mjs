// Applies the example host's migrations to DATABASE_URL. SQLite (a file: URL, or none):
// `prisma migrate deploy`. PostgreSQL (postgres://): Prisma 6.19's JavaScript schema engine
// cannot migrate through @prisma/adapter-pg (prisma/prisma#27403: "Column type 'name' could not
// be deserialized"), and its Rust engine cannot be downloaded everywhere, so this applies
// prisma/migrations-postgresql itself, recording each in Prisma's own _prisma_migrations table
// (same columns and checksums), under an advisory lock so that hosts starting together apply it once.
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const url = process.env.DATABASE_URL ?? '';
if (!/^postgres(ql)?:\/\//.test(url)) {
  const result = spawnSync(process.execPath, [path.join('node_modules', 'prisma', 'build', 'index.js'), 'migrate', 'deploy'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const pg = createRequire(import.meta.url)('pg');
const dir = path.join('prisma', 'migrations-postgresql');
const migrations = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort()
  .map((name) => {
    const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
    return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });

const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await client.query('BEGIN');
  await client.query("SELECT pg_advisory_xact_lock(hashtext('adminjs-api-access migrations'))");
  await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
  const { rows } = await client.query('SELECT "migration_name", "checksum" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL');
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  let count = 0;
  for (const m of migrations) {
    if (applied.has(m.name)) {
      if (applied.get(m.name) !== m.checksum) console.warn(`[migrate] ${m.name} was changed after it was applied to this database.`);
      continue;
    }
    await client.query(m.sql);
    await client.query(
      'INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count") VALUES ($1, $2, now(), $3, 1)',
      [randomUUID(), m.checksum, m.name],
    );
    console.log(`[migrate] applied ${m.name}`);
    count++;
  }
  await client.query('COMMIT');
  console.log(count === 0 ? '[migrate] PostgreSQL: no pending migrations.' : `[migrate] PostgreSQL: applied ${count} migration(s).`);
} catch (error) {
  await client.query('ROLLBACK').catch(() => undefined);
  console.error(`[migrate] ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await client.end();
}
