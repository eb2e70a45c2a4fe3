import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** The parts of node-postgres the tests use (pg has no bundled types, and @types/pg is not installed). */
export interface PgClient {
  connect(): Promise<unknown>;
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  end(): Promise<void>;
}
export const pg = createRequire(import.meta.url)('pg') as { Client: new (options: { connectionString: string }) => PgClient };

/** One statement on a connection of its own, for tests that look at a database from outside the host. */
export async function queryPostgres<R = Record<string, unknown>>(url: string, sql: string, values?: unknown[]): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const migrationsDir = path.resolve(import.meta.dirname, '..', '..', 'prisma', 'migrations-postgresql');

/** The first line of a PostgreSQL migration written by hand (see test/unit/postgres-migration.test.ts). */
export const HAND_WRITTEN = '-- Written by hand';

/** The project's PostgreSQL migrations, in order: the same SQL `prisma migrate deploy` applies. */
export function postgresMigrationSql(): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8'));
}

/**
 * The cluster scripts/run-tests.mjs started for the PostgreSQL run (TEST_DATABASE=postgres,
 * TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/postgres), or undefined on SQLite.
 */
export function testPostgresUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEST_DATABASE !== 'postgres') return undefined;
  if (!env.TEST_POSTGRES_URL) throw new Error('TEST_DATABASE=postgres needs TEST_POSTGRES_URL (scripts/run-tests.mjs sets both).');
  return env.TEST_POSTGRES_URL;
}

/** An empty database on the test cluster (no migration applied), for hosts that migrate it themselves as `npm start` does. */
export async function createEmptyPostgresDatabase(clusterUrl: string): Promise<PostgresDatabase> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  await queryPostgres(clusterUrl, `CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(clusterUrl, name),
    name,
    remove: async () => void (await queryPostgres(clusterUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

function withDatabase(clusterUrl: string, database: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface PostgresDatabase {
  url: string;
  name: string;
  remove(): Promise<void>;
}

/** A fresh database on the test cluster with every PostgreSQL migration applied. */
export async function createPostgresDatabase(clusterUrl: string): Promise<PostgresDatabase> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(clusterUrl, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of postgresMigrationSql()) await client.query(sql);
  } finally {
    await client.end();
  }
  return {
    url,
    name,
    async remove() {
      const admin = new pg.Client({ connectionString: clusterUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
