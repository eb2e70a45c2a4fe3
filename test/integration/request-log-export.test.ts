// The request-log CSV export over real HTTP against the example host, on SQLite and PostgreSQL:
// who may export which rows (the list's access rules), the period filters, RFC 4180 quoting and
// formula-injection safety, and that the rows are read page by page (keyset, never OFFSET) and
// written as they come.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import supertest from 'supertest';
import { REQUEST_LOG_CSV_PATH, type Actor } from 'adminjs-api-access';
import { hashPassword } from '../../example-app/src/users.js';
import { SEEDED_SIGN_INS } from '../../example-app/src/seed.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

const URL_PATH = `/admin${REQUEST_LOG_CSV_PATH}`;
const HOUR = 3_600_000;
const HEADER = 'Time (UTC),Token,Token id,Method,Path,Status,Duration (ms),IP,User agent,Request id';

/** RFC 4180 records of a CSV body, each a list of fields (a test-side reader, independent of the writer). */
function parseCsv(body: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      assert.ok(c !== '\n' && c !== '\r', `a bare line break outside quotes at ${i}`);
      field += c;
    }
  }
  assert.equal(field + record.join(''), '', 'the body ends with CRLF');
  return records;
}

describe('request-log CSV export', { timeout: 120_000 }, () => {
  let t: TestHost;
  let superAgent: supertest.Agent;
  let adminAgent: supertest.Agent;
  let plainSuperAgent: supertest.Agent;
  let adminTokenId = '';
  let superTokenId = '';
  let plainSuperTokenId = '';
  let plainSuper: Actor;
  const now = () => t.clock.now().getTime();

  /** n rows for a token, `ageMs` old, all at one instant (so keyset pages meet equal timestamps). */
  async function logs(tokenId: string, tokenName: string, n: number, ageMs: number, extra: Partial<{ path: string; userAgent: string; status: number }> = {}) {
    const createdAt = new Date(now() - ageMs);
    await t.host.prisma.apiRequestLog.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        tokenId,
        tokenName,
        method: 'GET',
        path: extra.path ?? `/api/v1/vaults/${i}`,
        status: extra.status ?? 200,
        ip: '203.0.113.7',
        userAgent: extra.userAgent ?? 'curl/8',
        durationMs: i % 50,
        createdAt,
      })),
    });
  }

  /** The export's rows, or (refused) its JSON answer as `error`. */
  async function exported(agent: supertest.Agent, query = ''): Promise<{ res: supertest.Response; rows: string[][]; error: { message: string } }> {
    const res = await agent
      .get(`${URL_PATH}${query}`)
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => callback(null, text));
      });
    if (res.status !== 200) {
      assert.match(String(res.headers['content-type']), /^application\/json/);
      return { res, rows: [], error: JSON.parse(res.body as string) as { message: string } };
    }
    const records = parseCsv(res.body as string);
    assert.equal(records[0]!.join(','), HEADER);
    return { res, rows: records.slice(1), error: { message: '' } };
  }

  before(async () => {
    t = await startTestHost({ apiAccess: { allowPersonalTokens: true, policy: { maxActiveTokensPerOwner: 1000 } } });
    const [superSignIn, adminSignIn] = SEEDED_SIGN_INS;
    superAgent = await t.signIn(superSignIn.email, superSignIn.password);
    adminAgent = await t.signIn(adminSignIn.email, adminSignIn.password);
    // A super admin without the token-admin grant.
    const other = await t.host.prisma.adminUser.create({
      data: { email: 'other-super@example.com', name: 'Olga Other', role: 'super_admin', passwordHash: await hashPassword('other-super-pass') },
    });
    plainSuper = { id: other.id, email: other.email, isSuperAdmin: true };
    plainSuperAgent = await t.signIn('other-super@example.com', 'other-super-pass');
    const svc = t.host.apiAccess.service;
    adminTokenId = (await svc.create(t.admin, { name: 'Ada export token', roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } })).token.id;
    plainSuperTokenId = (await svc.create(plainSuper, { name: 'Olga export token', roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } })).token
      .id;
    superTokenId = (await t.host.prisma.apiToken.findFirstOrThrow({ where: { name: 'GRC dashboard' } })).id;
    await logs(superTokenId, 'GRC dashboard', 30, 2 * HOUR);
    await logs(superTokenId, 'GRC dashboard', 5, 10 * 60_000);
    await logs(adminTokenId, 'Ada export token', 7, 3 * HOUR);
    await logs(adminTokenId, 'Ada export token', 2, 30 * 60_000);
    await logs(plainSuperTokenId, 'Olga export token', 4, 26 * HOUR);
  });

  after(async () => {
    await t?.close();
  });

  it('is refused without a signed-in admin, and answers GET only', async () => {
    const res = await supertest(t.host.app).get(URL_PATH);
    assert.equal(res.status, 401);
    assert.match(res.body.message, /Sign in/);
    const post = await superAgent.post(URL_PATH);
    assert.equal(post.status, 405);
  });

  it('gives a token admin every row, newest first, as an attachment', async () => {
    const { res, rows } = await exported(superAgent);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="request-logs-\d{8}-\d{4}\.csv"$/);
    assert.equal(res.headers['content-length'], undefined, 'streamed, not sized up front');
    assert.equal(rows.length, 30 + 5 + 7 + 2 + 4);
    const times = rows.map((r) => Date.parse(r[0]!));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      'newest first',
    );
    const dbCount = await t.host.prisma.apiRequestLog.count();
    assert.equal(rows.length, dbCount);
  });

  it("gives an ordinary admin only their own tokens' rows, and refuses another's token", async () => {
    const { res, rows } = await exported(adminAgent);
    assert.equal(res.status, 200);
    assert.equal(rows.length, 9);
    assert.ok(rows.every((r) => r[2] === adminTokenId && r[1] === 'Ada export token'));
    const other = await exported(adminAgent, `?filters.tokenId=${superTokenId}`);
    assert.equal(other.res.status, 403);
    assert.match(other.error.message, /token admin grant/);
    assert.ok(!JSON.stringify(other.error).includes('GRC'), 'nothing of the other token is told');
  });

  it('gives a super admin without the token-admin grant only their own rows', async () => {
    const { rows } = await exported(plainSuperAgent);
    assert.deepEqual([...new Set(rows.map((r) => r[2]))], [plainSuperTokenId]);
    assert.equal(rows.length, 4);
    const other = await exported(plainSuperAgent, `?filters.tokenId=${adminTokenId}`);
    assert.equal(other.res.status, 403);
  });

  it('refuses an admin who may not use the feature', async () => {
    const host = await startTestHost();
    try {
      const agent = await host.signIn(SEEDED_SIGN_INS[1].email, SEEDED_SIGN_INS[1].password);
      const res = await agent.get(URL_PATH);
      assert.equal(res.status, 403);
      assert.equal(res.headers['content-disposition'], undefined);
    } finally {
      await host.close();
    }
  });

  it('filters by token and by the ready-made periods and a custom range', async () => {
    assert.equal((await exported(superAgent, `?filters.tokenId=${adminTokenId}`)).rows.length, 9);
    assert.equal((await exported(superAgent, '?filters.createdAt~~last=1h')).rows.length, 5 + 2);
    assert.equal((await exported(superAgent, '?filters.createdAt~~last=24h')).rows.length, 30 + 5 + 7 + 2);
    assert.equal((await exported(superAgent, '?filters.createdAt~~last=7d')).rows.length, 48);
    assert.equal((await exported(superAgent, `?filters.createdAt~~last=1h&filters.tokenId=${adminTokenId}`)).rows.length, 2);
    const from = new Date(now() - 4 * HOUR).toISOString();
    const to = new Date(now() - HOUR).toISOString();
    const range = await exported(superAgent, `?filters.createdAt~~from=${encodeURIComponent(from)}&filters.createdAt~~to=${encodeURIComponent(to)}`);
    assert.equal(range.rows.length, 30 + 7);
  });

  it('refuses a filter it cannot use, with a message that says what to send', async () => {
    const period = await exported(superAgent, '?filters.createdAt~~last=2h');
    assert.equal(period.res.status, 422);
    assert.match(period.error.message, /one of: 1h, 24h, 7d, 30d, 90d/);
    const date = await exported(superAgent, '?filters.createdAt~~from=yesterday-ish');
    assert.equal(date.res.status, 422);
    assert.match(date.error.message, /must be a date/);
    const field = await exported(superAgent, '?filters.status=500');
    assert.equal(field.res.status, 422);
    assert.match(field.error.message, /filtered by tokenId and createdAt only/);
    const order = await exported(
      superAgent,
      `?filters.createdAt~~from=${encodeURIComponent(new Date(now()).toISOString())}&filters.createdAt~~to=${encodeURIComponent(new Date(now() - HOUR).toISOString())}`,
    );
    assert.equal(order.res.status, 422);
    assert.match(order.error.message, /end of the period must be after its start/);
  });

  it('quotes as RFC 4180 says and opens no cell as a formula', async () => {
    const hostile = [
      { path: '/api/v1/a,b', userAgent: 'He said "hi"' },
      { path: '/api/v1/x', userAgent: 'line one\nline two' },
      { path: '/api/v1/y', userAgent: '=HYPERLINK("http://evil.example","x")' },
      { path: '/api/v1/z', userAgent: '+1+1' },
      { path: '/api/v1/w', userAgent: '-2+3' },
      { path: '/api/v1/v', userAgent: '@SUM(A1)' },
    ];
    const ids: string[] = [];
    for (const [i, row] of hostile.entries()) {
      const token = await t.host.apiAccess.service.create(t.superAdmin, {
        name: `=cmd|' /C calc'!A${i}`,
        roleIds: [t.roles.vaultSummary],
        expiry: { type: 'days', days: 30 },
      });
      ids.push(token.token.id);
      await logs(token.token.id, token.token.name, 1, 5 * 60_000, row);
    }
    for (const [i, id] of ids.entries()) {
      const { res, rows } = await exported(superAgent, `?filters.tokenId=${id}`);
      assert.equal(rows.length, 1);
      const [row] = rows;
      assert.equal(row![1], `'=cmd|' /C calc'!A${i}`, 'a token name that looks like a formula is prefixed');
      assert.equal(row![4], hostile[i]!.path);
      const ua = hostile[i]!.userAgent;
      assert.equal(row![8], /^[=+\-@]/.test(ua) ? `'${ua}` : ua);
      if (i === 0) assert.match(res.body as string, /"He said ""hi"""/);
      if (i === 0) assert.match(res.body as string, /"\/api\/v1\/a,b"/);
    }
    await t.host.prisma.apiRequestLog.deleteMany({ where: { tokenId: { in: ids } } });
    await t.host.prisma.apiToken.deleteMany({ where: { id: { in: ids } } });
  });

  it('reads page by page (keyset), each row once, across equal timestamps', async () => {
    const many = (
      await t.host.apiAccess.service.create(t.superAdmin, { name: 'Busy token', roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } })
    ).token;
    // 3 instants of 350 rows each: every page boundary of 100 falls among equal timestamps.
    await logs(many.id, many.name, 350, 3 * 60_000);
    await logs(many.id, many.name, 350, 2 * 60_000);
    await logs(many.id, many.name, 350, 1 * 60_000);
    const expected = (
      await t.host.prisma.apiRequestLog.findMany({ where: { tokenId: many.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } })
    ).map((r) => r.id);
    const pages: bigint[][] = [];
    const iterable = await t.host.apiAccess.service.requestLogPages(t.superAdmin, { tokenId: many.id }, 100);
    for await (const page of iterable) pages.push(page.map((r) => r.id));
    assert.equal(pages.length, 11, '1,050 rows in pages of 100');
    assert.ok(pages.every((p) => p.length <= 100));
    assert.deepEqual(pages.flat(), expected, 'every row once, in the list order');

    // Over HTTP with pages of 100: the body comes in chunks as the pages are read.
    const sessionAdmin = { id: t.superAdmin.id, email: t.superAdmin.email, role: 'super_admin' };
    const app = express().use('/admin', t.host.apiAccess.adminRoutes({ currentAdmin: () => sessionAdmin, exportPageSize: 100 }));
    const chunks: number[] = [];
    const res = await supertest(app)
      .get(`${URL_PATH}?filters.tokenId=${many.id}`)
      .buffer(true)
      .parse((response, callback) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          chunks.push(chunk.length);
          text += chunk;
        });
        response.on('end', () => callback(null, text));
      });
    assert.equal(res.status, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    const rows = parseCsv(res.body as string).slice(1);
    assert.deepEqual(
      rows.map((r) => r[2]),
      expected.map(() => many.id),
    );
    assert.deepEqual(
      rows.map((r) => r[9]),
      expected.map(String),
      'each row once, with its id',
    );
    assert.equal(rows.length, 1050);
    await t.host.prisma.apiRequestLog.deleteMany({ where: { tokenId: many.id } });
  });

  it('stops reading when the browser goes away, and the host keeps serving', async () => {
    const many = (
      await t.host.apiAccess.service.create(t.superAdmin, { name: 'Abandoned export', roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } })
    ).token;
    await logs(many.id, many.name, 3000, 60_000, { userAgent: 'x'.repeat(400) });
    const sessionAdmin = { id: t.superAdmin.id, email: t.superAdmin.email, role: 'super_admin' };
    const errors: unknown[] = [];
    const app = express()
      .use('/admin', t.host.apiAccess.adminRoutes({ currentAdmin: () => sessionAdmin, exportPageSize: 100 }))
      .use((error: unknown, _req: express.Request, _res: express.Response, _next: express.NextFunction) => void errors.push(error));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const controller = new AbortController();
      const response = await fetch(`http://127.0.0.1:${port}${URL_PATH}?filters.tokenId=${many.id}`, { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(errors, []);
      const again = await fetch(`http://127.0.0.1:${port}${URL_PATH}?filters.tokenId=${adminTokenId}`);
      assert.equal(parseCsv(await again.text()).length, 1 + 9);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.host.prisma.apiRequestLog.deleteMany({ where: { tokenId: many.id } });
    }
  });
});
