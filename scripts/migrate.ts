// Applies the example host's migrations to DATABASE_URL, under the example host's start-up lock
// (example-app/src/startup-lock.ts), so that hosts starting together on one database apply each
// migration once and the others find nothing pending. SQLite (a file: URL, or none):
// `prisma migrate deploy`. PostgreSQL (postgres://): Prisma 6.19's JavaScript schema engine
// cannot migrate through @prisma/adapter-pg (prisma/prisma#27403: "Column type 'name' could not
// be deserialized"), and its Rust engine cannot be downloaded everywhere, so this applies
// prisma/migrations-postgresql itself, recording each in Prisma's own _prisma_migrations table
// (same columns and checksums), in one transaction that also holds an advisory lock of its own.
// A failure is told in one line, and the exit code is 1.
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { databaseUrl, isPostgresUrl } from '../example-app/src/database-url.js';
import { startFailure } from '../example-app/src/start-failure.js';
import { startupLock } from '../example-app/src/startup-lock.js';

interface PgClient {
  connect(): Promise<unknown>;
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}
const pg = createRequire(import.meta.url)('pg') as { Client: new (options: { connectionString: string }) => PgClient };
const log = (message: string) => console.log(`[migrate] ${message}`);

/** `prisma migrate deploy` on the SQLite file, its chatter kept back unless it fails. */
async function migrateSqlite(): Promise<void> {
  const result = spawnSync(process.execPath, [path.join('node_modules', 'prisma', 'build', 'index.js'), 'migrate', 'deploy'], { encoding: 'utf8' });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (result.status !== 0) {
    const reason =
      output
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => /error/i.test(line))
        .at(-1) ?? `prisma migrate deploy exited with ${result.status}`;
    throw new Error(reason);
  }
  log(/No pending migrations/.test(output) ? 'SQLite: no pending migrations.' : 'SQLite: applied the pending migrations.');
}

async function migratePostgres(url: string): Promise<void> {
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
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT "migration_name", "checksum" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL',
    );
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
      log(`applied ${m.name}`);
      count++;
    }
    await client.query('COMMIT');
    log(count === 0 ? 'PostgreSQL: no pending migrations.' : `PostgreSQL: applied ${count} migration(s).`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

try {
  const url = databaseUrl();
  await startupLock(url)(() => (isPostgresUrl(url) ? migratePostgres(url) : migrateSqlite()));
} catch (error) {
  console.error(`[migrate] Cannot migrate: ${startFailure(error)}`);
  process.exitCode = 1;
}
