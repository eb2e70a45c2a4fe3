// A graceful shutdown in the middle of traffic loses no request-log row and no usage count: the
// example host, started as `npm start` starts it on an empty database (SQLite here, PostgreSQL in
// the PostgreSQL run), takes requests from twenty clients at once and gets SIGTERM while they are
// still sending. Once it has exited, every answered request has its row, and the usage rollups (per
// token and day, and per day) count exactly the rows there are: rows and counts are written in one
// transaction, and the last batch and the requests cut short (499) are written before the exit.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OUTCOMES } from '../../src/core/usage/columns.js';
import { signInSuperAdmin, startExample, type StartedHost } from '../helpers/example-start.js';
import { createEmptyPostgresDatabase, queryPostgres, testPostgresUrl } from '../helpers/postgres.js';

const CLIENTS = 20;
/** Answers before the SIGTERM. */
const BEFORE_STOP = 1_500;

interface EmptyDatabase {
  url: string;
  query<R>(sql: string): Promise<R[]>;
  remove(): Promise<void>;
}

/** An empty database, which the host migrates and seeds at start-up as `npm start` does. */
async function emptyDatabase(dir: string): Promise<EmptyDatabase> {
  const cluster = testPostgresUrl();
  if (!cluster) {
    const file = path.join(dir, 'app.db');
    return {
      url: `file:${file}`,
      async query<R>(sql: string) {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare(sql).all() as R[];
        } finally {
          db.close();
        }
      },
      remove: async () => undefined,
    };
  }
  const db = await createEmptyPostgresDatabase(cluster);
  return { url: db.url, query: <R>(sql: string) => queryPostgres<R>(db.url, sql), remove: db.remove };
}

/** Issues a token for the sample API's vault route, through the panel as the seeded super admin. */
async function issueToken(base: string, roleId: string): Promise<string> {
  const cookie = await signInSuperAdmin(base);
  assert.ok(cookie, 'signed in');
  const created = await fetch(`${base}/admin/api/resources/ApiToken/actions/new`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, cookie },
    body: JSON.stringify({ name: 'Shutdown load', roleIds: [roleId], expiry: { type: 'days', days: 30 } }),
  });
  const body = (await created.json()) as { secret?: string; notice?: { message: string } };
  assert.equal(typeof body.secret, 'string', `token issued: ${JSON.stringify(body.notice)}`);
  return body.secret!;
}

describe('request logs and usage counts across a SIGTERM in the middle of traffic', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-access-shutdown-'));
  let db: EmptyDatabase;
  let host: StartedHost;
  const answered = new Map<number, number>();
  let exitCode: number | null = null;

  before(async () => {
    db = await emptyDatabase(dir);
    host = await startExample({ DATABASE_URL: db.url, DATA_DIR: path.join(dir, 'data'), API_ACCESS_PEPPER: '', SESSION_SECRET: '' });
    const [role] = await db.query<{ id: string }>(`SELECT "id" FROM "ApiRole" WHERE "name" = 'Vault Summary'`);
    const secret = await issueToken(host.base, role!.id);

    let total = 0;
    let stopSent = false;
    const exited = once(host.child, 'exit');
    const client = async () => {
      // Until the host stops answering: the connection refused or cut is the end of this client.
      for (;;) {
        try {
          const res = await fetch(`${host.base}/api/v1/vaults`, { headers: { authorization: `Bearer ${secret}` } });
          await res.arrayBuffer();
          answered.set(res.status, (answered.get(res.status) ?? 0) + 1);
        } catch {
          // Refused (the host no longer listens) or cut short (the host closed the connection).
          if (stopSent) return;
          continue;
        }
        if (++total === BEFORE_STOP && !stopSent) {
          stopSent = true;
          host.child.kill('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    [exitCode] = (await exited) as [number | null];
  });
  after(async () => {
    await host?.stop();
    await db?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the host stopped cleanly after writing what it had', () => {
    assert.equal(exitCode, 0, host.output());
    assert.match(host.output(), /Stopped\./);
    assert.ok((answered.get(200) ?? 0) >= BEFORE_STOP, `answers before the stop: ${JSON.stringify([...answered])}`);
  });

  it('every answered request has its row', async () => {
    const rows = await db.query<{ status: number; n: number | string }>(`SELECT "status", COUNT(*) AS n FROM "ApiRequestLog" GROUP BY "status"`);
    const byStatus = new Map(rows.map((r) => [Number(r.status), Number(r.n)]));
    for (const [status, count] of answered)
      assert.ok((byStatus.get(status) ?? 0) >= count, `${count} answered ${status}, rows: ${JSON.stringify([...byStatus])}`);
    const cut = byStatus.get(499) ?? 0;
    assert.deepEqual(
      [...byStatus.keys()].filter((s) => s !== 200 && s !== 499),
      [],
      'no other status',
    );
    assert.ok(cut <= CLIENTS, `at most one request per client was cut short (${cut})`);
  });

  it('the usage rollups count exactly the rows there are, per token and day and per day', async () => {
    const sum = OUTCOMES.map((c) => `SUM("${c}")`).join(' + ');
    const [{ rows }] = (await db.query<{ rows: number | string }>(`SELECT COUNT(*) AS rows FROM "ApiRequestLog"`)) as [{ rows: number | string }];
    const [{ n: perToken }] = (await db.query<{ n: number | string | null }>(`SELECT ${sum} AS n FROM "ApiTokenUsageDay"`)) as [{ n: number | string | null }];
    const [{ n: perDay }] = (await db.query<{ n: number | string | null }>(`SELECT ${sum} AS n FROM "ApiUsageDay"`)) as [{ n: number | string | null }];
    assert.ok(Number(rows) >= BEFORE_STOP);
    assert.equal(Number(perToken), Number(rows), 'per token and day');
    assert.equal(Number(perDay), Number(rows), 'per day');
  });
});
