// A leaked token reported to one host is refused by every host within the change feed's bound:
// two example-host processes on one PostgreSQL database (scripts/run-tests.mjs runs this tier
// against its throw-away cluster), a signed report from a stand-in for GitHub sent to host A,
// host B refusing the token within 1 second; the same report sent to both hosts at once is
// handled once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { LEAK_REPORT_PATH } from '../../example-app/src/app.js';
import { signReport, TestKeyServer } from '../helpers/github-keys.js';
import { createPostgresDatabase, pg, testPostgresUrl, type PostgresDatabase } from '../helpers/postgres.js';

const cluster = testPostgresUrl();
const root = path.resolve(import.meta.dirname, '..', '..');

interface HostProcess {
  base: string;
  child: ChildProcess;
  stderr: string[];
}

async function startHost(url: string, seed: boolean, keysUrl: string): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('test', 'multihost', 'host-process.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, SEED: seed ? '1' : '0', LEAK_KEYS_URL: keysUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    // Generous: on a loaded machine loading the host through tsx alone takes tens of seconds.
    const timer = setTimeout(() => reject(new Error(`host did not start in 180 s: ${stderr.join('')}`)), 180_000);
    child.once('exit', (code) => reject(new Error(`host exited with ${code}: ${stderr.join('')}`)));
    lines.on('line', (line) => {
      const port = /^\{"port":(\d+)\}$/.exec(line)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    });
  });
  return { base: `http://127.0.0.1:${port}`, child, stderr };
}

async function stopHost(host: HostProcess | undefined): Promise<void> {
  if (!host || host.child.exitCode !== null) return;
  host.child.kill('SIGTERM');
  await Promise.race([once(host.child, 'exit'), new Promise((r) => setTimeout(r, 10_000))]);
  if (host.child.exitCode === null) host.child.kill('SIGKILL');
}

async function create(host: HostProcess, name: string, roleIds: string[]): Promise<{ secret: string; token: { id: string } }> {
  const res = await fetch(`${host.base}/__test/op`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ op: 'create', input: { name, roleIds, expiry: { type: 'days', days: 30 } } }),
  });
  const out = (await res.json()) as { ok: boolean; result: { secret: string; token: { id: string } }; message?: string };
  if (!out.ok) throw new Error(`create failed: ${out.message}`);
  return out.result;
}

async function status(host: HostProcess, secret: string): Promise<number> {
  const res = await fetch(`${host.base}/api/v1/whoami`, { headers: { authorization: `Bearer ${secret}` } });
  await res.arrayBuffer();
  return res.status;
}

describe('leak reports across two host processes on one PostgreSQL database', { timeout: 600_000 }, () => {
  let db: PostgresDatabase;
  let keys: TestKeyServer;
  let a: HostProcess;
  let b: HostProcess;
  let roleIds: string[] = [];
  let admin: InstanceType<typeof pg.Client>;

  before(async () => {
    if (!cluster) throw new Error('No PostgreSQL cluster: run this tier through `npm test` (scripts/run-tests.mjs starts one).');
    db = await createPostgresDatabase(cluster);
    keys = await TestKeyServer.start();
    [a, b] = await Promise.all([startHost(db.url, true, keys.url), startHost(db.url, false, keys.url)]);
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    // Host A seeds the database once it listens; B only reads it.
    roleIds = (await admin.query<{ id: string }>('SELECT "id" FROM "ApiRole" ORDER BY "name" LIMIT 1')).rows.map((r) => r.id);
    // Room under the seeded owner's active-token limit.
    await admin.query('DELETE FROM "ApiToken"');
  });
  after(async () => {
    await admin?.end();
    await Promise.all([stopHost(a), stopHost(b)]);
    await keys?.stop();
    await db?.remove();
  });

  const report = (host: HostProcess, secret: string) => {
    const body = JSON.stringify([{ token: secret, type: 'aat_api_token', url: 'https://github.com/octo/leak/blob/1/app.env', source: 'content' }]);
    return fetch(`${host.base}${LEAK_REPORT_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'github-public-key-identifier': keys.current.id,
        'github-public-key-signature': signReport(body, keys.current),
      },
      body,
    });
  };

  it('a token reported to host A is refused by host B within 1 second', async (tc) => {
    const issued = await create(a, `leaked across hosts ${process.pid}`, roleIds);
    // Host B verifies it and caches the verification (10 s by default): only the change feed can drop it sooner.
    assert.equal(await status(b, issued.secret), 200);
    assert.equal(await status(b, issued.secret), 200);
    const since = performance.now();
    const res = await report(a, issued.secret);
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(
      ((await res.json()) as Array<{ label: string }>).map((f) => f.label),
      ['true_positive'],
    );
    let elapsed = 0;
    for (;;) {
      const code = await status(b, issued.secret);
      elapsed = performance.now() - since;
      if (code === 401) break;
      assert.equal(code, 200);
      assert.ok(elapsed < 3_000, 'host B never refused it');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(elapsed < 1_000, `host B still accepted the reported token ${Math.round(elapsed)} ms after the report was sent to host A`);
    tc.diagnostic(`host B refused the reported token ${Math.round(elapsed)} ms after the report was sent to host A`);
    assert.equal(await status(a, issued.secret), 401);
  });

  it('one report sent to both hosts at once is handled once', async () => {
    const issued = await create(a, `reported to both ${process.pid}`, roleIds);
    const answers = await Promise.all([report(a, issued.secret), report(b, issued.secret), report(a, issued.secret), report(b, issued.secret)]);
    for (const answer of answers) {
      assert.equal(answer.status, 200, await answer.clone().text());
      assert.deepEqual(
        ((await answer.json()) as Array<{ label: string }>).map((f) => f.label),
        ['true_positive'],
      );
    }
    const count = async (sql: string) => (await admin.query<{ n: number }>(sql, [issued.token.id])).rows[0]!.n;
    assert.equal(await count('SELECT count(*)::int AS n FROM "ApiTokenLeakReport" WHERE "tokenId" = $1'), 1);
    assert.equal(await count(`SELECT count(*)::int AS n FROM "ApiAuditEvent" WHERE "tokenId" = $1 AND "action" = 'token.reported_leaked'`), 1);
    assert.equal(await status(b, issued.secret), 401);
    assert.equal(await status(a, issued.secret), 401);
  });
});
