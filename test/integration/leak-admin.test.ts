/**
 * The admin side of leaked-token reports, over the AdminJS API of the example host: "Report
 * leaked" on a token, "Check text for tokens", and the reports a token's page shows. They go
 * through the path GitHub's reports take (policy, audit, e-mail, refused at once), under the
 * token access rules: an admin sees and reports only tokens they may manage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type supertest from 'supertest';
import { generateToken, type Actor, type IssuedToken } from 'adminjs-api-access';
import { hashPassword } from '../../example-app/src/users.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { TestSmtpServer } from '../helpers/smtp.js';

const FOUND_AT = 'https://pastebin.example/raw/q8Zr1';
const BASE = '/admin/api/resources/ApiToken';

interface Body {
  notice?: { message: string; type: string };
  error?: { code: string; message: string; fields?: Record<string, { code: string; message: string }> };
  record?: { params: Record<string, unknown> };
  leakPolicy?: { action: string };
  leakOutcome?: { kind: string; action: string | null; deleted: boolean };
  leakReports?: Array<{ url: string; reporter: string; source: string; action: string }>;
  check?: { wellFormed: number; tokens: Array<{ id: string; name: string; maskedToken: string; lastFour: string; status: string; reported: boolean }> };
  redirectUrl?: string;
}

async function call(
  agent: supertest.Agent,
  method: 'GET' | 'POST',
  url: string,
  body: Record<string, unknown> = {},
): Promise<{ status: number; body: Body; text: string }> {
  const res = method === 'GET' ? await agent.get(url) : await agent.post(url).send(body);
  return { status: res.status, body: res.body as Body, text: res.text };
}

/** The rows a report could change: the tokens, the reports and the audit trail. */
async function state(t: TestHost) {
  const [tokens, reports, audits] = await Promise.all([
    t.host.prisma.apiToken.findMany({ select: { id: true, enabled: true, updatedAt: true }, orderBy: { id: 'asc' } }),
    t.host.prisma.apiTokenLeakReport.findMany({ orderBy: { id: 'asc' } }),
    t.host.prisma.apiAuditEvent.count(),
  ]);
  return { tokens, reports, audits };
}

describe('leaked-token reports in the admin panel', () => {
  let t: TestHost;
  let smtp: TestSmtpServer;
  let superAgent: supertest.Agent;
  let super2Agent: supertest.Agent;
  let adminAgent: supertest.Agent;
  let super2: Actor;
  let seq = 0;

  before(async () => {
    smtp = await TestSmtpServer.start();
    t = await startTestHost({
      apiAccess: {
        notifications: { transport: smtp.url, from: 'API Access <api-access@example.test>', adminUrl: 'http://admin.example.test/admin' },
        policy: { maxActiveTokensPerOwner: 1000 },
      },
    });
    const row = await t.host.prisma.adminUser.create({
      data: { email: 'super2@example.com', name: 'S2', role: 'super_admin', passwordHash: await hashPassword('pw-super2'), lastSignInAt: new Date() },
    });
    super2 = { id: row.id, email: row.email, isSuperAdmin: true };
    superAgent = await t.signIn('super@example.com', 'super-admin-demo');
    super2Agent = await t.signIn('super2@example.com', 'pw-super2');
    adminAgent = await t.signIn('admin@example.com', 'admin-demo');
  });
  after(async () => {
    await t.close();
    await smtp.stop();
  });

  const create = (owner: Actor = t.superAdmin): Promise<IssuedToken> =>
    t.host.apiAccess.service.create(owner, { name: `Admin-reported ${++seq}`, roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } });
  const api = async (secret: string) => (await t.request.get('/api/v1/whoami').set('authorization', `Bearer ${secret}`)).status;

  it('Report leaked: GET changes nothing, POST without a URL is refused in place, POST with one disables, audits, e-mails and shows the banner', async () => {
    const issued = await create();
    const url = `${BASE}/records/${issued.token.id}/reportLeak`;
    const before = await state(t);
    const opened = await call(superAgent, 'GET', url);
    assert.equal(opened.status, 200);
    assert.deepEqual(opened.body.leakPolicy, { action: 'disable' });
    const noUrl = await call(superAgent, 'POST', url, {});
    assert.equal(noUrl.body.error?.fields?.url?.code, 'INVALID_INPUT');
    const badUrl = await call(superAgent, 'POST', url, { url: 'javascript:alert(1)' });
    assert.equal(badUrl.body.error?.fields?.url?.code, 'INVALID_INPUT');
    assert.deepEqual(await state(t), before, 'the GET and the refused POSTs changed nothing');
    assert.equal(await api(issued.secret), 200);

    const done = await call(superAgent, 'POST', url, { url: FOUND_AT });
    assert.equal(done.body.leakOutcome?.kind, 'handled', done.text);
    assert.match(done.body.notice?.message ?? '', /reported leaked and disabled/);
    assert.equal(await api(issued.secret), 401, 'refused at once');
    const event = await t.host.prisma.apiAuditEvent.findFirstOrThrow({ where: { tokenId: issued.token.id, action: 'token.reported_leaked' } });
    assert.equal(event.actorEmail, 'super@example.com');
    assert.equal((event.details as { url: string }).url, FOUND_AT);
    await t.host.apiAccess.leakReports.settled();
    const mails = smtp.messages.filter((m) => m.text.includes(`(id ${issued.token.id})`));
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.text, /super@example\.com reported it/);
    assert.ok(!mails[0]!.raw.includes(issued.secret));

    const banner = await call(superAgent, 'GET', `${BASE}/records/${issued.token.id}/leakReports`);
    assert.deepEqual(
      banner.body.leakReports?.map((r) => ({ url: r.url, reporter: r.reporter, source: r.source, action: r.action })),
      [{ url: FOUND_AT, reporter: 'super@example.com', source: 'admin', action: 'disabled' }],
    );
    const again = await call(superAgent, 'POST', url, { url: FOUND_AT });
    assert.equal(again.body.leakOutcome?.kind, 'already-reported');
    assert.equal(await t.host.prisma.apiAuditEvent.count({ where: { tokenId: issued.token.id, action: 'token.reported_leaked' } }), 1);
  });

  it("an ordinary admin is refused every leak action; a super admin without the grant cannot report or see others' tokens", async () => {
    const issued = await create();
    const before = await state(t);
    for (const [method, url, body] of [
      ['GET', `${BASE}/records/${issued.token.id}/reportLeak`, {}],
      ['POST', `${BASE}/records/${issued.token.id}/reportLeak`, { url: FOUND_AT }],
      ['GET', `${BASE}/records/${issued.token.id}/leakReports`, {}],
      ['POST', `${BASE}/actions/checkText`, { text: issued.secret }],
    ] as const) {
      const res = await call(adminAgent, method, url, body);
      assert.ok(res.status >= 400 || res.body.notice?.type === 'error' || res.body.error, `ordinary admin ${method} ${url}: ${res.text.slice(0, 200)}`);
      assert.ok(!res.text.includes(issued.secret.slice(-8)));
      const other = await call(super2Agent, method, url, body);
      if (url.endsWith('checkText')) {
        assert.deepEqual(other.body.check, { wellFormed: 1, tokens: [] }, "another super admin's token is not shown");
      } else {
        assert.equal(other.body.error?.code, 'FORBIDDEN', `super admin without the grant ${method} ${url}: ${other.text.slice(0, 200)}`);
      }
    }
    assert.deepEqual(await state(t), before);
    assert.equal(await api(issued.secret), 200);
  });

  it('Check text for tokens: shows the tokens the admin manages, masked to the last four; one-click revoke; a rotated token is left alone', async () => {
    const mine = await create(super2);
    const rotatedBefore = await create(super2);
    const others = await create(t.superAdmin);
    const stranger = generateToken('aat');
    const text = [
      `2026-12-05T09:00:00Z GET /api/v1/vaults Authorization: Bearer ${mine.secret}`,
      `API_TOKEN=${rotatedBefore.secret}`,
      `other=${others.secret} stranger=${stranger} junk=aat_short`,
      `again ${mine.secret}`,
    ].join('\n');
    const res = await call(super2Agent, 'POST', `${BASE}/actions/checkText`, { text });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.check?.wellFormed, 4);
    const found = res.body.check!.tokens;
    assert.deepEqual(found.map((f) => f.id).sort(), [mine.token.id, rotatedBefore.token.id].sort());
    for (const f of found) {
      assert.match(f.maskedToken, /^aat_•+[0-9A-Za-z]{4}$/);
      assert.equal(f.status, 'active');
      assert.equal(f.reported, false);
    }
    for (const secret of [mine.secret, rotatedBefore.secret, others.secret, stranger]) {
      assert.ok(!res.text.includes(secret), 'the answer never carries a secret');
      assert.ok(!res.text.includes(secret.slice(4, 20)), 'nor a long part of one');
    }
    // The token holder (with the grant) sees every token of ours.
    const all = await call(superAgent, 'POST', `${BASE}/actions/checkText`, { text });
    assert.deepEqual(all.body.check?.tokens.map((f) => f.id).sort(), [mine.token.id, rotatedBefore.token.id, others.token.id].sort());

    // One click: the revoke sends the token's id and the last four of the secret found.
    const mineFound = found.find((f) => f.id === mine.token.id)!;
    const revoke = await call(super2Agent, 'POST', `${BASE}/records/${mine.token.id}/reportLeak`, { lastFour: mineFound.lastFour, url: '' });
    assert.equal(revoke.body.leakOutcome?.kind, 'handled', revoke.text);
    assert.equal(await api(mine.secret), 401);
    const report = await t.host.prisma.apiTokenLeakReport.findFirstOrThrow({ where: { tokenId: mine.token.id } });
    assert.equal(report.url, '');

    // Rotated after the check: the found secret is dead already; the new one is not touched.
    const rotatedFound = found.find((f) => f.id === rotatedBefore.token.id)!;
    const rotation = await t.host.apiAccess.service.rotate(super2, rotatedBefore.token.id, {});
    const stale = await call(super2Agent, 'POST', `${BASE}/records/${rotatedBefore.token.id}/reportLeak`, { lastFour: rotatedFound.lastFour, url: '' });
    assert.equal(stale.body.error?.code, 'INVALID_STATE');
    assert.match(stale.body.error?.message ?? '', /new secret since this text was checked/);
    assert.equal(await api(rotation.secret), 200);

    const after = await call(super2Agent, 'POST', `${BASE}/actions/checkText`, { text });
    assert.equal(after.body.check?.tokens.find((f) => f.id === mine.token.id)?.reported, true);
    assert.equal(
      after.body.check?.tokens.find((f) => f.id === rotatedBefore.token.id),
      undefined,
      'the rotated-out secret is no longer one of ours that works',
    );

    const empty = await call(super2Agent, 'POST', `${BASE}/actions/checkText`, { text: '   ' });
    assert.equal(empty.body.error?.fields?.text?.code, 'INVALID_INPUT');
  });
});

describe('leak report policies', () => {
  for (const action of ['delete', 'report-only'] as const) {
    it(`leakReports.action "${action}"`, async () => {
      const t = await startTestHost({ apiAccess: { leakReports: { action } } });
      try {
        await t.host.prisma.apiToken.deleteMany();
        const issued = await t.host.apiAccess.service.create(t.superAdmin, {
          name: 'Policy token',
          roleIds: [t.roles.vaultSummary],
          expiry: { type: 'days', days: 30 },
        });
        const agent = await t.signIn('super@example.com', 'super-admin-demo');
        const res = await call(agent, 'POST', `${BASE}/records/${issued.token.id}/reportLeak`, { url: FOUND_AT });
        assert.equal(res.body.leakOutcome?.kind, 'handled', res.text);
        const status = (await t.request.get('/api/v1/whoami').set('authorization', `Bearer ${issued.secret}`)).status;
        const row = await t.host.prisma.apiToken.findUnique({ where: { id: issued.token.id } });
        const report = await t.host.prisma.apiTokenLeakReport.findFirstOrThrow({ where: { tokenId: issued.token.id } });
        if (action === 'delete') {
          assert.equal(row, null);
          assert.equal(status, 401);
          assert.equal(report.action, 'deleted');
          assert.equal(res.body.leakOutcome?.deleted, true);
          // Reported again after the token is gone: still recognised (the report keeps the secret's hash).
          const again = await t.host.apiAccess.leakReports
            .reportToken(t.superAdmin, issued.token.id, { url: FOUND_AT, urlRequired: true })
            .catch((e: Error) => e);
          assert.match(String((again as Error).message), /No token with id/);
          const fromGithub = await t.host.apiAccess.leakReports.reportSecret(issued.secret, {
            url: FOUND_AT,
            source: 'content',
            reporter: { id: 'github-secret-scanning', email: 'GitHub secret scanning', isSuperAdmin: false },
          });
          assert.equal(fromGithub.kind, 'already-reported');
        } else {
          assert.equal(row?.enabled, true);
          assert.equal(status, 200, 'report-only: it keeps working');
          assert.equal(report.action, 'none');
        }
      } finally {
        await t.close();
      }
    });
  }
});
