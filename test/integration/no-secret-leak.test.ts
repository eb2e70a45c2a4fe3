// A plaintext token secret leaves the plugin exactly once, as the return value of the call that
// issued it, and its keyed hash lives only in ApiToken.secretHash / previousSecretHash. This file
// issues secrets every way there is, uses them (and fails to use them) over real HTTP, signs in to
// the admin, then searches every table, the raw database files, every log line, everything written
// to the console and every HTTP response for any secret or hash. No mocks: two real example hosts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { format } from 'node:util';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import { hashToken } from '../../src/core/hashing.js';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';
import { listTables, rawDatabaseFiles } from '../helpers/database.js';

/** A secret (or hash) and every long-enough piece of it, so that a truncated copy is found too. */
interface Needle {
  label: string;
  value: string;
  pieces: string[];
  /** The one HTTP response allowed to hold this secret: the admin action that issued it. */
  revealedIn?: string;
}

/** Secrets: any 10 consecutive characters. The last four are shown on purpose; 10 random base62 chars are not. */
const SECRET_PIECE = 10;
/** Hashes: any 16 consecutive hex digits (64 bits). */
const HASH_PIECE = 16;

function needle(label: string, value: string, pieceLength: number): Needle {
  const pieces: string[] = [];
  for (let i = 0; i + pieceLength <= value.length; i++) pieces.push(value.slice(i, i + pieceLength));
  return { label, value, pieces };
}

function found(haystack: string, n: Needle): boolean {
  return n.pieces.some((piece) => haystack.includes(piece));
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  return (
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)) ??
    String(value)
  );
}

/** Everything written to the console or to stdout/stderr while it is on; still passed through. */
class OutputCapture {
  readonly chunks: string[] = [];
  private restore: (() => void)[] = [];

  start(): void {
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    for (const method of methods) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        this.chunks.push(format(...args));
        original.apply(console, args);
      };
      this.restore.push(() => (console[method] = original));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.chunks.push(typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk));
        return (original as (...a: unknown[]) => boolean).apply(stream, [chunk, ...rest]);
      }) as typeof stream.write;
      this.restore.push(() => (stream.write = original));
    }
  }

  stop(): void {
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
  }
}

interface TableRow {
  db: string;
  table: string;
  row: Record<string, unknown>;
}

async function dumpAllTables(name: string, t: TestHost): Promise<TableRow[]> {
  const tables = await listTables(t.host.prisma);
  const out: TableRow[] = [];
  for (const table of tables) {
    const rows = await t.host.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table.replaceAll('"', '""')}"`);
    for (const row of rows) out.push({ db: name, table, row });
  }
  return out;
}

describe('no secret leaks', () => {
  const capture = new OutputCapture();
  /** The default host, and one whose edit policy issues a new secret on every edit. */
  let a: TestHost;
  let b: TestHost;
  const secrets: Needle[] = [];
  const hashes: Needle[] = [];
  /** Every HTTP response of this file, with what was asked. */
  const responses: { label: string; res: supertest.Response }[] = [];
  /** Token views returned by the service in-process, i.e. what admin screens render. */
  const views: unknown[] = [];
  /** Hashes that must still be stored, as the current or grace-period secret. */
  const expectStored: { secretHash: Needle[]; previousSecretHash: Needle[]; nowhere: Needle[] } = { secretHash: [], previousSecretHash: [], nowhere: [] };

  function remember(label: string, secret: string, revealedIn?: string): Needle {
    const s = { ...needle(label, secret, SECRET_PIECE), ...(revealedIn ? { revealedIn } : {}) };
    const h = needle(`hash of ${label}`, hashToken(TEST_PEPPER, secret), HASH_PIECE);
    secrets.push(s);
    hashes.push(h);
    return h;
  }

  async function call(label: string, request: supertest.Test, status: number): Promise<supertest.Response> {
    const res = await request;
    responses.push({ label, res });
    assert.equal(res.status, status, label);
    return res;
  }

  function use(t: TestHost, label: string, path: string, secret: string, status: number): Promise<supertest.Response> {
    return call(label, t.request.get(path).set('Authorization', `Bearer ${secret}`).set('User-Agent', 'no-secret-leak-test'), status);
  }

  async function signIn(t: TestHost, label: string): Promise<supertest.Agent> {
    const agent = supertest.agent(t.host.app);
    await call(`${label}: login page`, agent.get('/admin/login'), 200);
    await call(`${label}: sign in`, agent.post('/admin/login').type('form').send({ email: 'super@example.com', password: 'super-admin-demo' }), 302);
    return agent;
  }

  /** Every admin screen's data that can show a token, a request log or an audit event. */
  async function browseAdmin(t: TestHost, label: string): Promise<void> {
    const agent = await signIn(t, label);
    await call(`${label}: admin home`, agent.get('/admin'), 200);
    const users = await call(`${label}: AdminUser list`, agent.get('/admin/api/resources/AdminUser/actions/list'), 200);
    assert.equal(users.body.records.length, 2);
    const api = '/admin/api/resources';
    const tokens = await call(`${label}: token list`, agent.get(`${api}/ApiToken/actions/list?perPage=500`), 200);
    assert.ok(tokens.body.records.length >= 3);
    await call(`${label}: token search`, agent.get(`${api}/ApiToken/actions/search/leak`), 200);
    for (const record of tokens.body.records as { id: string }[]) {
      await call(`${label}: token show ${record.id}`, agent.get(`${api}/ApiToken/records/${record.id}/show`), 200);
      for (const action of ['edit', 'rotate', 'regenerate']) {
        await call(`${label}: token ${action} form ${record.id}`, agent.get(`${api}/ApiToken/records/${record.id}/${action}`), 200);
      }
    }
    await call(`${label}: new token form`, agent.get(`${api}/ApiToken/actions/new`), 200);
    const logs = await call(`${label}: request-log list`, agent.get(`${api}/ApiRequestLog/actions/list?perPage=500`), 200);
    assert.ok(logs.body.records.length > 0);
    const audits = await call(`${label}: audit list`, agent.get(`${api}/ApiAuditEvent/actions/list?perPage=500`), 200);
    assert.ok(audits.body.records.length > 0);
    for (const record of audits.body.records as { id: string }[]) {
      await call(`${label}: audit show ${record.id}`, agent.get(`${api}/ApiAuditEvent/records/${record.id}/show`), 200);
    }
    await call(`${label}: role list`, agent.get(`${api}/ApiRole/actions/list`), 200);
    await call(`${label}: grant list`, agent.get(`${api}/ApiTokenAdminGrant/actions/list`), 200);
    // A refused create: the error response must not echo anything secret either.
    const refused = await call(
      `${label}: invalid create`,
      agent.post(`${api}/ApiToken/actions/new`).send({ name: '', roleIds: [], expiry: { type: 'days', days: 3 } }),
      200,
    );
    assert.equal(refused.body.notice?.type, 'error');
  }

  before(async () => {
    capture.start();
    console.debug('[no-secret-leak] output capture is on');
    a = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 100 } } });
    b = await startTestHost({ apiAccess: { policy: { editPolicy: 'invalidate-secret', maxActiveTokensPerOwner: 100 } } });
  });
  after(async () => {
    capture.stop();
    await a?.host.prisma.$executeRawUnsafe('ALTER TABLE "ApiToken_gone" RENAME TO "ApiToken"').catch(() => undefined);
    await a?.close();
    await b?.close();
  });

  it('issues secrets by create, rotate, regenerate and edit, and uses them, successfully and not', async () => {
    const svc = a.host.apiAccess.service;
    const base = { roleIds: [a.roles.vaultSummary], expiry: { type: 'days', days: 30 } };

    // create, then use: allowed, wrong scope, and with the secret (wrongly) in the query string too.
    const t1 = await svc.create(a.superAdmin, { ...base, name: 'leak t1', description: 'first', tags: ['leak'] });
    views.push(t1.token);
    const h1 = remember('create t1', t1.secret);
    await use(a, 't1 vaults', '/api/v1/vaults', t1.secret, 200);
    await use(a, 't1 whoami', '/api/v1/whoami', t1.secret, 200);
    await use(a, 't1 wrong scope', '/api/v1/onboarding', t1.secret, 403);
    await use(a, 't1 secret also in the query string', `/api/v1/whoami?access_token=${t1.secret}`, t1.secret, 200);
    await call('t1 only in the query string', a.request.get(`/api/v1/vaults?access_token=${t1.secret}`), 401);

    // rotate without grace: t1's first secret is gone for good.
    const r1 = await svc.rotate(a.superAdmin, t1.token.id, { graceSeconds: 0 });
    views.push(r1.token);
    const h2 = remember('rotate t1 (no grace)', r1.secret);
    expectStored.nowhere.push(h1);
    await use(a, 't1 old secret after rotation', '/api/v1/vaults', t1.secret, 401);
    await use(a, 't1 rotated secret', '/api/v1/vaults', r1.secret, 200);

    // rotate with grace: the previous secret works a while longer, so its hash is kept.
    const r2 = await svc.rotate(a.superAdmin, t1.token.id, { graceSeconds: 3_600 });
    views.push(r2.token);
    const h3 = remember('rotate t1 (grace)', r2.secret);
    expectStored.previousSecretHash.push(h2);
    expectStored.secretHash.push(h3);
    await use(a, 't1 grace secret', '/api/v1/vaults', r1.secret, 200);
    await use(a, 't1 current secret', '/api/v1/whoami', r2.secret, 200);

    // regenerate
    const t2 = await svc.create(a.superAdmin, { ...base, name: 'leak t2' });
    views.push(t2.token);
    const h4 = remember('create t2', t2.secret);
    await use(a, 't2 vaults', '/api/v1/vaults', t2.secret, 200);
    const g2 = await svc.regenerate(a.superAdmin, t2.token.id, { expiry: { type: 'days', days: 90 } });
    views.push(g2.token);
    expectStored.nowhere.push(h4);
    expectStored.secretHash.push(remember('regenerate t2', g2.secret));
    await use(a, 't2 old secret after regeneration', '/api/v1/vaults', t2.secret, 401);
    await use(a, 't2 regenerated secret', '/api/v1/vaults', g2.secret, 200);

    // disabled, a mistyped copy, then deleted.
    const t3 = await svc.create(a.superAdmin, { ...base, name: 'leak t3', roleIds: [a.roles.onboarding] });
    views.push(t3.token);
    expectStored.nowhere.push(remember('create t3', t3.secret));
    await use(a, 't3 onboarding', '/api/v1/onboarding', t3.secret, 200);
    await use(a, 't3 wrong scope', '/api/v1/vaults', t3.secret, 403);
    views.push(await svc.disable(a.superAdmin, t3.token.id));
    await use(a, 't3 disabled', '/api/v1/onboarding', t3.secret, 401);
    await use(a, 't3 mistyped', '/api/v1/onboarding', `${t3.secret.slice(0, -1)}${t3.secret.endsWith('A') ? 'B' : 'A'}`, 401);
    await svc.delete(a.superAdmin, t3.token.id);
    await use(a, 't3 deleted', '/api/v1/onboarding', t3.secret, 401);

    // An IP allow-list refusal.
    const t4 = await svc.create(a.superAdmin, { ...base, name: 'leak t4', allowedIps: ['10.0.0.0/8'] });
    views.push(t4.token);
    expectStored.secretHash.push(remember('create t4', t4.secret));
    await use(a, 't4 outside its allow-list', '/api/v1/vaults', t4.secret, 403);

    // The store unreachable while a never-cached secret is presented: the failure path logs nothing secret.
    const t5 = await svc.create(a.superAdmin, { ...base, name: 'leak t5' });
    views.push(t5.token);
    expectStored.secretHash.push(remember('create t5', t5.secret));
    // t1's current secret verified just before the store goes, so that it is in the cache then.
    await use(a, 't1 current secret, before the store goes', '/api/v1/vaults', r2.secret, 200);
    await a.host.prisma.$executeRawUnsafe('ALTER TABLE "ApiToken" RENAME TO "ApiToken_gone"');
    try {
      await use(a, 't5 while the store is gone', '/api/v1/vaults', t5.secret, 503);
      // A secret verified moments ago is served from the cache; its last-used write then fails and is logged.
      await use(a, 't1 cached while the store is gone', '/api/v1/vaults', r2.secret, 200);
      // Let a last-used flush fail and log (every 100 ms; a loaded machine or PostgreSQL may take longer than one interval).
      for (let waited = 0; waited < 250 || (a.logger.lines.length === 0 && waited < 5_000); waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await a.host.prisma.$executeRawUnsafe('ALTER TABLE "ApiToken_gone" RENAME TO "ApiToken"');
    }
    await use(a, 't5 after recovery', '/api/v1/vaults', t5.secret, 200);

    // Expired.
    const t6 = await svc.create(a.superAdmin, {
      ...base,
      name: 'leak t6',
      expiry: { type: 'date', date: new Date(a.clock.now().getTime() + 7 * 86_400_000).toISOString() },
    });
    views.push(t6.token);
    expectStored.secretHash.push(remember('create t6', t6.secret));
    await use(a, 't6 vaults', '/api/v1/vaults', t6.secret, 200);
    a.clock.advanceDays(8);
    await use(a, 't6 expired', '/api/v1/vaults', t6.secret, 401);

    // Edits under "invalidate-secret" issue a new secret each time.
    const bs = b.host.apiAccess.service;
    const u1 = await bs.create(b.superAdmin, { ...base, roleIds: [b.roles.vaultSummary], name: 'leak u1' });
    views.push(u1.token);
    const k1 = remember('create u1 (host b)', u1.secret);
    await use(b, 'u1 vaults', '/api/v1/vaults', u1.secret, 200);
    const e1 = await bs.edit(b.superAdmin, u1.token.id, { description: 'edited once' });
    views.push(e1.token);
    assert.ok(e1.secret, 'invalidate-secret returns a new secret');
    const k2 = remember('edit u1 (invalidate-secret)', e1.secret);
    expectStored.nowhere.push(k1);
    await use(b, 'u1 secret before the edit', '/api/v1/vaults', u1.secret, 401);
    await use(b, 'u1 secret after the edit', '/api/v1/vaults', e1.secret, 200);
    const e2 = await bs.edit(b.superAdmin, u1.token.id, { tags: ['edited'], roleIds: [b.roles.vaultSummary, b.roles.securityAudit] });
    views.push(e2.token);
    assert.ok(e2.secret);
    const k3 = remember('second edit u1 (invalidate-secret)', e2.secret);
    expectStored.nowhere.push(k2);
    await use(b, 'u1 security audit after the second edit', '/api/v1/security-audit', e2.secret, 200);
    const r3 = await bs.rotate(b.superAdmin, u1.token.id, { graceSeconds: 86_400 });
    views.push(r3.token);
    expectStored.previousSecretHash.push(k3);
    expectStored.secretHash.push(remember('rotate u1 (grace, host b)', r3.secret));
    await use(b, 'u1 grace secret', '/api/v1/vaults', e2.secret, 200);
    await use(b, 'u1 rotated secret', '/api/v1/whoami', r3.secret, 200);
    await use(b, 'u1 wrong scope', '/api/v1/onboarding', r3.secret, 403);

    // Issued through the admin's HTTP actions: the one response that reveals each secret is recorded as such.
    const api = '/admin/api/resources/ApiToken';
    const admin = await signIn(a, 'host a admin actions');
    const created = await call(
      'admin new',
      admin.post(`${api}/actions/new`).send({ name: 'leak admin', roleIds: [a.roles.vaultSummary], expiry: { type: 'days', days: 30 } }),
      200,
    );
    assert.equal(typeof created.body.secret, 'string', 'the create response reveals the secret once');
    const adminId = created.body.record.id as string;
    const m1 = remember('admin new', created.body.secret, 'admin new');
    await use(a, 'admin-made token', '/api/v1/vaults', created.body.secret, 200);
    const rotated = await call('admin rotate', admin.post(`${api}/records/${adminId}/rotate`).send({ graceSeconds: 3_600 }), 200);
    const m2 = remember('admin rotate (grace)', rotated.body.secret, 'admin rotate');
    await use(a, 'admin-made token, grace secret', '/api/v1/vaults', created.body.secret, 200);
    await use(a, 'admin-made token, rotated secret', '/api/v1/vaults', rotated.body.secret, 200);
    const regenerated = await call('admin regenerate', admin.post(`${api}/records/${adminId}/regenerate`).send({ expiry: { type: 'days', days: 60 } }), 200);
    expectStored.nowhere.push(m1, m2);
    expectStored.secretHash.push(remember('admin regenerate', regenerated.body.secret, 'admin regenerate'));
    await use(a, 'admin-made token, secret before regeneration', '/api/v1/vaults', rotated.body.secret, 401);
    await use(a, 'admin-made token, regenerated secret', '/api/v1/vaults', regenerated.body.secret, 200);
    await call('admin disable', admin.post(`${api}/records/${adminId}/disable`).send({}), 200);
    await use(a, 'admin-made token, disabled', '/api/v1/vaults', regenerated.body.secret, 401);

    const u2 = await bs.create(b.superAdmin, { ...base, roleIds: [b.roles.vaultSummary], name: 'leak u2' });
    views.push(u2.token);
    expectStored.nowhere.push(remember('create u2 (host b)', u2.secret));
    await use(b, 'u2 vaults', '/api/v1/vaults', u2.secret, 200);
    const adminB = await signIn(b, 'host b admin actions');
    const edited = await call(
      'admin edit (invalidate-secret)',
      adminB.post(`${api}/records/${u2.token.id}/edit`).send({ description: 'edited in the admin' }),
      200,
    );
    assert.equal(typeof edited.body.secret, 'string', 'an edit under invalidate-secret reveals the new secret once');
    expectStored.secretHash.push(remember('admin edit u2 (invalidate-secret)', edited.body.secret, 'admin edit (invalidate-secret)'));
    await use(b, 'u2 secret before the admin edit', '/api/v1/vaults', u2.secret, 401);
    await use(b, 'u2 admin-edited secret', '/api/v1/vaults', edited.body.secret, 200);

    await a.host.apiAccess.flush();
    await b.host.apiAccess.flush();
    // The admin, signed in, on both hosts: every screen that shows tokens, request logs or audit events.
    await browseAdmin(a, 'host a');
    await browseAdmin(b, 'host b');

    // What the admin screens would render.
    views.push(await svc.list(a.superAdmin, { perPage: 500 }), await bs.list(b.superAdmin, { perPage: 500 }));
    views.push(await svc.get(a.superAdmin, t1.token.id), await bs.get(b.superAdmin, u1.token.id));

    await a.host.apiAccess.flush();
    await b.host.apiAccess.flush();
    assert.equal(new Set(secrets.map((s) => s.value)).size, secrets.length, 'every issued secret is distinct');
    assert.equal(secrets.length, 18);
  });

  it('(a) no secret in any column of any table, nor anywhere in the raw database files', async () => {
    // The search itself finds a secret, and a truncated copy of one.
    const probe = secrets[0]!;
    assert.ok(found(`Authorization: Bearer ${probe.value}`, probe) && found(probe.value.slice(0, 14), probe) && found(probe.value.slice(-12), probe));
    assert.ok(!found(probe.value.slice(-4), probe), 'the last four characters alone are not a leak');
    const rows = [...(await dumpAllTables('host a', a)), ...(await dumpAllTables('host b', b))];
    assert.ok(rows.length > 50, `dumped ${rows.length} rows`);
    const leaks: string[] = [];
    for (const { db, table, row } of rows) {
      for (const [column, value] of Object.entries(row)) {
        const hay = text(value);
        for (const s of secrets) if (found(hay, s)) leaks.push(`${s.label} in ${db} ${table}.${column}`);
      }
    }
    for (const [name, t] of [
      ['host a', a],
      ['host b', b],
    ] as const) {
      for (const file of await rawDatabaseFiles(t.db, t.host.prisma)) {
        if (!existsSync(file)) continue;
        const bytes = readFileSync(file).toString('latin1');
        for (const s of secrets) if (found(bytes, s)) leaks.push(`${s.label} in ${name} file ${file.slice(file.lastIndexOf('/') + 1)}`);
      }
    }
    assert.deepEqual(leaks, []);
  });

  it('(b) no secret or hash in any log line or anything written to the console', async () => {
    assert.ok(
      capture.chunks.some((c) => c.includes('[no-secret-leak] output capture is on')),
      'the console capture works',
    );
    const sources: [string, string[]][] = [
      ['host a logger', a.logger.lines],
      ['host b logger', b.logger.lines],
      ['console/stdout/stderr', capture.chunks],
    ];
    assert.ok(a.logger.lines.length > 0, 'the outage was logged, so the log scan is not vacuous');
    const leaks: string[] = [];
    for (const [where, lines] of sources) {
      lines.forEach((line, i) => {
        for (const n of [...secrets, ...hashes]) if (found(line, n)) leaks.push(`${n.label} in ${where} #${i}`);
      });
    }
    assert.deepEqual(leaks, []);
  });

  it('(c) no secret or hash in any HTTP response body or header, nor in the token views admin screens get', async () => {
    assert.ok(responses.length >= 35, `${responses.length} responses`);
    const leaks: string[] = [];
    for (const { label, res } of responses) {
      const hay = [String(res.status), text(res.headers), res.text ?? text(res.body)].join('\n');
      for (const n of [...secrets, ...hashes]) {
        if (!found(hay, n)) continue;
        if (n.revealedIn === label) {
          // The revealing response holds the secret exactly once, in its `secret` field, and nowhere else.
          assert.equal(res.body.secret, n.value, label);
          assert.equal(hay.split(n.value).length - 1, 1, `${label} shows the secret once`);
          const rest = text({ ...res.body, secret: undefined }) + text(res.headers);
          if (found(rest, n)) leaks.push(`${n.label} outside the secret field of "${label}"`);
        } else {
          leaks.push(`${n.label} in response to "${label}"`);
        }
      }
    }
    for (const s of secrets.filter((n) => n.revealedIn)) {
      const revealing = responses.find((r) => r.label === s.revealedIn);
      assert.ok(revealing && found(revealing.res.text, s), `${s.label} was revealed by a recorded response`);
    }
    views.forEach((view, i) => {
      const hay = text(view);
      for (const n of [...secrets, ...hashes]) if (found(hay, n)) leaks.push(`${n.label} in token view #${i}`);
    });
    assert.deepEqual(leaks, []);
  });

  it('(d) no secret or hash in any ApiRequestLog or ApiAuditEvent row', async () => {
    const leaks: string[] = [];
    let logs = 0;
    let audits = 0;
    for (const [name, t] of [
      ['host a', a],
      ['host b', b],
    ] as const) {
      const requestLogs = await t.host.prisma.apiRequestLog.findMany();
      const auditEvents = await t.host.prisma.apiAuditEvent.findMany();
      logs += requestLogs.length;
      audits += auditEvents.length;
      for (const [kind, rows] of [
        ['ApiRequestLog', requestLogs],
        ['ApiAuditEvent', auditEvents],
      ] as const) {
        for (const row of rows) {
          const hay = text(row);
          for (const n of [...secrets, ...hashes]) if (found(hay, n)) leaks.push(`${n.label} in ${name} ${kind} ${row.id}`);
        }
      }
    }
    // Every authenticated request of the first test has its row: 200s, 403s (scope and allow-list are not both logged).
    assert.ok(logs >= 15, `${logs} request-log rows`);
    assert.ok(audits >= 20, `${audits} audit events`);
    const a1 = await a.host.prisma.apiRequestLog.findMany({ where: { path: { contains: 'access_token' } } });
    assert.deepEqual(a1, [], 'the query string is never stored');
    assert.deepEqual(leaks, []);
  });

  it('the hash of a secret is stored only in ApiToken.secretHash / previousSecretHash, and a replaced one nowhere', async () => {
    const rows = [...(await dumpAllTables('host a', a)), ...(await dumpAllTables('host b', b))];
    const leaks: string[] = [];
    const storedAs = new Map<string, Set<string>>();
    for (const { db, table, row } of rows) {
      for (const [column, value] of Object.entries(row)) {
        const hay = text(value);
        for (const h of hashes) {
          if (!found(hay, h)) continue;
          const allowed = table === 'ApiToken' && (column === 'secretHash' || column === 'previousSecretHash') && hay === h.value;
          if (!allowed) leaks.push(`${h.label} in ${db} ${table}.${column}`);
          else {
            if (!storedAs.has(h.label)) storedAs.set(h.label, new Set());
            storedAs.get(h.label)!.add(column);
          }
        }
      }
    }
    assert.deepEqual(leaks, []);
    for (const h of expectStored.secretHash) assert.deepEqual([...(storedAs.get(h.label) ?? [])], ['secretHash'], h.label);
    for (const h of expectStored.previousSecretHash) assert.deepEqual([...(storedAs.get(h.label) ?? [])], ['previousSecretHash'], h.label);
    for (const h of expectStored.nowhere) assert.equal(storedAs.get(h.label), undefined, `${h.label} must be gone after its secret was replaced`);
  });
});
