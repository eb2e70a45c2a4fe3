/**
 * TokenService operations started at the same time, against the real example host and its SQLite
 * database: the active-token limit, name uniqueness, rotation and state changes hold however the
 * calls interleave, and every call either fully happens (with its one audit event) or fails with
 * a stable error code and leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiAccessError, hashToken, type Actor, type ErrorCode, type IssuedToken } from 'adminjs-api-access';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';

const IP = '203.0.113.20';

function settle<T>(calls: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(calls);
}

function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  return results.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled').map((r) => r.value);
}

/** Every rejection must be an ApiAccessError with one of the expected codes; returns the count per code. */
function rejectionCodes(results: PromiseSettledResult<unknown>[], allowed: ErrorCode[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    if (r.status !== 'rejected') continue;
    const error = r.reason as unknown;
    assert.ok(error instanceof ApiAccessError, `an unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    assert.ok(allowed.includes(error.code), `unexpected code ${error.code}: ${error.message}`);
    counts[error.code] = (counts[error.code] ?? 0) + 1;
  }
  return counts;
}

describe('concurrent token operations', () => {
  let t: TestHost;
  let seq = 0;
  const service = () => t.host.apiAccess.service;
  const prisma = () => t.host.prisma;
  const verify = (secret: string) => t.host.apiAccess.verifier.verify(secret, IP);

  async function user(options: { superAdmin?: boolean } = {}): Promise<Actor> {
    const n = ++seq;
    const row = await prisma().adminUser.create({
      data: {
        email: `concurrent${n}@example.com`,
        name: `Concurrent ${n}`,
        passwordHash: 'not-used',
        role: options.superAdmin ? 'super_admin' : 'admin',
        lastSignInAt: t.host.apiAccess.clock(),
      },
    });
    return { id: row.id, email: row.email, isSuperAdmin: row.role === 'super_admin' };
  }

  function input(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { name: `Concurrent token ${++seq}`, roleIds: [t.roles.onboarding], expiry: { type: 'days', days: 30 }, ...extra };
  }

  async function activeCount(ownerId: string): Promise<number> {
    return (await service().list(t.superAdmin, { ownerId, status: 'active' })).total;
  }

  async function auditCount(): Promise<number> {
    return prisma().apiAuditEvent.count();
  }

  before(async () => {
    t = await startTestHost();
  });
  after(async () => t.close());

  it('20 concurrent creates for one owner with the limit of 5 make exactly 5 tokens and 15 TOKEN_LIMIT_REACHED', async () => {
    const owner = await user();
    const auditBefore = await auditCount();
    const results = await settle(Array.from({ length: 20 }, () => service().create(t.superAdmin, input({ ownerId: owner.id }))));
    const made = fulfilled(results);
    assert.equal(made.length, 5);
    assert.deepEqual(rejectionCodes(results, ['TOKEN_LIMIT_REACHED']), { TOKEN_LIMIT_REACHED: 15 });
    assert.equal(await prisma().apiToken.count({ where: { ownerId: owner.id } }), 5);
    assert.equal(await activeCount(owner.id), 5);
    assert.equal((await auditCount()) - auditBefore, 5, 'one audit event per token made, none for the refused calls');
    const events = await prisma().apiAuditEvent.findMany({ where: { action: 'token.created', tokenId: { in: made.map((m) => m.token.id) } } });
    assert.equal(events.length, 5);
    for (const { secret } of made) assert.equal((await verify(secret)).ok, true);
  });

  it('the limit holds when the owner and a token admin create for the same owner at once', async () => {
    const owner = await user({ superAdmin: true });
    const calls = Array.from({ length: 16 }, (_, i) =>
      i % 2 === 0 ? service().create(owner, input()) : service().create(t.superAdmin, input({ ownerId: owner.id })),
    );
    const results = await settle(calls);
    assert.equal(fulfilled(results).length, 5);
    assert.deepEqual(rejectionCodes(results, ['TOKEN_LIMIT_REACHED']), { TOKEN_LIMIT_REACHED: 11 });
    assert.equal(await prisma().apiToken.count({ where: { ownerId: owner.id } }), 5);
  });

  it('10 concurrent creates with the same name make exactly one token and NAME_TAKEN for the rest', async () => {
    const owner = await user();
    const auditBefore = await auditCount();
    const results = await settle(Array.from({ length: 10 }, () => service().create(t.superAdmin, input({ ownerId: owner.id, name: 'Same name for ten' }))));
    assert.equal(fulfilled(results).length, 1);
    assert.deepEqual(rejectionCodes(results, ['NAME_TAKEN']), { NAME_TAKEN: 9 });
    for (const r of results) if (r.status === 'rejected') assert.ok('name' in (r.reason as ApiAccessError).fields);
    assert.equal(await prisma().apiToken.count({ where: { name: 'Same name for ten' } }), 1);
    assert.equal((await auditCount()) - auditBefore, 1);
  });

  it('10 concurrent creates with the same name for ten different owners make exactly one token', async () => {
    const owners = await Promise.all(Array.from({ length: 10 }, () => user()));
    const results = await settle(owners.map((owner) => service().create(t.superAdmin, input({ ownerId: owner.id, name: 'Same name, ten owners' }))));
    assert.equal(fulfilled(results).length, 1);
    assert.deepEqual(rejectionCodes(results, ['NAME_TAKEN']), { NAME_TAKEN: 9 });
    assert.equal(await prisma().apiToken.count({ where: { name: 'Same name, ten owners' } }), 1);
  });

  it('10 concurrent rotations of one token leave exactly one secret accepted: the one stored', async () => {
    const owner = await user();
    const { token, secret: original } = await service().create(t.superAdmin, input({ ownerId: owner.id }));
    assert.equal((await verify(original)).ok, true);
    const auditBefore = await auditCount();
    const results = await settle(Array.from({ length: 10 }, () => service().rotate(t.superAdmin, token.id)));
    const rotated = fulfilled(results);
    assert.equal(rotated.length, 10, `rotations failed: ${JSON.stringify(rejectionCodes(results, ['INVALID_STATE']))}`);
    const secrets = [original, ...rotated.map((r) => r.secret)];
    assert.equal(new Set(secrets).size, 11);

    const row = await prisma().apiToken.findUniqueOrThrow({ where: { id: token.id } });
    assert.equal(row.previousSecretHash, null);
    const check = async () => {
      const accepted: string[] = [];
      for (const secret of secrets) if ((await verify(secret)).ok) accepted.push(secret);
      return accepted;
    };
    const warm = await check();
    t.host.apiAccess.verifier.clear();
    const cold = await check();
    assert.equal(cold.length, 1, `${cold.length} secrets are accepted after the cache was cleared`);
    assert.deepEqual(warm, cold);
    assert.equal(hashToken(TEST_PEPPER, cold[0]!), row.secretHash);

    // The rotations happened one after another: each replaced the secret the previous one issued.
    const events = await prisma().apiAuditEvent.findMany({ where: { tokenId: token.id, action: 'token.rotated' } });
    assert.equal(events.length, 10);
    assert.equal((await auditCount()) - auditBefore, 10);
    const next = new Map(events.map((e) => [(e.details as { previousLastFour: string }).previousLastFour, (e.details as { lastFour: string }).lastFour]));
    let lastFour = original.slice(-4);
    for (let i = 0; i < 10; i++) {
      const following = next.get(lastFour);
      assert.ok(following, `no rotation replaced the secret ending ${lastFour}`);
      lastFour = following;
    }
    assert.equal(lastFour, row.lastFour);
  });

  it('10 concurrent rotations with a grace period leave exactly the stored secret and its predecessor accepted', async () => {
    const owner = await user();
    const { token, secret: original } = await service().create(t.superAdmin, input({ ownerId: owner.id }));
    const results = await settle(Array.from({ length: 10 }, () => service().rotate(t.superAdmin, token.id, { graceSeconds: 3600 })));
    const rotated = fulfilled(results);
    assert.equal(rotated.length, 10);
    t.host.apiAccess.verifier.clear();
    const accepted: string[] = [];
    for (const secret of [original, ...rotated.map((r) => r.secret)]) if ((await verify(secret)).ok) accepted.push(secret);
    const row = await prisma().apiToken.findUniqueOrThrow({ where: { id: token.id } });
    assert.equal(accepted.length, 2);
    assert.deepEqual(accepted.map((s) => hashToken(TEST_PEPPER, s)).sort(), [row.secretHash, row.previousSecretHash].sort());
    assert.ok(!accepted.includes(original));
  });

  it('concurrent enables at the limit never exceed it', async () => {
    const owner = await user();
    for (let i = 0; i < 4; i++) await service().create(t.superAdmin, input({ ownerId: owner.id }));
    const disabled: IssuedToken[] = [];
    for (let i = 0; i < 6; i++) {
      const issued = await service().create(t.superAdmin, input({ ownerId: owner.id }));
      await service().disable(t.superAdmin, issued.token.id);
      disabled.push(issued);
    }
    assert.equal(await activeCount(owner.id), 4);
    const results = await settle(disabled.map((d) => service().enable(t.superAdmin, d.token.id)));
    assert.equal(fulfilled(results).length, 1);
    assert.deepEqual(rejectionCodes(results, ['TOKEN_LIMIT_REACHED']), { TOKEN_LIMIT_REACHED: 5 });
    assert.equal(await activeCount(owner.id), 5);
    const accepted = (await Promise.all(disabled.map((d) => verify(d.secret)))).filter((r) => r.ok);
    assert.equal(accepted.length, 1);
  });

  it('concurrent enables, creates and a regenerate of an expired token together never exceed the limit', async () => {
    const owner = await user();
    const expiring = await service().create(
      t.superAdmin,
      input({ ownerId: owner.id, expiry: { type: 'date', date: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString() } }),
    );
    for (let i = 0; i < 3; i++) await service().create(t.superAdmin, input({ ownerId: owner.id }));
    const disabled: IssuedToken[] = [];
    for (let i = 0; i < 3; i++) {
      const issued = await service().create(t.superAdmin, input({ ownerId: owner.id, expiry: { type: 'days', days: 60 } }));
      await service().disable(t.superAdmin, issued.token.id);
      disabled.push(issued);
    }
    t.clock.advanceDays(8);
    assert.equal(await activeCount(owner.id), 3);
    const calls: Promise<unknown>[] = [
      ...disabled.map((d) => service().enable(t.superAdmin, d.token.id)),
      service().create(t.superAdmin, input({ ownerId: owner.id })),
      service().create(t.superAdmin, input({ ownerId: owner.id })),
      service().create(t.superAdmin, input({ ownerId: owner.id })),
      service().regenerate(t.superAdmin, expiring.token.id, { expiry: { type: 'days', days: 30 } }),
    ];
    const results = await settle(calls);
    assert.equal(fulfilled(results).length, 2);
    assert.deepEqual(rejectionCodes(results, ['TOKEN_LIMIT_REACHED']), { TOKEN_LIMIT_REACHED: 5 });
    assert.equal(await activeCount(owner.id), 5);
  });

  it('disabling one token from five calls at once succeeds once; the rest are INVALID_STATE with no audit event', async () => {
    const owner = await user();
    const { token, secret } = await service().create(t.superAdmin, input({ ownerId: owner.id }));
    assert.equal((await verify(secret)).ok, true);
    const auditBefore = await auditCount();
    const results = await settle(Array.from({ length: 5 }, () => service().disable(t.superAdmin, token.id)));
    assert.equal(fulfilled(results).length, 1);
    assert.deepEqual(rejectionCodes(results, ['INVALID_STATE']), { INVALID_STATE: 4 });
    assert.equal((await auditCount()) - auditBefore, 1);
    const refused = await verify(secret);
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.reason, 'disabled');
  });

  it('overlapping bulk deletes are each all or nothing, and every token is deleted at most once', async () => {
    const owner = await user();
    const tokens: IssuedToken[] = [];
    for (let i = 0; i < 4; i++) tokens.push(await service().create(t.superAdmin, input({ ownerId: owner.id })));
    const [a, b, c, d] = tokens.map((x) => x.token.id) as [string, string, string, string];
    const sets = [[a, b], [b, c], [a, b, c, d], [d], [c, a]];
    const auditBefore = await auditCount();
    const results = await settle(sets.map((ids) => service().bulkDelete(t.superAdmin, ids)));
    rejectionCodes(results, ['NOT_FOUND', 'INVALID_STATE']);
    const remaining = new Set((await prisma().apiToken.findMany({ where: { ownerId: owner.id }, select: { id: true } })).map((r) => r.id));
    let deleted = 0;
    results.forEach((r, i) => {
      if (r.status !== 'fulfilled') return;
      deleted += r.value.deleted;
      for (const id of sets[i]!) assert.ok(!remaining.has(id), 'a successful bulk delete left one of its tokens');
    });
    assert.ok(deleted >= 1);
    assert.equal(deleted, 4 - remaining.size);
    const events = await prisma().apiAuditEvent.findMany({ where: { action: 'token.deleted', tokenId: { in: [a, b, c, d] } } });
    assert.equal(events.length, deleted, 'one audit event per deleted token');
    assert.equal(new Set(events.map((e) => e.tokenId)).size, deleted);
    assert.equal((await auditCount()) - auditBefore, deleted);
    for (const issued of tokens) {
      const result = await verify(issued.secret);
      assert.equal(result.ok, remaining.has(issued.token.id));
    }
  });

  it('two tokens renamed to the same name at once: one wins, the other is NAME_TAKEN and unchanged', async () => {
    const owner = await user();
    const first = await service().create(t.superAdmin, input({ ownerId: owner.id }));
    const second = await service().create(t.superAdmin, input({ ownerId: owner.id }));
    const results = await settle([
      service().edit(t.superAdmin, first.token.id, { name: 'Contested name' }),
      service().edit(t.superAdmin, second.token.id, { name: 'Contested name' }),
    ]);
    assert.equal(fulfilled(results).length, 1);
    assert.deepEqual(rejectionCodes(results, ['NAME_TAKEN']), { NAME_TAKEN: 1 });
    const names = (await prisma().apiToken.findMany({ where: { id: { in: [first.token.id, second.token.id] } } })).map((r) => r.name).sort();
    assert.equal(names.filter((n) => n === 'Contested name').length, 1);
    assert.ok(names.includes(first.token.name) || names.includes(second.token.name));
  });

  it('a verification racing a rotation never leaves the old secret accepted afterwards', async () => {
    const owner = await user();
    const { token, secret } = await service().create(t.superAdmin, input({ ownerId: owner.id }));
    let current = secret;
    for (let round = 0; round < 15; round++) {
      if (round % 3 === 0) t.host.apiAccess.verifier.clear();
      const old = current;
      const racing = [verify(old), service().rotate(t.superAdmin, token.id), verify(old), verify(old)] as const;
      const [, rotated] = await Promise.all(racing);
      current = rotated.secret;
      const after = await verify(old);
      assert.equal(after.ok, false, `round ${round}: the rotated-out secret is still accepted`);
      assert.equal((await verify(current)).ok, true);
    }
  });

  it('a verification racing a delete never leaves the token accepted afterwards', async () => {
    const owner = await user();
    for (let round = 0; round < 10; round++) {
      const { token, secret } = await service().create(t.superAdmin, input({ ownerId: owner.id }));
      if (round % 2 === 0) await verify(secret);
      await Promise.all([verify(secret), service().delete(t.superAdmin, token.id), verify(secret)]);
      const after = await verify(secret);
      assert.equal(after.ok, false, `round ${round}: a deleted token is still accepted`);
    }
  });
});
