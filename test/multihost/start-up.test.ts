// Three example-host processes started at the same instant, as `npm start` starts them (the
// migration, then the host), on an empty PostgreSQL database (scripts/run-tests.mjs runs this tier
// against its throw-away cluster): every one comes up and serves, and the migrations and the seed
// happened once. The SQLite case is test/integration/start-up-sqlite.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ONE_SEED, signInWorks, startExamples, type StartedHost } from '../helpers/example-start.js';
import { createEmptyPostgresDatabase, type PostgresDatabase, queryPostgres, testPostgresUrl } from '../helpers/postgres.js';

const cluster = testPostgresUrl();
const HOSTS = 3;

const query = queryPostgres;

describe(`${HOSTS} hosts started at the same instant on an empty PostgreSQL database`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-access-start-'));
  let db: PostgresDatabase | undefined;
  let url = '';
  let hosts: StartedHost[] = [];

  before(async () => {
    // This tier needs the cluster that scripts/run-tests.mjs starts: fail, never skip, without it.
    if (!cluster) throw new Error('No PostgreSQL cluster: run this tier through `npm test` (scripts/run-tests.mjs starts one).');
    db = await createEmptyPostgresDatabase(cluster);
    url = db.url;
    const env = { DATABASE_URL: url, DATA_DIR: path.join(dir, 'data'), API_ACCESS_PEPPER: '', SESSION_SECRET: '' };
    hosts = await startExamples(HOSTS, env);
  });
  after(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await db?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every host answers /api/v1/health with 200, and sign-in works on each', async () => {
    assert.equal(hosts.length, HOSTS);
    for (const host of hosts) {
      const health = await fetch(`${host.base}/api/v1/health`);
      assert.equal(health.status, 200, host.output());
      assert.ok(await signInWorks(host.base), `sign-in on ${host.base}`);
    }
  });

  it('the database holds one seed, made by one of them', async () => {
    const [counts] = await query<Record<keyof typeof ONE_SEED, number>>(
      url,
      `SELECT (SELECT count(*)::int FROM "AdminUser" WHERE "role" = 'super_admin') AS "superAdmins",
              (SELECT count(*)::int FROM "AdminUser" WHERE "role" = 'admin') AS "admins",
              (SELECT count(*)::int FROM "ApiRole") AS "roles",
              (SELECT count(*)::int FROM "ApiToken") AS "tokens"`,
    );
    assert.deepEqual({ ...counts }, ONE_SEED);
    assert.equal(hosts.filter((host) => host.output().includes('Seeded an empty database')).length, 1);
  });

  it('each migration was applied once', async () => {
    const migrations = readdirSync(path.resolve(import.meta.dirname, '..', '..', 'prisma', 'migrations-postgresql'), { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    const rows = await query<{ migration_name: string; n: number }>(url, 'SELECT "migration_name", count(*)::int AS n FROM "_prisma_migrations" GROUP BY 1');
    assert.equal(rows.length, migrations.length);
    assert.ok(
      rows.every((row) => row.n === 1),
      JSON.stringify(rows),
    );
    assert.equal(hosts.filter((host) => /applied \d+ migration/.test(host.output())).length, 1);
  });

  it('one pepper and one session secret were generated for all of them', () => {
    assert.deepEqual(
      readdirSync(path.join(dir, 'data'))
        .filter((entry) => entry !== 'outbox')
        .sort(),
      ['api_access_pepper', 'session_secret'],
    );
    assert.equal(hosts.filter((host) => host.output().includes('No API_ACCESS_PEPPER set: generated one')).length, 1);
  });
});
