// The leak scan, all of it through HTTP as a browser drives the admin: sign in (and fail to), then
// every action of the plugin (create, rotate with a grace period, regenerate, edit, disable,
// enable, delete, bulk delete, list with every filter, search, show, request logs, the audit log,
// roles, the token-admin grant, role assignments) and of the host's AdminUser resource, sign out;
// every secret used on the sample API, successfully and not, and a rotated-out one after its
// grace (which writes an audit event). Everything that came out is collected: every HTTP response
// body and header, every console/stdout/stderr write, every line the host logged, every row of
// every table and the raw database files. No secret issued in the run may appear anywhere but in
// the one response that revealed it, and no hash of one anywhere but ApiToken.secretHash or
// previousSecretHash. (Expiry e-mails are scanned by the expiry-notice tests.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { format } from 'node:util';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import { hashToken } from '../../src/core/hashing.js';
import { listTables, rawDatabaseFiles } from '../helpers/database.js';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';

const SUPER = { email: 'super@example.com', password: 'super-admin-demo' };
const ADMIN = { email: 'admin@example.com', password: 'admin-demo' };
const API = '/admin/api/resources';
/** Any 10 consecutive characters of a secret (its last four are shown on purpose; ten random ones are not). */
const SECRET_PIECE = 10;
/** Any 16 consecutive hex digits of a hash (64 bits). */
const HASH_PIECE = 16;

interface Needle {
  label: string;
  value: string;
  pieces: string[];
}

function needle(label: string, value: string, size: number): Needle {
  const pieces: string[] = [];
  for (let i = 0; i + size <= value.length; i++) pieces.push(value.slice(i, i + size));
  return { label, value, pieces };
}

const found = (hay: string, n: Needle) => n.pieces.some((piece) => hay.includes(piece));

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  return (
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)) ??
    String(value)
  );
}

/** Everything written to the console, stdout or stderr while on (still passed through). */
class OutputCapture {
  readonly chunks: string[] = [];
  private undo: Array<() => void> = [];

  start(): void {
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        this.chunks.push(format(...args));
        original.apply(console, args);
      };
      this.undo.push(() => (console[method] = original));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        return (original as (...a: unknown[]) => boolean).apply(stream, [chunk, ...rest]);
      }) as typeof stream.write;
      this.undo.push(() => (stream.write = original));
    }
  }

  stop(): void {
    for (const undo of this.undo.reverse()) undo();
    this.undo = [];
  }
}

interface Exchange {
  label: string;
  status: number;
  headers: Record<string, unknown>;
  body: string;
  json: Record<string, unknown> | null;
}

describe('leak scan of every admin action over HTTP', { timeout: 120_000 }, () => {
  const capture = new OutputCapture();
  /** Host a: default policy. Host b: editing a token issues a new secret (invalidate-secret). */
  let a: TestHost;
  let b: TestHost;
  const exchanges: Exchange[] = [];
  const secrets: Array<Needle & { revealedIn: string }> = [];
  const hashes: Needle[] = [];
  /** resource/action pairs this scan drove, to prove its coverage. */
  const visited = new Set<string>();

  async function call(label: string, request: supertest.Test, status?: number): Promise<Exchange> {
    const res = await request;
    const exchange: Exchange = {
      label,
      status: res.status,
      headers: res.headers as Record<string, unknown>,
      body: res.text ?? text(res.body),
      json: res.type === 'application/json' ? (res.body as Record<string, unknown>) : null,
    };
    exchanges.push(exchange);
    if (status !== undefined) assert.equal(res.status, status, `${label}: ${exchange.body.slice(0, 300)}`);
    const match = /\/admin\/api\/resources\/(\w+)\/(?:actions\/(\w+)|records\/[^/]+\/(\w+)|bulk\/(\w+))/.exec(request.url);
    if (match) visited.add(`${match[1]}/${match[2] ?? match[3] ?? match[4]}`);
    return exchange;
  }

  /** An admin action that must succeed (HTTP 200 and no error notice). */
  async function act(label: string, request: supertest.Test): Promise<Record<string, unknown>> {
    const ex = await call(label, request, 200);
    const notice = ex.json?.notice as { type?: string; message?: string } | undefined;
    assert.notEqual(notice?.type, 'error', `${label}: ${notice?.message}`);
    return ex.json ?? {};
  }

  /** Records a secret that a response revealed, and its hash. */
  function revealed(label: string, body: Record<string, unknown>): string {
    const secret = body.secret;
    assert.equal(typeof secret, 'string', `${label} reveals a secret`);
    secrets.push({ ...needle(label, secret as string, SECRET_PIECE), revealedIn: label });
    hashes.push(needle(`hash of ${label}`, hashToken(TEST_PEPPER, secret as string), HASH_PIECE));
    return secret as string;
  }

  function use(t: TestHost, label: string, secret: string, status: number, path = '/api/v1/vaults'): Promise<Exchange> {
    return call(label, t.request.get(path).set('Authorization', `Bearer ${secret}`).set('User-Agent', 'leak-scan'), status);
  }

  async function signIn(t: TestHost, who: { email: string; password: string }, label: string): Promise<supertest.Agent> {
    const agent = supertest.agent(t.host.app);
    await call(`${label}: login page`, agent.get('/admin/login'), 200);
    await call(`${label}: sign in`, agent.post('/admin/login').type('form').send(who), 302);
    return agent;
  }

  before(async () => {
    capture.start();
    console.log('[leak-scan] output capture is on');
    a = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 100 } } });
    b = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 100, editPolicy: 'invalidate-secret' } } });
  });
  after(async () => {
    capture.stop();
    await a?.close();
    await b?.close();
  });

  it('drives every action of the admin and the sample API', async () => {
    // Sign-in flows: a wrong password, the ordinary admin (who is refused the section), the super admin.
    const anon = supertest.agent(a.host.app);
    await call('sign in, wrong password', anon.post('/admin/login').type('form').send({ email: SUPER.email, password: 'wrong password' }), 200);
    await call('anonymous API call', anon.get(`${API}/ApiToken/actions/list`), 302);
    const ordinary = await signIn(a, ADMIN, 'ordinary admin');
    const refused = await call('ordinary admin: token list', ordinary.get(`${API}/ApiToken/actions/list`), 200);
    assert.equal((refused.json?.notice as { type?: string } | undefined)?.type, 'error');
    const admin = await signIn(a, SUPER, 'super admin');
    await call('dashboard page', admin.get('/admin'), 200);
    await call('dashboard data', admin.get('/admin/api/dashboard'), 200);

    const roles = a.roles;
    const adminUser = a.admin;
    // Create: one for the super admin, one for the ordinary admin (who has signed in).
    await act('new token form', admin.get(`${API}/ApiToken/actions/new`));
    const c1 = await act(
      'create t1',
      admin.post(`${API}/ApiToken/actions/new`).send({
        name: 'scan t1',
        description: 'scanned',
        tags: ['scan', 'prod'],
        roleIds: [roles.vaultSummary],
        expiry: { type: 'days', days: 30 },
        allowedIps: [],
      }),
    );
    const t1 = (c1.record as { id: string }).id;
    const s1 = revealed('create t1', c1);
    const c2 = await act(
      'create t2 for the ordinary admin',
      admin
        .post(`${API}/ApiToken/actions/new`)
        .type('form')
        .send({ name: 'scan t2', 'roleIds.0': roles.onboarding, 'expiry.type': 'never', ownerId: adminUser.id }),
    );
    const s2 = revealed('create t2 for the ordinary admin', c2);

    // Use them, well and badly; a secret in the query string must not reach the request log.
    await use(a, 't1 vaults', s1, 200);
    await use(a, 't1 whoami', s1, 200, '/api/v1/whoami');
    await use(a, 't1 wrong scope', s1, 403, '/api/v1/onboarding');
    await use(a, 't1 also in the query string', s1, 200, `/api/v1/whoami?access_token=${s1}`);
    await call('t1 only in the query string', a.request.get(`/api/v1/vaults?access_token=${s1}`), 401);
    await use(a, 't1 mistyped', `${s1.slice(0, -1)}${s1.endsWith('A') ? 'B' : 'A'}`, 401);
    await use(a, 't2 onboarding', s2, 200, '/api/v1/onboarding');

    // Read every screen of a token.
    await act('show t1', admin.get(`${API}/ApiToken/records/${t1}/show`));
    await call('show page t1', admin.get(`/admin/resources/ApiToken/records/${t1}/show`), 200);
    const role = await a.host.prisma.apiRole.findUniqueOrThrow({ where: { id: roles.vaultSummary } });
    for (const query of [
      '',
      'perPage=500',
      'filters.status=active',
      `filters.roles=${encodeURIComponent(role.name)}`,
      'filters.tags=scan',
      `filters.ownerId=${adminUser.id}`,
      'filters.name=scan',
      'sortBy=name&direction=asc&page=1',
    ]) {
      await act(`token list ?${query}`, admin.get(`${API}/ApiToken/actions/list?${query}`));
    }
    await act('token search', admin.get(`${API}/ApiToken/actions/search/scan`));

    // Rotate with a 1-hour grace, use both, then the old one after its grace (audited).
    await act('rotate form t1', admin.get(`${API}/ApiToken/records/${t1}/rotate`));
    const r1 = await act('rotate t1', admin.post(`${API}/ApiToken/records/${t1}/rotate`).send({ graceSeconds: 3_600 }));
    const s1b = revealed('rotate t1', r1);
    await use(a, 't1 old secret within its grace', s1, 200);
    await use(a, 't1 rotated secret', s1b, 200);
    a.clock.advance(3_601_000);
    await use(a, 't1 old secret after its grace', s1, 401);
    await a.host.apiAccess.flush();
    assert.equal(await a.host.prisma.apiAuditEvent.count({ where: { tokenId: t1, action: 'token.rotated_secret_used' } }), 1);

    // Regenerate, edit (keeps the secret on host a), disable and enable.
    await act('regenerate form t1', admin.get(`${API}/ApiToken/records/${t1}/regenerate`));
    const g1 = await act('regenerate t1', admin.post(`${API}/ApiToken/records/${t1}/regenerate`).send({ expiry: { type: 'days', days: 90 } }));
    const s1c = revealed('regenerate t1', g1);
    await use(a, 't1 secret before regeneration', s1b, 401);
    await use(a, 't1 regenerated secret', s1c, 200);
    await act('edit form t1', admin.get(`${API}/ApiToken/records/${t1}/edit`));
    const e1 = await act(
      'edit t1',
      admin.post(`${API}/ApiToken/records/${t1}/edit`).send({
        description: 'edited',
        tags: ['scan', 'edited'],
        roleIds: [roles.vaultSummary, roles.securityAudit],
        allowedIps: ['127.0.0.0/8', '::1/128', '::ffff:127.0.0.0/104'],
      }),
    );
    assert.equal(e1.secret, undefined, 'keep-secret: an edit reveals nothing');
    await use(a, 't1 after the edit', s1c, 200, '/api/v1/security-audit');
    await act('disable page t1', admin.get(`${API}/ApiToken/records/${t1}/disable`));
    await act('disable t1', admin.post(`${API}/ApiToken/records/${t1}/disable`).send({}));
    await use(a, 't1 disabled', s1c, 401);
    await act('enable page t1', admin.get(`${API}/ApiToken/records/${t1}/enable`));
    await act('enable t1', admin.post(`${API}/ApiToken/records/${t1}/enable`).send({}));
    await use(a, 't1 enabled again', s1c, 200);

    // Delete one, bulk delete two.
    const make = async (name: string) => {
      const body = await act(
        `create ${name}`,
        admin.post(`${API}/ApiToken/actions/new`).send({ name, roleIds: [roles.vaultSummary], expiry: { type: 'days', days: 30 } }),
      );
      return { id: (body.record as { id: string }).id, secret: revealed(`create ${name}`, body) };
    };
    const t3 = await make('scan t3');
    await use(a, 't3 vaults', t3.secret, 200);
    await act('delete page t3', admin.get(`${API}/ApiToken/records/${t3.id}/delete`));
    await act('delete t3', admin.post(`${API}/ApiToken/records/${t3.id}/delete`));
    await use(a, 't3 deleted', t3.secret, 401);
    const t4 = await make('scan t4');
    const t5 = await make('scan t5');
    await act('bulk delete page', admin.get(`${API}/ApiToken/bulk/bulkDelete?recordIds=${t4.id},${t5.id}`));
    await act('bulk delete', admin.post(`${API}/ApiToken/bulk/bulkDelete?recordIds=${t4.id},${t5.id}`));
    await use(a, 't4 bulk deleted', t4.secret, 401);
    await use(a, 't5 bulk deleted', t5.secret, 401);
    const failed = await call(
      'create refused',
      admin.post(`${API}/ApiToken/actions/new`).send({ name: 'scan t1', roleIds: ['nope'], expiry: { type: 'days', days: 3 } }),
      200,
    );
    assert.equal((failed.json?.notice as { type?: string } | undefined)?.type, 'error');
    await a.host.apiAccess.flush();

    // Request logs and the audit log, with their filters; every audit event shown.
    for (const query of ['', 'perPage=500', `filters.tokenId=${t1}`, 'filters.createdAt~~from=2000-01-01&filters.createdAt~~to=2999-01-01']) {
      const logs = await act(`request-log list ?${query}`, admin.get(`${API}/ApiRequestLog/actions/list?${query}`));
      if (query === 'perPage=500') assert.ok((logs.records as unknown[]).length >= 10);
    }
    const audits = await act('audit list', admin.get(`${API}/ApiAuditEvent/actions/list?perPage=500`));
    assert.ok((audits.records as unknown[]).length >= 15);
    for (const query of [
      'filters.action=token.rotated_secret_used',
      `filters.tokenId=${t1}`,
      'filters.actorEmail=super',
      'filters.createdAt~~from=2000-01-01',
    ]) {
      await act(`audit list ?${query}`, admin.get(`${API}/ApiAuditEvent/actions/list?${query}`));
    }
    for (const record of audits.records as Array<{ id: string }>)
      await act(`audit show ${record.id}`, admin.get(`${API}/ApiAuditEvent/records/${record.id}/show`));
    await act('audit search', admin.get(`${API}/ApiAuditEvent/actions/search/token`));

    // Roles: list, show, search, new, edit, delete.
    await act('role list', admin.get(`${API}/ApiRole/actions/list`));
    await act('role show', admin.get(`${API}/ApiRole/records/${roles.vaultSummary}/show`));
    await act('role search', admin.get(`${API}/ApiRole/actions/search/Vault`));
    await act('role new form', admin.get(`${API}/ApiRole/actions/new`));
    const newRole = await act('role new', admin.post(`${API}/ApiRole/actions/new`).send({ name: 'Scan role', description: 'scanned', scopes: ['scan:read'] }));
    const roleId = (newRole.record as { id: string }).id;
    await act('role edit form', admin.get(`${API}/ApiRole/records/${roleId}/edit`));
    await act(
      'role edit',
      admin.post(`${API}/ApiRole/records/${roleId}/edit`).send({ name: 'Scan role', description: 'edited', scopes: ['scan:read', 'scan:write'] }),
    );
    await act('role delete', admin.post(`${API}/ApiRole/records/${roleId}/delete`));

    // Role assignments.
    const assignments = await act('assignment list', admin.get(`${API}/ApiTokenRole/actions/list`));
    const assignment = (assignments.records as Array<{ id: string }>)[0]!;
    await act('assignment show', admin.get(`${API}/ApiTokenRole/records/${assignment.id}/show`));
    await act('assignment search', admin.get(`${API}/ApiTokenRole/actions/search/x`));

    // The host's admin users, and the token-admin grant given to and taken from a new super admin.
    await act('admin users', admin.get(`${API}/AdminUser/actions/list`));
    await act('admin user show', admin.get(`${API}/AdminUser/records/${adminUser.id}/show`));
    await act('admin user search', admin.get(`${API}/AdminUser/actions/search/admin`));
    const created = await act(
      'admin user new',
      admin.post(`${API}/AdminUser/actions/new`).send({ email: 'second-super@example.com', name: 'Second', role: 'super_admin', password: 'second-super-pw' }),
    );
    const second = (created.record as { id: string }).id;
    await act('admin user edit', admin.post(`${API}/AdminUser/records/${second}/edit`).send({ name: 'Second Super' }));
    await act('grant list', admin.get(`${API}/ApiTokenAdminGrant/actions/list`));
    await act('grant show', admin.get(`${API}/ApiTokenAdminGrant/records/${a.superAdmin.id}/show`));
    await act('grant new', admin.post(`${API}/ApiTokenAdminGrant/actions/new`).send({ userId: second }));
    await act('grant search', admin.get(`${API}/ApiTokenAdminGrant/actions/search/second`));
    await act('grant delete', admin.post(`${API}/ApiTokenAdminGrant/records/${second}/delete`));

    // Host b: an edit issues a new secret, shown once.
    const adminB = await signIn(b, SUPER, 'host b super admin');
    const u1 = await act(
      'host b create u1',
      adminB.post(`${API}/ApiToken/actions/new`).send({ name: 'scan u1', roleIds: [b.roles.vaultSummary], expiry: { type: 'days', days: 30 } }),
    );
    const u1Secret = revealed('host b create u1', u1);
    await use(b, 'u1 vaults', u1Secret, 200);
    const u1Edit = await act(
      'host b edit u1 (invalidate-secret)',
      adminB.post(`${API}/ApiToken/records/${(u1.record as { id: string }).id}/edit`).send({ description: 'new secret on edit' }),
    );
    const u1Edited = revealed('host b edit u1 (invalidate-secret)', u1Edit);
    await use(b, 'u1 secret before the edit', u1Secret, 401);
    await use(b, 'u1 secret after the edit', u1Edited, 200);
    await b.host.apiAccess.flush();

    // Usage: the token's traffic chart and the overview, both from the rollups.
    await act('usage t1, 30 days', admin.get(`${API}/ApiToken/records/${t1}/usage?days=30`));
    await act('usage t1, 90 days', admin.get(`${API}/ApiToken/records/${t1}/usage?days=90`));
    await act('overview', admin.get(`${API}/ApiAccessOverview/actions/list`));
    await call('request logs as CSV', admin.get('/admin/api-access/request-logs.csv'), 200);

    // Leaks by hand: a pasted text holding a secret (checked, then revoked with one click from the
    // result), and a token reported from its own page with the place it was found.
    const t6 = await make('scan t6');
    await use(a, 't6 vaults', t6.secret, 200);
    await act('check text form', admin.get(`${API}/ApiToken/actions/checkText`));
    const checked = await act(
      'check text',
      admin.post(`${API}/ApiToken/actions/checkText`).send({ text: `DEPLOY_TOKEN=${t6.secret}\nOTHER=${t6.secret.slice(0, 8)}\n` }),
    );
    const hit = (checked.check as { tokens: Array<{ id: string; lastFour: string; maskedToken: string }> }).tokens;
    assert.deepEqual(
      hit.map((x) => x.id),
      [t6.id],
    );
    assert.equal(hit[0]!.lastFour, t6.secret.slice(-4));
    await act('report leaked from the check', admin.post(`${API}/ApiToken/records/${t6.id}/reportLeak`).send({ lastFour: hit[0]!.lastFour }));
    await use(a, 't6 reported leaked', t6.secret, 401);
    const t7 = await make('scan t7');
    await act('report leaked page t7', admin.get(`${API}/ApiToken/records/${t7.id}/reportLeak`));
    await act('report leaked t7', admin.post(`${API}/ApiToken/records/${t7.id}/reportLeak`).send({ url: 'https://github.com/acme/app/blob/main/.env' }));
    await use(a, 't7 reported leaked', t7.secret, 401);
    await act('leak reports of t7', admin.get(`${API}/ApiToken/records/${t7.id}/leakReports`));
    await act('show t7 with its leak banner', admin.get(`${API}/ApiToken/records/${t7.id}/show`));
    await a.host.apiAccess.leakReports.settled();

    // Sign out: the session ends, the next call goes to the login page.
    await call('sign out', admin.get('/admin/logout'), 302);
    await call('after sign-out', admin.get(`${API}/ApiToken/actions/list`), 302);
    await a.host.apiAccess.flush();
  });

  it('drove every action of every API Access resource and of AdminUser', () => {
    const expected = [
      ...['list', 'search', 'show', 'new', 'edit', 'rotate', 'regenerate', 'disable', 'enable', 'delete', 'bulkDelete'].map((x) => `ApiToken/${x}`),
      ...['usage', 'checkText', 'reportLeak', 'leakReports'].map((x) => `ApiToken/${x}`),
      'ApiAccessOverview/list',
      'ApiRequestLog/list',
      ...['list', 'show', 'search'].map((x) => `ApiAuditEvent/${x}`),
      ...['list', 'show', 'search', 'new', 'edit', 'delete'].map((x) => `ApiRole/${x}`),
      ...['list', 'show', 'search'].map((x) => `ApiTokenRole/${x}`),
      ...['list', 'show', 'search', 'new', 'delete'].map((x) => `ApiTokenAdminGrant/${x}`),
      ...['list', 'show', 'search', 'new', 'edit'].map((x) => `AdminUser/${x}`),
    ];
    assert.deepEqual(
      expected.filter((x) => !visited.has(x)),
      [],
    );
    assert.equal(secrets.length, 11, 'secrets revealed by create (7), rotate, regenerate, and two on host b');
    assert.ok(exchanges.length > 90, `${exchanges.length} responses collected`);
  });

  it('no secret in any HTTP response but the one that revealed it, and there only in its "secret" field; no hash in any', () => {
    const leaks: string[] = [];
    for (const ex of exchanges) {
      const hay = [text(ex.headers), ex.body].join('\n');
      for (const s of secrets) {
        if (!found(hay, s)) continue;
        if (ex.label !== s.revealedIn) {
          leaks.push(`${s.label} in the response to "${ex.label}"`);
          continue;
        }
        assert.equal(ex.json?.secret, s.value);
        assert.equal(hay.split(s.value).length - 1, 1, `${ex.label} holds the secret once`);
        if (found(text({ ...ex.json, secret: undefined }) + text(ex.headers), s)) leaks.push(`${s.label} outside the secret field of "${ex.label}"`);
      }
      for (const h of hashes) if (found(hay, h)) leaks.push(`${h.label} in the response to "${ex.label}"`);
    }
    for (const s of secrets)
      assert.ok(
        exchanges.some((ex) => ex.label === s.revealedIn && ex.body.includes(s.value)),
        `${s.label} was revealed`,
      );
    assert.deepEqual(leaks, []);
  });

  it('no secret or hash in anything written to the console, stdout or stderr, nor in any line the hosts logged', () => {
    assert.ok(
      capture.chunks.some((c) => c.includes('[leak-scan] output capture is on')),
      'the capture works',
    );
    const leaks: string[] = [];
    for (const [where, lines] of [
      ['console', capture.chunks],
      ['host a log', a.logger.lines],
      ['host b log', b.logger.lines],
    ] as const) {
      lines.forEach((line, i) => {
        for (const n of [...secrets, ...hashes]) if (found(line, n)) leaks.push(`${n.label} in ${where} #${i}`);
      });
    }
    assert.deepEqual(leaks, []);
  });

  it('no secret in any row of any table or in the raw database files; a hash only in ApiToken.secretHash or previousSecretHash, or ApiTokenLeakReport.secretHash', async () => {
    const leaks: string[] = [];
    let rows = 0;
    const tables = new Set<string>();
    for (const [name, t] of [
      ['host a', a],
      ['host b', b],
    ] as const) {
      for (const table of await listTables(t.host.prisma)) {
        tables.add(table);
        for (const row of await t.host.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table}"`)) {
          rows++;
          for (const [column, value] of Object.entries(row)) {
            const hay = text(value);
            for (const s of secrets) if (found(hay, s)) leaks.push(`${s.label} in ${name} ${table}.${column}`);
            for (const h of hashes) {
              if (!found(hay, h)) continue;
              const allowed =
                ((table === 'ApiToken' && (column === 'secretHash' || column === 'previousSecretHash')) ||
                  (table === 'ApiTokenLeakReport' && column === 'secretHash')) &&
                hay === h.value;
              if (!allowed) leaks.push(`${h.label} in ${name} ${table}.${column}`);
            }
          }
        }
      }
      // On PostgreSQL the raw files are the whole cluster's write-ahead log: no-secret-leak.test.ts scans
      // them; this scan reads the SQLite files only, to stay quick.
      if (t.db.provider === 'postgres') continue;
      for (const file of await rawDatabaseFiles(t.db, t.host.prisma)) {
        if (!existsSync(file)) continue;
        const bytes = readFileSync(file).toString('latin1');
        for (const s of secrets) if (found(bytes, s)) leaks.push(`${s.label} in ${name} file ${file}`);
      }
    }
    for (const table of [
      'ApiToken',
      'ApiAuditEvent',
      'ApiRequestLog',
      'AdminSession',
      'ApiRole',
      'ApiTokenRole',
      'ApiTokenAdminGrant',
      'AdminUser',
      'ApiTokenLeakReport',
      'ApiTokenUsageDay',
    ])
      assert.ok(tables.has(table), table);
    assert.ok(rows > 60, `${rows} rows scanned`);
    assert.deepEqual(leaks, []);
    // The query string never reaches the request log; the rotated-out secret's use is audited without it.
    assert.equal(await a.host.prisma.apiRequestLog.count({ where: { path: { contains: 'access_token' } } }), 0);
    const used = await a.host.prisma.apiAuditEvent.findFirstOrThrow({ where: { action: 'token.rotated_secret_used' } });
    assert.equal(used.tokenName, 'scan t1');
  });
});
