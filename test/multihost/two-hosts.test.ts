// Two example-host processes on one PostgreSQL database (scripts/run-tests.mjs runs this tier
// against its throw-away cluster): revocation reaches the other host within 1 second, the
// active-token limit and rotation hold across processes, and a sign-in works on both hosts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { SEEDED_SIGN_INS } from '../../example-app/src/seed.js';
import { createPostgresDatabase, pg, testPostgresUrl, type PostgresDatabase } from '../helpers/postgres.js';

const cluster = testPostgresUrl();
const root = path.resolve(import.meta.dirname, '..', '..');

interface HostProcess {
  base: string;
  child: ChildProcess;
  stderr: string[];
}

async function startHost(url: string, seed: boolean): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('test', 'multihost', 'host-process.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, SEED: seed ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start in 60 s: ${stderr.join('')}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`host exited with ${code}: ${stderr.join('')}`)));
    lines.on('line', (line) => {
      try {
        const { port } = JSON.parse(line) as { port?: number };
        if (port) {
          clearTimeout(timer);
          resolve(port);
        }
      } catch {
        // other output
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

interface Issued {
  secret: string;
  token: { id: string; name: string };
}

async function op<T = Issued>(
  host: HostProcess,
  body: Record<string, unknown>,
): Promise<{ ok: true; result: T } | { ok: false; code: string; message: string }> {
  const res = await fetch(`${host.base}/__test/op`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as { ok: true; result: T } | { ok: false; code: string; message: string };
}

async function mustOp<T = Issued>(host: HostProcess, body: Record<string, unknown>): Promise<T> {
  const out = await op<T>(host, body);
  if (!out.ok) throw new Error(`${String(body.op)} failed: ${out.code} ${out.message}`);
  return out.result;
}

async function status(host: HostProcess, secret: string): Promise<number> {
  const res = await fetch(`${host.base}/api/v1/whoami`, { headers: { authorization: `Bearer ${secret}` } });
  await res.arrayBuffer();
  return res.status;
}

/** Polls until the host refuses the secret; returns how long that took after `since`. */
async function refusedWithin(host: HostProcess, secret: string, since: number, limitMs = 3_000): Promise<number> {
  for (;;) {
    const code = await status(host, secret);
    const elapsed = performance.now() - since;
    if (code === 401) return elapsed;
    assert.equal(code, 200, 'only 200 before the revocation arrives');
    if (elapsed > limitMs) return elapsed;
    await new Promise((r) => setTimeout(r, 10));
  }
}

let counter = 0;
let roleIds: string[] = [];
const tokenInput = (extra: Record<string, unknown> = {}) => ({
  name: `multi-host ${process.pid} ${++counter}`,
  expiry: { type: 'days', days: 30 },
  roleIds,
  ...extra,
});

describe('two host processes on one PostgreSQL database', () => {
  let db: PostgresDatabase;
  let a: HostProcess;
  let b: HostProcess;

  before(async () => {
    // This tier needs the cluster that scripts/run-tests.mjs starts: fail, never skip, without it.
    if (!cluster) throw new Error('No PostgreSQL cluster: run this tier through `npm test` (scripts/run-tests.mjs starts one).');
    db = await createPostgresDatabase(cluster);
    a = await startHost(db.url, true);
    b = await startHost(db.url, false);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      roleIds = (await client.query<{ id: string }>('SELECT "id" FROM "ApiRole" ORDER BY "name" LIMIT 1')).rows.map((r) => r.id);
    } finally {
      await client.end();
    }
    assert.equal(roleIds.length, 1, 'the seed made roles');
  });
  after(async () => {
    await Promise.all([stopHost(a), stopHost(b)]);
    await db?.remove();
  });

  for (const change of ['rotate', 'regenerate', 'disable', 'delete'] as const) {
    it(`a token ${change === 'delete' ? 'deleted' : change === 'disable' ? 'disabled' : `${change}d`} through host A is refused by host B within 1 second`, async (tc) => {
      const issued = await mustOp(a, { op: 'create', input: tokenInput() });
      // Host B verifies it and caches the verification (10 s by default): only the change feed can drop it sooner.
      assert.equal(await status(b, issued.secret), 200);
      assert.equal(await status(b, issued.secret), 200);
      const input = change === 'regenerate' ? { expiry: { type: 'days', days: 60 } } : change === 'rotate' ? {} : undefined;
      const since = performance.now();
      const result = await mustOp<Issued | null>(a, { op: change, id: issued.token.id, input });
      const elapsed = await refusedWithin(b, issued.secret, since);
      assert.ok(elapsed < 1_000, `host B still accepted the old secret ${Math.round(elapsed)} ms after the ${change}`);
      tc.diagnostic(`host B refused the old secret ${Math.round(elapsed)} ms after the ${change} was sent to host A`);
      assert.equal(await status(a, issued.secret), 401, 'host A refuses it too');
      if (result && 'secret' in result) {
        assert.equal(await status(b, result.secret), 200, 'the new secret works on host B');
        assert.equal(await status(a, result.secret), 200, 'and on host A');
        await mustOp<null>(a, { op: 'delete', id: issued.token.id }); // keeps the owner under the active-token limit
      }
    });
  }

  it('a host whose feed connection is cut drops its cached verifications, and hears changes again after reconnecting', async () => {
    const issued = await mustOp(a, { op: 'create', input: tokenInput() });
    assert.equal(await status(b, issued.secret), 200);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      // Every LISTEN connection on this database (both hosts' feeds) is terminated.
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
      );
      assert.ok((rows[0]?.n ?? 0) >= 2, `terminated ${rows[0]?.n} listening connections`);
      // Both feeds reconnect (backoff starts at 100 ms) and listen again.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows: listening } = await admin.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
        );
        if ((listening[0]?.n ?? 0) >= 2) break;
        assert.ok(Date.now() < deadline, 'the feeds reconnect within 10 s');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await admin.end();
    }
    assert.equal(await status(b, issued.secret), 200);
    const since = performance.now();
    await mustOp(a, { op: 'disable', id: issued.token.id });
    const elapsed = await refusedWithin(b, issued.secret, since);
    assert.ok(elapsed < 1_000, `after reconnecting, host B refused the disabled token only after ${Math.round(elapsed)} ms`);
  });

  it('concurrent creations through both hosts never exceed the active-token limit', async () => {
    const actor = await mustOp<{ id: string }>(a, { op: 'actor' });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const activeCount = async () =>
      (
        await admin.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM "ApiToken" WHERE "ownerId" = $1 AND "enabled" AND ("expiresAt" IS NULL OR "expiresAt" > now())',
          [actor.id],
        )
      ).rows[0]!.n;
    try {
      const before = await activeCount();
      const limit = 5; // the default policy's maxActiveTokensPerOwner
      assert.ok(before < limit, `the super admin has ${before} active tokens before`);
      const attempts = await Promise.all(Array.from({ length: 16 }, (_, i) => op(i % 2 === 0 ? a : b, { op: 'create', input: tokenInput() })));
      const created = attempts.filter((r) => r.ok).length;
      const refused = attempts.filter((r) => !r.ok);
      assert.equal(created, limit - before, `created ${created}; refusals: ${JSON.stringify(refused.slice(0, 2))}`);
      assert.ok(
        refused.every((r) => !r.ok && r.code === 'TOKEN_LIMIT_REACHED'),
        JSON.stringify(refused.find((r) => !r.ok && r.code !== 'TOKEN_LIMIT_REACHED')),
      );
      assert.equal(await activeCount(), limit);
    } finally {
      await admin.end();
    }
  });

  it('concurrent rotations of one token through both hosts leave exactly one valid secret', async () => {
    // One of the tokens the previous test created (rotation needs no free slot).
    const actor = await mustOp<{ id: string }>(a, { op: 'actor' });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    let tokenId: string;
    try {
      const { rows } = await admin.query<{ id: string }>(
        'SELECT "id" FROM "ApiToken" WHERE "ownerId" = $1 AND "name" LIKE $2 AND "enabled" ORDER BY "createdAt" LIMIT 1',
        [actor.id, 'multi-host%'],
      );
      tokenId = rows[0]!.id;
    } finally {
      await admin.end();
    }
    const rotations = await Promise.all(Array.from({ length: 10 }, (_, i) => mustOp(i % 2 === 0 ? a : b, { op: 'rotate', id: tokenId, input: {} })));
    const secrets = rotations.map((r) => r.secret);
    assert.equal(new Set(secrets).size, 10, 'each rotation issued its own secret');
    // Both hosts agree on which one secret is valid (the feed dropped every stale cache entry).
    await new Promise((r) => setTimeout(r, 200));
    for (const host of [a, b]) {
      const accepted: string[] = [];
      for (const secret of secrets) if ((await status(host, secret)) === 200) accepted.push(secret);
      assert.equal(accepted.length, 1, `host ${host === a ? 'A' : 'B'} accepts ${accepted.length} of the 10 secrets`);
    }
  });

  it('a sign-in on host A is a session on host B too (the session store on PostgreSQL)', async () => {
    const { email, password } = SEEDED_SIGN_INS[0];
    const login = await fetch(`${a.base}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password }).toString(),
      redirect: 'manual',
    });
    assert.equal(login.status, 302);
    const cookie = login.headers.get('set-cookie')?.split(';')[0];
    assert.ok(cookie, 'a session cookie');
    const rowCount = await (async () => {
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        return (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM "AdminSession"')).rows[0]!.n;
      } finally {
        await admin.end();
      }
    })();
    assert.ok(rowCount >= 1, 'the session is stored in PostgreSQL');
    for (const host of [a, b]) {
      const res: Response = await fetch(`${host.base}/admin/api/resources/ApiToken/actions/list`, { headers: { cookie }, redirect: 'manual' });
      assert.equal(res.status, 200, `host ${host === a ? 'A' : 'B'} knows the session`);
      const body = (await res.json()) as { records?: unknown[] };
      assert.ok(Array.isArray(body.records));
    }
    const anonymous = await fetch(`${b.base}/admin/api/resources/ApiToken/actions/list`, { redirect: 'manual' });
    assert.notEqual(anonymous.status, 200, 'without the cookie host B refuses');
  });
});
