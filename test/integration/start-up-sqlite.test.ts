// Two example-host processes started together, as `npm start` starts them, on a fresh SQLite file
// and an empty data folder: both come up and serve, the database holds one seed, and both use the
// one pepper and session secret that were generated. SQLite only (scripts/run-tests.mjs runs it
// once); the PostgreSQL case is test/multihost/start-up.test.ts.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEEDED_SIGN_INS } from '../../example-app/src/seed.js';
import { ONE_SEED, signInWorks, startExamples, type StartedHost } from '../helpers/example-start.js';

describe('two hosts started together on a fresh SQLite file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-access-start-'));
  const file = path.join(dir, 'app.db');
  const env = { DATABASE_URL: `file:${file}`, DATA_DIR: path.join(dir, 'data'), API_ACCESS_PEPPER: '', SESSION_SECRET: '' };
  let hosts: StartedHost[] = [];

  before(async () => {
    hosts = await startExamples(2, env);
  });
  after(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('both answer /api/v1/health with 200, and sign-in works on each', async () => {
    for (const host of hosts) {
      const health = await fetch(`${host.base}/api/v1/health`);
      assert.equal(health.status, 200, host.output());
      assert.ok(await signInWorks(host.base), `sign-in on ${host.base}`);
    }
  });

  it('the database holds one seed, made by one of them', () => {
    const db = new Database(file, { readonly: true });
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      assert.deepEqual(
        {
          superAdmins: count(`SELECT count(*) AS n FROM "AdminUser" WHERE "role" = 'super_admin'`),
          admins: count(`SELECT count(*) AS n FROM "AdminUser" WHERE "role" = 'admin'`),
          roles: count('SELECT count(*) AS n FROM "ApiRole"'),
          tokens: count('SELECT count(*) AS n FROM "ApiToken"'),
        },
        ONE_SEED,
      );
    } finally {
      db.close();
    }
    assert.equal(hosts.filter((host) => host.output().includes('Seeded an empty database')).length, 1);
  });

  it('one pepper and one session secret were generated, and both hosts use them', async () => {
    assert.deepEqual(
      readdirSync(env.DATA_DIR)
        .filter((name) => !name.startsWith('outbox'))
        .sort(),
      ['api_access_pepper', 'session_secret'],
    );
    assert.equal(hosts.filter((host) => host.output().includes('No SESSION_SECRET set: generated one')).length, 1);
    // A session cookie signed by one host is accepted by the other: the same session secret.
    const login = await fetch(`${hosts[0]!.base}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: hosts[0]!.base },
      body: new URLSearchParams({ email: SEEDED_SIGN_INS[0].email, password: SEEDED_SIGN_INS[0].password }).toString(),
      redirect: 'manual',
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const other = await fetch(`${hosts[1]!.base}/admin/api/resources/ApiToken/actions/list`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(other.status, 200);
  });
});
