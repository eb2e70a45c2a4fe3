// Rotation with a grace period, end to end through the admin's HTTP API and the sample API:
// the old secret keeps working for exactly the grace chosen (none, 1 hour, 24 hours, as Stripe
// and Unkey offer), and presenting a rotated-out secret after its grace is recorded in the audit
// log (as GitLab does) with the token, the client's address and when, never the secret or its
// hash, at most once per token per minute so that a replaying client cannot flood the table.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type supertest from 'supertest';
import { generateToken } from '../../src/core/token-format.js';
import { hashToken } from '../../src/core/hashing.js';
import { RetiredSecretAudit } from '../../src/core/retired-secret-audit.js';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';
import { prismaStore } from '../../src/store/prisma-store.js';

const SUPER = { email: 'super@example.com', password: 'super-admin-demo' };
const TOKENS = '/admin/api/resources/ApiToken';
const USED = 'token.rotated_secret_used';

describe('rotation grace periods and the audit of rotated-out secrets', () => {
  let t: TestHost;
  let admin: supertest.Agent;
  let seq = 0;

  before(async () => {
    t = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 100 } } });
    admin = await t.signIn(SUPER.email, SUPER.password);
  });
  after(async () => {
    await t.host.prisma.$executeRawUnsafe('ALTER TABLE "ApiAuditEvent_gone" RENAME TO "ApiAuditEvent"').catch(() => undefined);
    await t.close();
  });

  const status = async (secret: string, path = '/api/v1/vaults') => (await t.request.get(path).set('Authorization', `Bearer ${secret}`)).status;

  /** Creates a token and rotates it through the admin's HTTP actions, as the browser does. */
  async function createAndRotate(graceSeconds: number): Promise<{ id: string; name: string; old: string; current: string; rotatedAt: number }> {
    const name = `grace probe ${++seq}`;
    const created = await admin
      .post(`${TOKENS}/actions/new`)
      .send({ name, roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } })
      .expect(200);
    assert.equal(typeof created.body.secret, 'string', JSON.stringify(created.body.notice));
    const id = created.body.record.id as string;
    const rotatedAt = t.clock.now().getTime();
    const rotated = await admin
      .post(`${TOKENS}/records/${id}/rotate`)
      .send({ graceSeconds: String(graceSeconds) })
      .expect(200);
    assert.equal(typeof rotated.body.secret, 'string', JSON.stringify(rotated.body.notice));
    assert.equal(rotated.body.record.id, id, 'same token id');
    return { id, name, old: created.body.secret, current: rotated.body.secret, rotatedAt };
  }

  async function events(tokenId?: string) {
    await t.host.apiAccess.flush();
    return t.host.prisma.apiAuditEvent.findMany({ where: { action: USED, ...(tokenId ? { tokenId } : {}) }, orderBy: { createdAt: 'asc' } });
  }

  for (const [graceSeconds, label] of [
    [0, 'none'],
    [3_600, '1 hour'],
    [86_400, '24 hours'],
  ] as const) {
    it(`grace "${label}" chosen in the admin: the old secret works until exactly ${graceSeconds} s after the rotation, the new one throughout`, async () => {
      const form = await admin.get(`${TOKENS}/records/${(await createAndRotate(0)).id}/rotate`).expect(200);
      assert.deepEqual(form.body.form.rotationGraceSeconds, [0, 3_600, 86_400], 'the rotate form offers none, 1 hour and 24 hours');
      const token = await createAndRotate(graceSeconds);
      const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      if (graceSeconds === 0) {
        assert.equal(row.previousSecretHash, null, 'no grace: the old hash is not kept');
        assert.equal(await status(token.old), 401);
      } else {
        assert.equal(row.previousSecretHash, hashToken(TEST_PEPPER, token.old));
        const end = row.previousSecretExpiresAt!.getTime();
        assert.ok(Math.abs(end - (token.rotatedAt + graceSeconds * 1000)) < 5_000, 'the grace ends the chosen time after the rotation');
        assert.equal(await status(token.old), 200, 'old secret right after the rotation');
        t.clock.advance(end - t.clock.now().getTime() - 1_000);
        assert.equal(await status(token.old), 200, 'old secret one second before the grace ends');
        assert.equal(await status(token.current), 200);
        t.clock.advance(1_000);
        assert.equal(await status(token.old), 401, 'old secret once the grace has ended');
      }
      assert.equal(await status(token.current), 200, 'the new secret works throughout');
    });
  }

  it('a rotated-out secret presented after its grace is audited with token, IP and time, never the secret or its hash', async () => {
    const token = await createAndRotate(3_600);
    // Within the grace: accepted, and nothing to audit.
    assert.equal(await status(token.old), 200);
    assert.deepEqual(await events(token.id), []);
    t.clock.advance(3_600_000);
    const presentedAt = t.clock.now().getTime();
    const res = await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${token.old}`);
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_token', 'the client learns nothing more than for any unknown token');
    const [event, ...more] = await events(token.id);
    assert.ok(event, 'the presentation was audited');
    assert.deepEqual(more, []);
    assert.equal(event.tokenName, token.name);
    assert.equal(event.actorId, 'api-client');
    assert.equal(event.actorEmail, 'API client');
    assert.ok(Math.abs(event.createdAt.getTime() - presentedAt) < 5_000, 'when it was presented');
    const details = event.details as { ip: string; graceEndedAt: string };
    assert.match(details.ip, /^(::ffff:)?127\.0\.0\.1$/, 'the client address Express saw');
    assert.ok(Math.abs(Date.parse(details.graceEndedAt) - (token.rotatedAt + 3_600_000)) < 5_000, 'when the grace ended');
    const stored = JSON.stringify(event);
    for (const secret of [token.old, token.current]) {
      assert.ok(!stored.includes(secret.slice(4, 20)), 'no secret in the event');
      assert.ok(!stored.includes(hashToken(TEST_PEPPER, secret).slice(0, 16)), 'no hash in the event');
    }
    // The super admin sees it in the audit log screen, filtered by action.
    const list = await admin.get(`/admin/api/resources/ApiAuditEvent/actions/list?filters.action=${USED}&filters.tokenId=${token.id}`).expect(200);
    assert.deepEqual(
      list.body.records.map((r: { params: { action: string; tokenName: string } }) => [r.params.action, r.params.tokenName]),
      [[USED, token.name]],
    );
  });

  it('a client replaying it cannot flood the audit table: one event per token per minute', async () => {
    const a = await createAndRotate(3_600);
    const b = await createAndRotate(3_600);
    t.clock.advance(3_600_000);
    for (let i = 0; i < 30; i++) assert.equal(await status(i % 2 ? a.old : b.old), 401);
    assert.equal((await events(a.id)).length, 1, 'token a: one event for 15 presentations');
    assert.equal((await events(b.id)).length, 1, 'token b has its own event');
    t.clock.advance(59_000);
    assert.equal(await status(a.old), 401);
    assert.equal((await events(a.id)).length, 1, 'still one within the minute');
    t.clock.advance(1_000);
    assert.equal(await status(a.old), 401);
    assert.equal((await events(a.id)).length, 2, 'a new event once the minute is over');
  });

  it('audits nothing for the current secret, a secret within its grace, an unknown or a malformed token', async () => {
    const token = await createAndRotate(86_400);
    const before = (await events()).length;
    assert.equal(await status(token.current), 200);
    assert.equal(await status(token.old), 200);
    assert.equal(await status(generateToken('aat')), 401);
    assert.equal(await status(`${token.old.slice(0, -1)}${token.old.endsWith('A') ? 'B' : 'A'}`), 401);
    assert.equal((await events()).length, before);
  });

  it('a secret rotated out without a grace period is refused as unknown: its hash is not kept, so there is nothing to recognise', async () => {
    const token = await createAndRotate(0);
    assert.equal(await status(token.old), 401);
    assert.deepEqual(await events(token.id), []);
    assert.equal(
      await t.host.prisma.apiToken.count({
        where: { OR: [{ secretHash: hashToken(TEST_PEPPER, token.old) }, { previousSecretHash: hashToken(TEST_PEPPER, token.old) }] },
      }),
      0,
    );
  });

  it('a regeneration ends the grace for good: the old secret is then unknown, not audited', async () => {
    const token = await createAndRotate(3_600);
    await admin
      .post(`${TOKENS}/records/${token.id}/regenerate`)
      .send({ expiry: { type: 'days', days: 30 } })
      .expect(200);
    t.clock.advance(3_600_000);
    assert.equal(await status(token.old), 401);
    assert.deepEqual(await events(token.id), []);
  });

  it('when the audit cannot be written the request is still refused, the failure is logged, and the next presentation retries', async () => {
    const token = await createAndRotate(3_600);
    t.clock.advance(3_600_000);
    const warnings = t.logger.lines.length;
    await t.host.prisma.$executeRawUnsafe('ALTER TABLE "ApiAuditEvent" RENAME TO "ApiAuditEvent_gone"');
    try {
      assert.equal(await status(token.old), 401);
      await t.host.apiAccess.flush();
    } finally {
      await t.host.prisma.$executeRawUnsafe('ALTER TABLE "ApiAuditEvent_gone" RENAME TO "ApiAuditEvent"');
    }
    const logged = t.logger.lines.slice(warnings);
    assert.ok(
      logged.some((line) => line.startsWith('warn [api-access] could not audit the use of a rotated-out secret')),
      logged.join('\n'),
    );
    assert.ok(!logged.join('\n').includes(token.old.slice(4, 20)), 'the log line holds no secret');
    assert.equal(await status(token.old), 401);
    assert.equal((await events(token.id)).length, 1, 'written on the next presentation, within the same minute');
  });

  it('remembers a bounded number of tokens', async () => {
    const audit = new RetiredSecretAudit(prismaStore(t.host.prisma), t.clock.now, (error) => assert.fail(String(error)), { maxTracked: 3, intervalMs: 60_000 });
    const tokens = await Promise.all(
      [1, 2, 3, 4, 5].map(async (n) => ({ tokenId: `bounded-${n}`, tokenName: `bounded ${n}`, ip: '203.0.113.9', graceEndedAt: null })),
    );
    for (const use of tokens) assert.equal(audit.report(use), true);
    assert.equal(audit.tracked, 3);
    assert.equal(audit.report(tokens[4]!), false, 'the latest is still remembered');
    await audit.flush();
    assert.equal(await t.host.prisma.apiAuditEvent.count({ where: { tokenId: { startsWith: 'bounded-' } } }), 5);
  });
});
