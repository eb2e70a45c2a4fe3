/**
 * Every token, role and grant operation of the TokenService, run against the real example host
 * on a real SQLite database: what each returns, what it stores, what verification makes of the
 * secrets afterwards, the one audit event each writes, and who may do it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiAuditEvent } from '@prisma/client';
import { ApiAccessError, hashToken, type Actor, type ErrorCode, type IssuedToken, type TokenView, type VerifyResult } from 'adminjs-api-access';
import { startTestHost, TEST_PEPPER, type TestHost, type TestHostOptions } from '../helpers/host.js';

const IP = '203.0.113.10';
const DAY_MS = 86_400_000;

/** Runs a call that must fail and checks the error it fails with. */
async function rejects(call: Promise<unknown>, code: ErrorCode, field?: string): Promise<ApiAccessError> {
  let error: unknown;
  let value: unknown;
  try {
    value = await call;
  } catch (caught) {
    error = caught;
  }
  assert.ok(error !== undefined, `expected ${code}, but the call succeeded with ${JSON.stringify(value)?.slice(0, 300)}`);
  assert.ok(error instanceof ApiAccessError, `expected an ApiAccessError ${code}, got ${String(error)}`);
  assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
  if (field !== undefined) {
    assert.ok(field in error.fields, `expected fields.${field}, got ${JSON.stringify(error.fields)}`);
  }
  return error;
}

function assertOk(result: VerifyResult, message = 'expected the secret to be accepted'): asserts result is Extract<VerifyResult, { ok: true }> {
  assert.equal(result.ok, true, `${message}: ${JSON.stringify(result)}`);
}

function assertRefused(result: VerifyResult, reason: string): void {
  assert.equal(result.ok, false, `expected the secret to be refused (${reason})`);
  if (!result.ok) assert.equal(result.reason, reason);
}

/** A TokenView carries neither the secret nor its hash. */
function assertNoSecretIn(view: TokenView, secret: string): void {
  const json = JSON.stringify(view);
  for (const key of ['secret', 'secretHash', 'previousSecretHash']) assert.ok(!(key in view), `view has ${key}`);
  assert.ok(!json.includes(secret), 'view holds the secret');
  assert.ok(!json.includes(hashToken(TEST_PEPPER, secret)), 'view holds the secret hash');
}

/** A started host with the helpers every test below uses. */
class Harness {
  readonly secrets: string[] = [];
  private seq = 0;

  constructor(readonly t: TestHost) {}

  static async start(options?: TestHostOptions): Promise<Harness> {
    return new Harness(await startTestHost(options));
  }

  get service() {
    return this.t.host.apiAccess.service;
  }

  get prisma() {
    return this.t.host.prisma;
  }

  now(): Date {
    return this.t.host.apiAccess.clock();
  }

  verify(secret: string, ip: string = IP): Promise<VerifyResult> {
    return this.t.host.apiAccess.verifier.verify(secret, ip);
  }

  name(label: string): string {
    return `${label} ${++this.seq}`;
  }

  /** A new admin row, as the host's users table holds them. */
  async user(options: { superAdmin?: boolean; signedIn?: boolean } = {}): Promise<Actor> {
    const n = ++this.seq;
    const row = await this.prisma.adminUser.create({
      data: {
        email: `user${n}@example.com`,
        name: `User ${n}`,
        passwordHash: 'not-used',
        role: options.superAdmin ? 'super_admin' : 'admin',
        lastSignInAt: options.signedIn === false ? null : this.now(),
      },
    });
    return { id: row.id, email: row.email, isSuperAdmin: row.role === 'super_admin' };
  }

  /** Creates a token with sensible defaults; `input` overrides them. */
  async create(actor: Actor, input: Record<string, unknown> = {}): Promise<IssuedToken> {
    const issued = await this.service.create(actor, {
      name: this.name('token'),
      roleIds: [this.t.roles.onboarding],
      expiry: { type: 'days', days: 30 },
      ...input,
    });
    this.secrets.push(issued.secret);
    return issued;
  }

  keep<T extends { secret?: string }>(issued: T): T {
    if (issued.secret) this.secrets.push(issued.secret);
    return issued;
  }

  /** Runs an operation and returns the audit events it wrote. */
  async audited<T>(work: () => Promise<T>): Promise<{ result: T; events: ApiAuditEvent[] }> {
    const before = new Set((await this.prisma.apiAuditEvent.findMany({ select: { id: true } })).map((e) => e.id));
    const result = await work();
    const events = (await this.prisma.apiAuditEvent.findMany({ orderBy: { createdAt: 'asc' } })).filter((e) => !before.has(e.id));
    return { result, events };
  }

  /** Runs an operation that must fail, and checks it wrote no audit event and changed no token. */
  async refused(work: () => Promise<unknown>, code: ErrorCode, field?: string): Promise<ApiAccessError> {
    const before = await this.snapshot();
    const error = await rejects(work(), code, field);
    assert.deepEqual(await this.snapshot(), before, `a refused call (${code}) changed the database`);
    return error;
  }

  async snapshot() {
    const p = this.prisma;
    return {
      tokens: await p.apiToken.findMany({ orderBy: { id: 'asc' } }),
      tags: await p.apiTokenTag.findMany({ orderBy: [{ tokenId: 'asc' }, { tag: 'asc' }] }),
      tokenRoles: await p.apiTokenRole.findMany({ orderBy: [{ tokenId: 'asc' }, { roleId: 'asc' }] }),
      roles: await p.apiRole.findMany({ orderBy: { id: 'asc' } }),
      audit: await p.apiAuditEvent.findMany({ orderBy: { id: 'asc' } }),
      grants: await p.apiTokenAdminGrant.findMany({ orderBy: { userId: 'asc' } }),
    };
  }

  async close(): Promise<void> {
    await this.t.close();
  }
}

function assertAudit(events: ApiAuditEvent[], expected: { action: string; actor: Actor; tokenId?: string | null; tokenName?: string | null }): ApiAuditEvent {
  assert.equal(events.length, 1, `expected exactly one audit event, got ${events.map((e) => e.action).join(', ') || 'none'}`);
  const event = events[0]!;
  assert.equal(event.action, expected.action);
  assert.equal(event.actorId, expected.actor.id);
  assert.equal(event.actorEmail, expected.actor.email);
  if (expected.tokenId !== undefined) assert.equal(event.tokenId, expected.tokenId);
  if (expected.tokenName !== undefined) assert.equal(event.tokenName, expected.tokenName);
  return event;
}

describe('token operations (default policy)', () => {
  let h: Harness;
  let t: TestHost;
  before(async () => {
    h = await Harness.start();
    t = h.t;
  });
  after(async () => h.close());

  describe('create', () => {
    it('returns the secret once, in the deployment pattern, with a view that holds neither secret nor hash', async () => {
      const before = h.now();
      const { result: issued, events } = await h.audited(() =>
        h.create(t.superAdmin, {
          name: 'Create check',
          description: 'Nightly export',
          tags: ['prod', 'Prod', 'export'],
          roleIds: [t.roles.securityAudit, t.roles.vaultSummary],
          expiry: { type: 'days', days: 30 },
          allowedIps: ['198.51.100.7', '2001:db8::/32'],
        }),
      );
      const { secret, token } = issued;
      assert.match(secret, t.host.apiAccess.tokenPattern);
      assert.ok(secret.startsWith('aat_'));
      assertNoSecretIn(token, secret);
      assert.equal(token.name, 'Create check');
      assert.equal(token.description, 'Nightly export');
      assert.deepEqual([...token.tags].sort(), ['export', 'prod']);
      assert.deepEqual(token.roles.map((r) => r.id).sort(), [t.roles.securityAudit, t.roles.vaultSummary].sort());
      assert.deepEqual(token.scopes, ['security-audit:read', 'vault-summary:read']);
      assert.deepEqual(token.allowedIps, ['198.51.100.7/32', '2001:db8:0:0:0:0:0:0/32']);
      assert.equal(token.status, 'active');
      assert.equal(token.enabled, true);
      assert.equal(token.ownerId, t.superAdmin.id);
      assert.equal(token.ownerEmail, t.superAdmin.email);
      assert.equal(token.createdById, t.superAdmin.id);
      assert.equal(token.lastFour, secret.slice(-4));
      assert.equal(token.maskedToken, `aat_••••••••${secret.slice(-4)}`);
      assert.ok(token.expiresAt instanceof Date);
      const expected = before.getTime() + 30 * DAY_MS;
      assert.ok(Math.abs(token.expiresAt.getTime() - expected) < 5_000, 'expires 30 days from now');
      assert.equal(token.previousSecretExpiresAt, null);

      const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.equal(row.secretHash, hashToken(TEST_PEPPER, secret));
      assert.match(row.secretHash, /^[0-9a-f]{64}$/);
      assert.notEqual(row.secretHash, secret);
      assert.equal(row.lastFour, secret.slice(-4));
      assert.equal(row.previousSecretHash, null);
      assert.ok(!JSON.stringify(row).includes(secret), 'the row holds the plaintext secret');

      // Reads never give the secret again.
      assertNoSecretIn(await h.service.get(t.superAdmin, token.id), secret);
      const listed = await h.service.list(t.superAdmin, { search: 'Create check' });
      assert.equal(listed.items.length, 1);
      assertNoSecretIn(listed.items[0]!, secret);

      const event = assertAudit(events, { action: 'token.created', actor: t.superAdmin, tokenId: token.id, tokenName: 'Create check' });
      assert.equal((event.details as Record<string, unknown>).owner, t.superAdmin.email);

      const verified = await h.verify(secret, '198.51.100.7');
      assertOk(verified);
      assert.equal(verified.token.id, token.id);
      assert.deepEqual([...verified.token.scopes], ['security-audit:read', 'vault-summary:read']);
      assertRefused(await h.verify(secret, '198.51.100.8'), 'ip_not_allowed');
    });

    it('issues a different secret and hash for every token', async () => {
      const owner = await h.user();
      const a = await h.create(t.superAdmin, { ownerId: owner.id });
      const b = await h.create(t.superAdmin, { ownerId: owner.id });
      assert.notEqual(a.secret, b.secret);
      const rows = await t.host.prisma.apiToken.findMany({ where: { id: { in: [a.token.id, b.token.id] } } });
      assert.notEqual(rows[0]!.secretHash, rows[1]!.secretHash);
    });

    it('creates for a signed-in user and records them as owner; refuses a user who never signed in or does not exist', async () => {
      await h.refused(() => h.create(t.superAdmin, { ownerId: t.admin.id }), 'OWNER_NEVER_SIGNED_IN', 'ownerId');
      await h.refused(() => h.create(t.superAdmin, { ownerId: 'no-such-user' }), 'USER_NOT_FOUND', 'ownerId');
      await t.host.prisma.adminUser.update({ where: { id: t.admin.id }, data: { lastSignInAt: h.now() } });
      const { result, events } = await h.audited(() => h.create(t.superAdmin, { ownerId: t.admin.id }));
      assert.equal(result.token.ownerId, t.admin.id);
      assert.equal(result.token.ownerEmail, 'admin@example.com');
      assert.equal(result.token.createdById, t.superAdmin.id);
      assert.equal(result.token.createdByEmail, t.superAdmin.email);
      assertAudit(events, { action: 'token.created', actor: t.superAdmin, tokenId: result.token.id });
      assertOk(await h.verify(result.secret));
    });

    it('refuses a disabled host user as owner (USER_NOT_FOUND)', async () => {
      const owner = await h.user();
      await t.host.prisma.adminUser.update({ where: { id: owner.id }, data: { disabled: true } });
      await h.refused(() => h.create(t.superAdmin, { ownerId: owner.id }), 'USER_NOT_FOUND', 'ownerId');
    });
  });

  describe('rotate', () => {
    it('keeps id, name, roles and tags; the old secret is refused on the very next call, the new one accepted', async () => {
      const owner = await h.user();
      const { token, secret: oldSecret } = await h.create(t.superAdmin, {
        ownerId: owner.id,
        tags: ['rotate-me'],
        roleIds: [t.roles.vaultSummary],
      });
      // Cache the old secret's verification first.
      assertOk(await h.verify(oldSecret));
      assertOk(await h.verify(oldSecret));
      const { result, events } = await h.audited(() => h.service.rotate(t.superAdmin, token.id));
      h.keep(result);
      assert.notEqual(result.secret, oldSecret);
      assert.match(result.secret, t.host.apiAccess.tokenPattern);
      assertNoSecretIn(result.token, result.secret);
      assert.equal(result.token.id, token.id);
      assert.equal(result.token.name, token.name);
      assert.deepEqual(result.token.roles, token.roles);
      assert.deepEqual(result.token.tags, token.tags);
      assert.deepEqual(result.token.expiresAt, token.expiresAt);
      assert.deepEqual(result.token.createdAt, token.createdAt);
      assert.equal(result.token.lastFour, result.secret.slice(-4));
      assert.equal(result.token.previousSecretExpiresAt, null);

      assertRefused(await h.verify(oldSecret), 'unknown');
      const fresh = await h.verify(result.secret);
      assertOk(fresh);
      assert.equal(fresh.token.id, token.id);
      assertOk(await h.verify(result.secret));
      assertRefused(await h.verify(oldSecret), 'unknown');

      const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.equal(row.secretHash, hashToken(TEST_PEPPER, result.secret));
      assert.equal(row.previousSecretHash, null);
      const event = assertAudit(events, { action: 'token.rotated', actor: t.superAdmin, tokenId: token.id, tokenName: token.name });
      assert.deepEqual(event.details, { graceSeconds: 0, previousLastFour: oldSecret.slice(-4), lastFour: result.secret.slice(-4) });
    });

    it('with a grace period of 3600 s keeps the old secret working until the clock passes the grace', async () => {
      const owner = await h.user();
      const { token, secret: oldSecret } = await h.create(t.superAdmin, { ownerId: owner.id });
      assertOk(await h.verify(oldSecret));
      const rotatedAt = h.now().getTime();
      const { result } = await h.audited(() => h.service.rotate(t.superAdmin, token.id, { graceSeconds: 3600 }));
      h.keep(result);
      assert.ok(result.token.previousSecretExpiresAt instanceof Date);
      assert.ok(Math.abs(result.token.previousSecretExpiresAt.getTime() - (rotatedAt + 3_600_000)) < 5_000);

      assertOk(await h.verify(oldSecret), 'old secret inside the grace period');
      assertOk(await h.verify(result.secret));
      t.clock.advance(3_590_000);
      assertOk(await h.verify(oldSecret), 'old secret 10 s before the grace ends');
      t.clock.advance(15_000);
      assertRefused(await h.verify(oldSecret), 'unknown');
      assertOk(await h.verify(result.secret));
      assert.equal((await h.service.get(t.superAdmin, token.id)).previousSecretExpiresAt, null);
    });

    it('refuses a grace period that is not offered, and changes nothing', async () => {
      const owner = await h.user();
      const { token, secret } = await h.create(t.superAdmin, { ownerId: owner.id });
      await h.refused(() => h.service.rotate(t.superAdmin, token.id, { graceSeconds: 60 }), 'INVALID_INPUT', 'graceSeconds');
      await h.refused(() => h.service.rotate(t.superAdmin, token.id, { graceSeconds: -3600 }), 'INVALID_INPUT', 'graceSeconds');
      assertOk(await h.verify(secret));
    });
  });

  describe('regenerate', () => {
    it('requires a new expiry (EXPIRY_REQUIRED), then issues a new secret with that expiry; the old one is refused', async () => {
      const owner = await h.user();
      const { token, secret: oldSecret } = await h.create(t.superAdmin, {
        ownerId: owner.id,
        expiry: { type: 'date', date: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString() },
      });
      assertOk(await h.verify(oldSecret));
      await h.refused(() => h.service.regenerate(t.superAdmin, token.id, {}), 'EXPIRY_REQUIRED', 'expiry');
      await h.refused(() => h.service.regenerate(t.superAdmin, token.id, undefined), 'EXPIRY_REQUIRED', 'expiry');
      assertOk(await h.verify(oldSecret));

      const at = h.now().getTime();
      const { result, events } = await h.audited(() => h.service.regenerate(t.superAdmin, token.id, { expiry: { type: 'days', days: 60 } }));
      h.keep(result);
      assert.equal(result.token.id, token.id);
      assert.notEqual(result.secret, oldSecret);
      assertNoSecretIn(result.token, result.secret);
      assert.ok(result.token.expiresAt instanceof Date);
      assert.ok(Math.abs(result.token.expiresAt.getTime() - (at + 60 * DAY_MS)) < 5_000);
      assertRefused(await h.verify(oldSecret), 'unknown');
      assertOk(await h.verify(result.secret));
      const event = assertAudit(events, { action: 'token.regenerated', actor: t.superAdmin, tokenId: token.id, tokenName: token.name });
      const details = event.details as { expiresAt: string[] };
      assert.deepEqual(details.expiresAt, [token.expiresAt!.toISOString(), result.token.expiresAt.toISOString()]);
      const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.equal(row.secretHash, hashToken(TEST_PEPPER, result.secret));
    });

    it('brings an expired token back, and ends a rotation grace period at once', async () => {
      const owner = await h.user();
      const { token, secret: first } = await h.create(t.superAdmin, {
        ownerId: owner.id,
        expiry: { type: 'date', date: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString() },
      });
      const rotated = h.keep(await h.service.rotate(t.superAdmin, token.id, { graceSeconds: 86_400 }));
      assertOk(await h.verify(first), 'in grace');
      t.clock.advanceDays(8);
      assertRefused(await h.verify(rotated.secret), 'expired');
      assert.equal((await h.service.get(t.superAdmin, token.id)).status, 'expired');
      const regenerated = h.keep(await h.service.regenerate(t.superAdmin, token.id, { expiry: { type: 'never' } }));
      assert.equal(regenerated.token.status, 'active');
      assert.equal(regenerated.token.expiresAt, null);
      assertOk(await h.verify(regenerated.secret));
      assertRefused(await h.verify(rotated.secret), 'unknown');
      assertRefused(await h.verify(first), 'unknown');
      const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.equal(row.previousSecretHash, null);
      assert.equal(row.previousSecretExpiresAt, null);
    });
  });

  describe('enable and disable', () => {
    it('a disabled token is refused with reason "disabled", enabled again it is accepted; repeating either is INVALID_STATE', async () => {
      const owner = await h.user();
      const { token, secret } = await h.create(t.superAdmin, { ownerId: owner.id });
      assertOk(await h.verify(secret));

      const disabled = await h.audited(() => h.service.disable(t.superAdmin, token.id));
      assert.equal(disabled.result.status, 'disabled');
      assert.equal(disabled.result.enabled, false);
      assertAudit(disabled.events, { action: 'token.disabled', actor: t.superAdmin, tokenId: token.id, tokenName: token.name });
      const refused = await h.verify(secret);
      assertRefused(refused, 'disabled');
      assert.equal(!refused.ok && refused.tokenId, token.id);
      await h.refused(() => h.service.disable(t.superAdmin, token.id), 'INVALID_STATE');
      assertRefused(await h.verify(secret), 'disabled');

      const enabled = await h.audited(() => h.service.enable(t.superAdmin, token.id));
      assert.equal(enabled.result.status, 'active');
      assertAudit(enabled.events, { action: 'token.enabled', actor: t.superAdmin, tokenId: token.id, tokenName: token.name });
      assertOk(await h.verify(secret));
      await h.refused(() => h.service.enable(t.superAdmin, token.id), 'INVALID_STATE');
      assertOk(await h.verify(secret));
    });

    it('a disabled and expired token shows as disabled', async () => {
      const owner = await h.user();
      const { token, secret } = await h.create(t.superAdmin, {
        ownerId: owner.id,
        expiry: { type: 'date', date: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString() },
      });
      await h.service.disable(t.superAdmin, token.id);
      t.clock.advanceDays(8);
      assert.equal((await h.service.get(t.superAdmin, token.id)).status, 'disabled');
      assertRefused(await h.verify(secret), 'disabled');
      const list = await h.service.list(t.superAdmin, { ownerId: owner.id, status: 'expired' });
      assert.equal(list.total, 0);
      assert.equal((await h.service.list(t.superAdmin, { ownerId: owner.id, status: 'disabled' })).total, 1);
    });
  });

  describe('edit (keep-secret)', () => {
    it('changes name, description, tags, roles and IP ranges, keeps the secret working, and audits before and after', async () => {
      const owner = await h.user();
      const { token, secret } = await h.create(t.superAdmin, {
        ownerId: owner.id,
        name: 'Edit me',
        description: 'before',
        tags: ['one'],
        roleIds: [t.roles.onboarding],
      });
      const cached = await h.verify(secret);
      assertOk(cached);
      assert.deepEqual([...cached.token.scopes], ['onboarding:read']);

      const { result, events } = await h.audited(() =>
        h.service.edit(t.superAdmin, token.id, {
          name: 'Edited',
          description: 'after',
          tags: ['two', 'three'],
          roleIds: [t.roles.securityAudit, t.roles.vaultSummary],
          allowedIps: ['198.51.100.0/24', '2001:db8::/32'],
        }),
      );
      assert.ok(!('secret' in result), 'keep-secret edit returned a secret');
      assertNoSecretIn(result.token, secret);
      assert.equal(result.token.id, token.id);
      assert.equal(result.token.name, 'Edited');
      assert.equal(result.token.description, 'after');
      assert.deepEqual([...result.token.tags].sort(), ['three', 'two']);
      assert.deepEqual(result.token.scopes, ['security-audit:read', 'vault-summary:read']);
      assert.deepEqual(result.token.allowedIps, ['198.51.100.0/24', '2001:db8:0:0:0:0:0:0/32']);
      assert.equal(result.token.lastFour, token.lastFour);

      const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.equal(row.secretHash, hashToken(TEST_PEPPER, secret));
      assert.deepEqual(
        (await t.host.prisma.apiTokenTag.findMany({ where: { tokenId: token.id }, orderBy: { tag: 'asc' } })).map((r) => r.tag),
        ['three', 'two'],
      );
      assert.deepEqual(
        (await t.host.prisma.apiTokenRole.findMany({ where: { tokenId: token.id } })).map((r) => r.roleId).sort(),
        [t.roles.securityAudit, t.roles.vaultSummary].sort(),
      );

      // The cached verification was dropped: new scopes and IP ranges apply on the next call.
      const after = await h.verify(secret, '198.51.100.77');
      assertOk(after);
      assert.equal(after.token.name, 'Edited');
      assert.deepEqual([...after.token.scopes], ['security-audit:read', 'vault-summary:read']);
      assertRefused(await h.verify(secret, IP), 'ip_not_allowed');

      const event = assertAudit(events, { action: 'token.edited', actor: t.superAdmin, tokenId: token.id, tokenName: 'Edited' });
      assert.deepEqual(event.details, {
        name: ['Edit me', 'Edited'],
        description: ['before', 'after'],
        tags: [['one'], ['two', 'three']],
        roles: [['Onboarding & Adoption'], ['Security Audit', 'Vault Summary']],
        allowedIps: [[], ['198.51.100.0/24', '2001:db8:0:0:0:0:0:0/32']],
        secretInvalidated: false,
      });
    });

    it('changes only the fields given', async () => {
      const owner = await h.user();
      const { token, secret } = await h.create(t.superAdmin, { ownerId: owner.id, description: 'old', tags: ['keep'] });
      const { result, events } = await h.audited(() => h.service.edit(t.superAdmin, token.id, { description: 'new' }));
      assert.equal(result.token.description, 'new');
      assert.equal(result.token.name, token.name);
      assert.deepEqual(result.token.tags, ['keep']);
      assert.deepEqual(result.token.roles, token.roles);
      const event = assertAudit(events, { action: 'token.edited', actor: t.superAdmin, tokenId: token.id });
      assert.deepEqual(event.details, { description: ['old', 'new'], secretInvalidated: false });
      assertOk(await h.verify(secret));
    });

    it('refuses an edit that changes nothing (INVALID_INPUT)', async () => {
      const owner = await h.user();
      const { token } = await h.create(t.superAdmin, { ownerId: owner.id, tags: ['a', 'b'], description: 'same' });
      await h.refused(() => h.service.edit(t.superAdmin, token.id, {}), 'INVALID_INPUT');
      await h.refused(() => h.service.edit(t.superAdmin, token.id, { name: token.name }), 'INVALID_INPUT');
      await h.refused(
        () =>
          h.service.edit(t.superAdmin, token.id, {
            name: ` ${token.name} `,
            description: 'same',
            tags: ['b', 'a'],
            roleIds: [t.roles.onboarding],
            allowedIps: [],
          }),
        'INVALID_INPUT',
      );
    });

    it('refuses a name another token has (NAME_TAKEN) and changes nothing', async () => {
      const owner = await h.user();
      const { token } = await h.create(t.superAdmin, { ownerId: owner.id, description: 'x' });
      const taken = await h.refused(() => h.service.edit(t.superAdmin, token.id, { name: 'GRC dashboard', description: 'y' }), 'NAME_TAKEN', 'name');
      assert.equal(taken.message, 'A token named "GRC dashboard" already exists. Choose another name.');
    });
  });

  describe('delete', () => {
    it('is refused by verify at once; audit events and request logs are kept with the token name', async () => {
      const owner = await h.user();
      const { token, secret } = await h.create(t.superAdmin, { ownerId: owner.id, name: 'Doomed', tags: ['x'], roleIds: [t.roles.vaultSummary] });
      // A real request, logged by the host's middleware.
      const whoami = await t.request.get('/api/v1/whoami').set('Authorization', `Bearer ${secret}`).expect(200);
      assert.equal(whoami.body.token.id, token.id);
      await t.host.apiAccess.flush();
      assert.equal(await t.host.prisma.apiRequestLog.count({ where: { tokenId: token.id } }), 1);
      assertOk(await h.verify(secret));

      const { events } = await h.audited(() => h.service.delete(t.superAdmin, token.id));
      const event = assertAudit(events, { action: 'token.deleted', actor: t.superAdmin, tokenId: token.id, tokenName: 'Doomed' });
      assert.deepEqual(event.details, { owner: owner.email, lastFour: secret.slice(-4) });

      assertRefused(await h.verify(secret), 'unknown');
      await t.request.get('/api/v1/whoami').set('Authorization', `Bearer ${secret}`).expect(401);
      assert.equal(await t.host.prisma.apiToken.count({ where: { id: token.id } }), 0);
      assert.equal(await t.host.prisma.apiTokenTag.count({ where: { tokenId: token.id } }), 0);
      assert.equal(await t.host.prisma.apiTokenRole.count({ where: { tokenId: token.id } }), 0);
      await rejects(h.service.get(t.superAdmin, token.id), 'NOT_FOUND', 'id');
      await h.refused(() => h.service.delete(t.superAdmin, token.id), 'NOT_FOUND', 'id');

      const history = await t.host.prisma.apiAuditEvent.findMany({ where: { tokenId: token.id }, orderBy: { createdAt: 'asc' } });
      assert.deepEqual(
        history.map((e) => e.action),
        ['token.created', 'token.deleted'],
      );
      assert.ok(history.every((e) => e.tokenName === 'Doomed'));
      const logs = await t.host.prisma.apiRequestLog.findMany({ where: { tokenId: token.id } });
      assert.equal(logs.length, 1);
      assert.equal(logs[0]!.tokenName, 'Doomed');
    });

    it('bulkDelete deletes all or nothing: one unknown id is NOT_FOUND and nothing is deleted', async () => {
      const owner = await h.user();
      const issued = [
        await h.create(t.superAdmin, { ownerId: owner.id }),
        await h.create(t.superAdmin, { ownerId: owner.id }),
        await h.create(t.superAdmin, { ownerId: owner.id }),
      ];
      const ids = issued.map((i) => i.token.id);
      await h.refused(() => h.service.bulkDelete(t.superAdmin, [ids[0], ids[1], 'no-such-token']), 'NOT_FOUND', 'ids');
      for (const { secret } of issued) assertOk(await h.verify(secret));

      const { result, events } = await h.audited(() => h.service.bulkDelete(t.superAdmin, [...ids, ids[0]]));
      assert.deepEqual(result, { deleted: 3 });
      assert.equal(await t.host.prisma.apiToken.count({ where: { id: { in: ids } } }), 0);
      assert.equal(events.length, 3, 'one audit event per deleted token');
      assert.deepEqual(
        events.map((e) => e.action),
        ['token.deleted', 'token.deleted', 'token.deleted'],
      );
      assert.deepEqual(events.map((e) => e.tokenId).sort(), [...ids].sort());
      assert.deepEqual(events.map((e) => e.tokenName).sort(), issued.map((i) => i.token.name).sort());
      assert.ok(events.every((e) => e.actorId === t.superAdmin.id));
      for (const { secret } of issued) assertRefused(await h.verify(secret), 'unknown');
    });
  });

  describe('list', () => {
    it('filters by status, role, tag and search, pages and sorts; an expired token shows "expired" without any job', async () => {
      const owner = await h.user({ superAdmin: true });
      const make = async (name: string, input: Record<string, unknown>) => {
        const issued = await h.create(owner, { name, ...input });
        t.clock.advance(1_000); // distinct createdAt
        return issued;
      };
      const a = await make('Alpha list', {
        tags: ['alpha', 'shared'],
        roleIds: [t.roles.onboarding],
        expiry: { type: 'date', date: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString() },
      });
      const b = await make('Bravo list', { tags: ['beta', 'shared'], roleIds: [t.roles.securityAudit], expiry: { type: 'days', days: 30 } });
      const c = await make('Charlie list', { tags: ['gamma'], roleIds: [t.roles.vaultSummary, t.roles.onboarding], expiry: { type: 'days', days: 60 } });
      const d = await make('Delta list', { roleIds: [t.roles.securityAudit], expiry: { type: 'never' } });
      await h.service.disable(owner, c.token.id);

      const names = async (query: Record<string, unknown>) => (await h.service.list(owner, query)).items.map((i) => i.name);
      assert.deepEqual(await names({ status: 'active', sortBy: 'name', direction: 'asc' }), ['Alpha list', 'Bravo list', 'Delta list']);
      assert.deepEqual(await names({ status: 'expired' }), []);

      t.clock.advance(7 * DAY_MS);
      // Alpha's expiry has passed; nothing ran in between but the clock.
      const all = await h.service.list(owner, { sortBy: 'name', direction: 'asc' });
      assert.equal(all.total, 4, 'a super admin without the grant lists only their own tokens');
      assert.deepEqual(
        all.items.map((i) => [i.name, i.status]),
        [
          ['Alpha list', 'expired'],
          ['Bravo list', 'active'],
          ['Charlie list', 'disabled'],
          ['Delta list', 'active'],
        ],
      );
      assert.equal((await h.service.get(owner, a.token.id)).status, 'expired');
      assertRefused(await h.verify(a.secret), 'expired');
      assert.deepEqual(await names({ status: 'expired' }), ['Alpha list']);
      assert.deepEqual(await names({ status: 'active', sortBy: 'name', direction: 'asc' }), ['Bravo list', 'Delta list']);
      assert.deepEqual(await names({ status: 'disabled' }), ['Charlie list']);

      assert.deepEqual(await names({ roleId: t.roles.onboarding, sortBy: 'name', direction: 'asc' }), ['Alpha list', 'Charlie list']);
      assert.deepEqual(await names({ roleId: t.roles.securityAudit, sortBy: 'name', direction: 'asc' }), ['Bravo list', 'Delta list']);
      assert.deepEqual(await names({ roleId: 'no-such-role' }), []);
      assert.deepEqual(await names({ tag: 'shared', sortBy: 'name', direction: 'asc' }), ['Alpha list', 'Bravo list']);
      assert.deepEqual(await names({ tag: 'gamma' }), ['Charlie list']);
      assert.deepEqual(await names({ search: 'ravo' }), ['Bravo list']);
      assert.deepEqual(await names({ search: 'Charlie' }), ['Charlie list']);
      assert.deepEqual(await names({ status: 'active', tag: 'shared' }), ['Bravo list']);

      const page1 = await h.service.list(owner, { sortBy: 'name', direction: 'asc', perPage: 3, page: 1 });
      assert.deepEqual(
        page1.items.map((i) => i.name),
        ['Alpha list', 'Bravo list', 'Charlie list'],
      );
      assert.equal(page1.total, 4);
      assert.equal(page1.page, 1);
      assert.equal(page1.perPage, 3);
      const page2 = await h.service.list(owner, { sortBy: 'name', direction: 'asc', perPage: 3, page: 2 });
      assert.deepEqual(
        page2.items.map((i) => i.name),
        ['Delta list'],
      );
      assert.equal(page2.total, 4);
      const page3 = await h.service.list(owner, { sortBy: 'name', direction: 'asc', perPage: 3, page: 3 });
      assert.deepEqual(page3.items, []);
      assert.equal(page3.total, 4);

      assert.deepEqual(await names({ sortBy: 'name', direction: 'desc' }), ['Delta list', 'Charlie list', 'Bravo list', 'Alpha list']);
      assert.deepEqual(await names({}), ['Delta list', 'Charlie list', 'Bravo list', 'Alpha list'], 'newest first by default');
      assert.deepEqual(await names({ sortBy: 'createdAt', direction: 'asc' }), ['Alpha list', 'Bravo list', 'Charlie list', 'Delta list']);
      const byExpiry = (await names({ sortBy: 'expiresAt', direction: 'asc' })).filter((n) => n !== 'Delta list');
      assert.deepEqual(byExpiry, ['Alpha list', 'Bravo list', 'Charlie list']);

      // The token admin sees this owner's tokens when asking for them, and everyone's without a filter.
      const forOwner = await h.service.list(t.superAdmin, { ownerId: owner.id });
      assert.equal(forOwner.total, 4);
      const everyone = await h.service.list(t.superAdmin, { perPage: 500 });
      assert.equal(everyone.total, await t.host.prisma.apiToken.count());
      assert.ok(everyone.items.some((i) => i.id === b.token.id) && everyone.items.some((i) => i.id === d.token.id));
      for (const item of everyone.items) for (const secret of h.secrets) assertNoSecretIn(item, secret);
    });

    it('search is a literal substring of the name: % and _ are not wildcards', async () => {
      const owner = await h.user({ superAdmin: true });
      await h.create(owner, { name: 'Rate 100% ok' });
      await h.create(owner, { name: 'Rate 1000 ok' });
      await h.create(owner, { name: 'ci_deploy' });
      await h.create(owner, { name: 'cixdeploy' });
      const names = async (search: string) => (await h.service.list(owner, { search, sortBy: 'name', direction: 'asc' })).items.map((i) => i.name);
      assert.deepEqual(await names('100%'), ['Rate 100% ok']);
      assert.deepEqual(await names('ci_'), ['ci_deploy']);
      assert.deepEqual(await names('%'), ['Rate 100% ok']);
    });

    it('a search matching more than 999 tokens answers (was a database error); one with % _ or \\ refuses past 900 with SEARCH_TOO_BROAD', async () => {
      // Stored directly: 1,200 tokens of one owner, 3 of another, all with "bulk_search" in their name.
      const rows = (ownerId: string, prefix: string, count: number) =>
        Array.from({ length: count }, (_, i) => ({
          id: `${ownerId}-${i}`,
          name: `Bulk_Search ${prefix}${String(i).padStart(5, '0')}`,
          secretHash: `bulk-hash-${ownerId}-${i}`,
          lastFour: '0000',
          allowedIps: [],
          ownerId,
          ownerEmail: `${ownerId}@example.com`,
          createdById: ownerId,
          createdByEmail: `${ownerId}@example.com`,
        }));
      try {
        const many = rows('bulk-a', '', 1_200);
        for (let from = 0; from < many.length; from += 300) await t.host.prisma.apiToken.createMany({ data: many.slice(from, from + 300) });
        await t.host.prisma.apiToken.createMany({ data: rows('bulk-b', 'B', 3) });

        // No wildcard character: the database compares, however many match.
        const broad = await h.service.list(t.superAdmin, { search: 'SEARCH 0', perPage: 3, sortBy: 'name', direction: 'desc' });
        assert.equal(broad.total, 1_200);
        assert.deepEqual(
          broad.items.map((i) => i.name),
          ['Bulk_Search 01199', 'Bulk_Search 01198', 'Bulk_Search 01197'],
        );

        // With one, the matches are listed first: past 900, narrow it.
        const error = await h.refused(() => h.service.list(t.superAdmin, { search: 'bulk_search' }), 'SEARCH_TOO_BROAD', 'search');
        assert.match(error.message, /More than 900 tokens have "bulk_search" in their name/);
        const ofB = await h.service.list(t.superAdmin, { search: 'bulk_search', ownerId: 'bulk-b', sortBy: 'name', direction: 'asc' });
        assert.deepEqual(
          ofB.items.map((i) => i.id),
          ['bulk-b-0', 'bulk-b-1', 'bulk-b-2'],
        );
        assert.equal((await h.service.list(t.superAdmin, { search: 'bulk_search 0119' })).total, 10, '01190 to 01199');
        // The owner's e-mail, matched the same way: a part in any case; _ matches only itself.
        const byEmail = await h.service.list(t.superAdmin, { ownerEmail: 'BULK-B@', sortBy: 'name', direction: 'asc' });
        assert.deepEqual(
          byEmail.items.map((i) => i.id),
          ['bulk-b-0', 'bulk-b-1', 'bulk-b-2'],
        );
        assert.equal((await h.service.list(t.superAdmin, { ownerEmail: 'bulk_a' })).total, 0, "'_' is not a wildcard");
        assert.equal((await h.service.list(t.superAdmin, { ownerEmail: 'bulk-a@example.com', search: 'search 0119' })).total, 10, 'with a name search');
        assert.equal((await h.service.list(t.superAdmin, { ownerEmail: '%' })).total, 0, "'%' is not a wildcard");
        await h.refused(() => h.service.list(t.superAdmin, { ownerEmail: '   ' }), 'INVALID_INPUT', 'ownerEmail');
        // At the bound: 900 matches answer.
        await t.host.prisma.apiToken.deleteMany({ where: { ownerId: 'bulk-a', id: { in: many.slice(897).map((r) => r.id) } } });
        assert.equal((await h.service.list(t.superAdmin, { search: 'BULK_SEARCH' })).total, 900);
      } finally {
        await t.host.prisma.apiToken.deleteMany({ where: { ownerId: { in: ['bulk-a', 'bulk-b'] } } });
      }
    });

    it("an owner of more than 999 tokens lists their tokens' request logs (was a database error), and only theirs", async () => {
      const owner = await h.user({ superAdmin: true }); // without the token-admin grant: sees only their own
      const other = await h.create(t.superAdmin);
      const tokens = Array.from({ length: 1_200 }, (_, i) => ({
        id: `many-logs-${i}`,
        name: `Many logs ${String(i).padStart(5, '0')}`,
        secretHash: `many-logs-hash-${i}`,
        lastFour: '0000',
        allowedIps: [],
        ownerId: owner.id,
        ownerEmail: owner.email,
        createdById: owner.id,
        createdByEmail: owner.email,
      }));
      const at = (minutes: number) => new Date(h.now().getTime() - minutes * 60_000);
      const log = (tokenId: string, minutes: number) => ({
        tokenId,
        tokenName: tokenId,
        method: 'GET',
        path: '/api/vaults',
        status: 200,
        ip: IP,
        durationMs: 1,
        createdAt: at(minutes),
      });
      try {
        for (let from = 0; from < tokens.length; from += 300) await h.prisma.apiToken.createMany({ data: tokens.slice(from, from + 300) });
        await h.prisma.apiRequestLog.createMany({
          data: [log('many-logs-0', 30), log('many-logs-1199', 20), log('many-logs-600', 10), log(other.token.id, 5), log(other.token.id, 1)],
        });
        const mine = await h.service.listRequestLogs(owner, { perPage: 2 });
        assert.equal(mine.total, 3);
        assert.deepEqual(
          mine.items.map((i) => i.tokenId),
          ['many-logs-600', 'many-logs-1199'],
          'newest first',
        );
        const page2 = await h.service.listRequestLogs(owner, { perPage: 2, page: 2 });
        assert.deepEqual(
          page2.items.map((i) => i.tokenId),
          ['many-logs-0'],
        );
        const period = await h.service.listRequestLogs(owner, { from: at(25), to: at(15) });
        assert.deepEqual(
          period.items.map((i) => i.tokenId),
          ['many-logs-1199'],
        );
        assert.equal(period.total, 1);
        const one = await h.service.listRequestLogs(owner, { tokenId: 'many-logs-1199' });
        assert.deepEqual([one.total, one.items.map((i) => i.tokenId)], [1, ['many-logs-1199']]);
        await h.refused(() => h.service.listRequestLogs(owner, { tokenId: other.token.id }), 'FORBIDDEN');
        assert.equal((await h.service.listRequestLogs(t.superAdmin, { tokenId: other.token.id })).total, 2, 'the grant holder sees them');
      } finally {
        await h.prisma.apiRequestLog.deleteMany({ where: { tokenId: { in: ['many-logs-0', 'many-logs-1199', 'many-logs-600', other.token.id] } } });
        await h.prisma.apiToken.deleteMany({ where: { ownerId: owner.id } });
      }
    });

    it("syncUserEmail copies the directory's current address onto a user's tokens and grant, and nothing else", async () => {
      const owner = await h.user({ superAdmin: true });
      const mine = await h.create(owner);
      const given = await h.create(t.superAdmin, { ownerId: owner.id });
      const bystander = await h.create(await h.user({ superAdmin: true }));
      const rows = () => h.prisma.apiToken.findMany({ where: { id: { in: [mine.token.id, given.token.id, bystander.token.id] } }, orderBy: { id: 'asc' } });
      const before = await rows();
      await h.prisma.adminUser.update({ where: { id: owner.id }, data: { email: 'moved@example.com' } });

      const { result, events } = await h.audited(() => h.service.syncUserEmail(owner.id));
      assert.deepEqual(result, { owned: 2, created: 1, grant: 0 });
      assert.deepEqual(events, [], 'not a change to any token');
      const after = await rows();
      const byId = new Map(after.map((row) => [row.id, row]));
      assert.equal(byId.get(mine.token.id)!.ownerEmail, 'moved@example.com');
      assert.equal(byId.get(mine.token.id)!.createdByEmail, 'moved@example.com');
      assert.equal(byId.get(given.token.id)!.ownerEmail, 'moved@example.com');
      assert.equal(byId.get(given.token.id)!.createdByEmail, t.superAdmin.email, "the author's own address");
      assert.deepEqual(
        byId.get(bystander.token.id),
        before.find((row) => row.id === bystander.token.id),
      );
      assert.deepEqual(
        after.map((row) => row.updatedAt),
        before.map((row) => row.updatedAt),
      );
      assert.equal((await h.service.list(t.superAdmin, { ownerEmail: 'MOVED@' })).total, 2);

      // Again: nothing left to change. A user the directory does not find: nothing changes.
      assert.deepEqual(await h.service.syncUserEmail(owner.id), { owned: 0, created: 0, grant: 0 });
      await h.prisma.adminUser.update({ where: { id: owner.id }, data: { email: 'gone@example.com', disabled: true } });
      assert.deepEqual(await h.service.syncUserEmail(owner.id), { owned: 0, created: 0, grant: 0 });
      assert.deepEqual(await h.service.syncUserEmail('no-such-user'), { owned: 0, created: 0, grant: 0 });
      await h.refused(() => h.service.syncUserEmail(''), 'INVALID_INPUT', 'userId');
      assert.equal((await h.prisma.apiToken.findUnique({ where: { id: mine.token.id } }))!.ownerEmail, 'moved@example.com');
    });

    it('search ignores case, as ListTokensQuery.search documents, the same on every database', async () => {
      const owner = await h.user({ superAdmin: true });
      await h.create(owner, { name: 'Upper Case Name' });
      assert.deepEqual(
        (await h.service.list(owner, { search: 'Upper' })).items.map((i) => i.name),
        ['Upper Case Name'],
      );
      assert.deepEqual(
        (await h.service.list(owner, { search: 'upper case' })).items.map((i) => i.name),
        ['Upper Case Name'],
      );
      assert.deepEqual(
        (await h.service.list(owner, { search: 'lower' })).items.map((i) => i.name),
        [],
      );
      assert.deepEqual(
        (await h.service.list(owner, { search: 'Name\\' })).items.map((i) => i.name),
        [],
      );
    });
  });

  describe('roles', () => {
    it('creates, edits and deletes roles; scope changes reach verify on the next call; ROLE_IN_USE and NAME_TAKEN', async () => {
      const created = await h.audited(() =>
        h.service.createRole(t.superAdmin, { name: 'Reporting', description: 'Reports', scopes: ['reports:read', 'exports:read', 'reports:read'] }),
      );
      const role = created.result;
      assert.equal(role.name, 'Reporting');
      assert.deepEqual(role.scopes, ['exports:read', 'reports:read']);
      const createdEvent = assertAudit(created.events, { action: 'role.created', actor: t.superAdmin, tokenId: null, tokenName: null });
      assert.deepEqual(createdEvent.details, { role: 'Reporting', scopes: ['exports:read', 'reports:read'] });
      const stored = await t.host.prisma.apiRole.findUniqueOrThrow({ where: { id: role.id } });
      assert.deepEqual(stored.scopes, ['exports:read', 'reports:read']);

      const taken = await h.refused(() => h.service.createRole(t.superAdmin, { name: 'Reporting', scopes: ['x:y'] }), 'NAME_TAKEN', 'name');
      assert.equal(taken.message, 'A role named "Reporting" already exists.');
      await h.refused(() => h.service.createRole(t.admin, { name: 'Sneaky', scopes: ['x:y'] }), 'FORBIDDEN');

      const owner = await h.user();
      const { token, secret } = await h.create(t.superAdmin, { ownerId: owner.id, roleIds: [role.id] });
      assert.deepEqual(token.scopes, ['exports:read', 'reports:read']);
      const first = await h.verify(secret);
      assertOk(first);
      assert.deepEqual([...first.token.scopes], ['exports:read', 'reports:read']);

      const edited = await h.audited(() => h.service.editRole(t.superAdmin, role.id, { name: 'Reporting v2', scopes: ['reports:write'] }));
      assert.deepEqual(edited.result.scopes, ['reports:write']);
      const editedEvent = assertAudit(edited.events, { action: 'role.edited', actor: t.superAdmin, tokenId: null });
      assert.deepEqual(editedEvent.details, { role: ['Reporting', 'Reporting v2'], scopes: [['exports:read', 'reports:read'], ['reports:write']] });
      const second = await h.verify(secret);
      assertOk(second);
      assert.deepEqual([...second.token.scopes], ['reports:write']);
      assert.deepEqual((await h.service.get(t.superAdmin, token.id)).scopes, ['reports:write']);

      await h.refused(() => h.service.editRole(t.superAdmin, role.id, { name: 'Security Audit', scopes: ['x:y'] }), 'NAME_TAKEN', 'name');
      await h.refused(() => h.service.editRole(t.superAdmin, 'no-such-role', { name: 'Whatever', scopes: ['x:y'] }), 'NOT_FOUND', 'id');
      await h.refused(() => h.service.editRole(t.admin, role.id, { name: 'Whatever', scopes: ['x:y'] }), 'FORBIDDEN');

      await h.refused(() => h.service.deleteRole(t.superAdmin, role.id), 'ROLE_IN_USE');
      await h.refused(() => h.service.deleteRole(t.admin, role.id), 'FORBIDDEN');
      await h.service.delete(t.superAdmin, token.id);
      const deleted = await h.audited(() => h.service.deleteRole(t.superAdmin, role.id));
      const deletedEvent = assertAudit(deleted.events, { action: 'role.deleted', actor: t.superAdmin, tokenId: null });
      assert.deepEqual(deletedEvent.details, { role: 'Reporting v2' });
      assert.equal(await t.host.prisma.apiRole.count({ where: { id: role.id } }), 0);
      await h.refused(() => h.service.deleteRole(t.superAdmin, role.id), 'NOT_FOUND', 'id');
      assert.ok(!(await h.service.listRoles()).some((r) => r.id === role.id));
    });
  });

  describe('the token-admin grant', () => {
    it('can only be given to a super admin (NOT_SUPER_ADMIN stores nothing) and only by a super admin', async () => {
      await h.refused(() => h.service.grantTokenAdmin(t.superAdmin, t.admin.id), 'NOT_SUPER_ADMIN', 'userId');
      assert.equal(await t.host.prisma.apiTokenAdminGrant.count({ where: { userId: t.admin.id } }), 0);
      await h.refused(() => h.service.grantTokenAdmin(t.superAdmin, 'no-such-user'), 'USER_NOT_FOUND', 'userId');
      const other = await h.user({ superAdmin: true });
      await h.refused(() => h.service.grantTokenAdmin(t.admin, other.id), 'FORBIDDEN');
      await h.refused(() => h.service.grantTokenAdmin(t.admin, t.admin.id), 'FORBIDDEN');
      assert.equal(await t.host.prisma.apiTokenAdminGrant.count({ where: { userId: other.id } }), 0);
    });

    it("lets the grantee manage everyone's tokens until it is revoked", async () => {
      const grantee = await h.user({ superAdmin: true });
      const seeded = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { name: 'GRC dashboard' } });
      await h.refused(() => h.service.get(grantee, seeded.id), 'FORBIDDEN');

      const granted = await h.audited(() => h.service.grantTokenAdmin(t.superAdmin, grantee.id));
      const event = assertAudit(granted.events, { action: 'token_admin.granted', actor: t.superAdmin, tokenId: null });
      assert.deepEqual(event.details, { user: grantee.email });
      const grant = await t.host.prisma.apiTokenAdminGrant.findUniqueOrThrow({ where: { userId: grantee.id } });
      assert.equal(grant.grantedById, t.superAdmin.id);
      assert.equal(grant.userEmail, grantee.email);
      assert.equal((await h.service.get(grantee, seeded.id)).id, seeded.id);
      assert.equal((await h.service.list(grantee, { perPage: 500 })).total, await t.host.prisma.apiToken.count());
      await h.refused(() => h.service.grantTokenAdmin(t.superAdmin, grantee.id), 'INVALID_STATE');

      const revoked = await h.audited(() => h.service.revokeTokenAdmin(t.superAdmin, grantee.id));
      assertAudit(revoked.events, { action: 'token_admin.revoked', actor: t.superAdmin, tokenId: null });
      await h.refused(() => h.service.get(grantee, seeded.id), 'FORBIDDEN');
      await h.refused(() => h.service.revokeTokenAdmin(t.superAdmin, grantee.id), 'NOT_FOUND', 'userId');
    });
  });

  describe('access rules', () => {
    it('an ordinary admin cannot use the feature at all by default (FORBIDDEN)', async () => {
      const seeded = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { name: 'Adoption report' } });
      await h.refused(() => h.create(t.admin), 'FORBIDDEN');
      await h.refused(() => h.service.list(t.admin), 'FORBIDDEN');
      await h.refused(() => h.service.get(t.admin, seeded.id), 'FORBIDDEN');
      await h.refused(() => h.service.rotate(t.admin, seeded.id), 'FORBIDDEN');
      await h.refused(() => h.service.disable(t.admin, seeded.id), 'FORBIDDEN');
      await h.refused(() => h.service.delete(t.admin, seeded.id), 'FORBIDDEN');
      await h.refused(() => h.service.bulkDelete(t.admin, [seeded.id]), 'FORBIDDEN');
    });

    it('a super admin without the grant manages only their own tokens and lists only those', async () => {
      const plain = await h.user({ superAdmin: true });
      const own = await h.create(plain, { name: 'Own token of plain super admin' });
      assert.equal(own.token.ownerId, plain.id);
      const seeded = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { name: 'Vault health sync' } });
      const other = await h.user();

      const listed = await h.service.list(plain, { perPage: 500 });
      assert.deepEqual(
        listed.items.map((i) => i.id),
        [own.token.id],
      );
      assert.equal(listed.total, 1);
      await h.refused(() => h.service.list(plain, { ownerId: t.superAdmin.id }), 'FORBIDDEN');
      await h.refused(() => h.service.get(plain, seeded.id), 'FORBIDDEN');
      await h.refused(() => h.service.rotate(plain, seeded.id), 'FORBIDDEN');
      await h.refused(() => h.service.regenerate(plain, seeded.id, { expiry: { type: 'days', days: 30 } }), 'FORBIDDEN');
      await h.refused(() => h.service.disable(plain, seeded.id), 'FORBIDDEN');
      await h.refused(() => h.service.edit(plain, seeded.id, { description: 'hijacked' }), 'FORBIDDEN');
      await h.refused(() => h.service.delete(plain, seeded.id), 'FORBIDDEN');
      await h.refused(() => h.service.bulkDelete(plain, [own.token.id, seeded.id]), 'FORBIDDEN');
      await h.refused(() => h.create(plain, { ownerId: other.id }), 'FORBIDDEN');
      await h.refused(() => h.create(plain, { ownerId: t.superAdmin.id }), 'FORBIDDEN');

      // Their own token they may manage.
      h.keep(await h.service.rotate(plain, own.token.id));
      await h.service.edit(plain, own.token.id, { description: 'mine' });
      await h.service.delete(plain, own.token.id);
    });
  });

  describe('the active-token limit (5 by default)', () => {
    it('counts only enabled, unexpired tokens; enabling or regenerating past the limit is refused', async () => {
      const owner = await h.user();
      const make = (input: Record<string, unknown> = {}) => h.create(t.superAdmin, { ownerId: owner.id, ...input });
      const t1 = await make({ expiry: { type: 'date', date: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString() } });
      const t2 = await make();
      const t3 = await make();
      await make();
      await make();
      await h.refused(() => make(), 'TOKEN_LIMIT_REACHED');

      // An expired token does not count.
      t.clock.advanceDays(8);
      assert.equal((await h.service.get(t.superAdmin, t1.token.id)).status, 'expired');
      const t6 = await make();
      await h.refused(() => make(), 'TOKEN_LIMIT_REACHED');
      // Regenerating the expired token would make six.
      await h.refused(() => h.service.regenerate(t.superAdmin, t1.token.id, { expiry: { type: 'days', days: 30 } }), 'TOKEN_LIMIT_REACHED');
      assertRefused(await h.verify(t1.secret), 'expired');
      // Regenerating an active token at the limit is fine: it does not add one.
      h.keep(await h.service.regenerate(t.superAdmin, t3.token.id, { expiry: { type: 'days', days: 30 } }));

      // A disabled token does not count, and enabling it past the limit is refused.
      await h.service.disable(t.superAdmin, t2.token.id);
      const t7 = await make();
      await h.refused(() => h.service.enable(t.superAdmin, t2.token.id), 'TOKEN_LIMIT_REACHED');
      assertRefused(await h.verify(t2.secret), 'disabled');
      assert.equal((await h.service.list(t.superAdmin, { ownerId: owner.id, status: 'active' })).total, 5);

      await h.service.delete(t.superAdmin, t7.token.id);
      await h.service.enable(t.superAdmin, t2.token.id);
      assertOk(await h.verify(t2.secret));
      await h.service.delete(t.superAdmin, t6.token.id);
      h.keep(await h.service.regenerate(t.superAdmin, t1.token.id, { expiry: { type: 'days', days: 30 } }));
      assert.equal((await h.service.list(t.superAdmin, { ownerId: owner.id, status: 'active' })).total, 5);
    });
  });

  it('no audit event, view or log line ever holds a secret or its hash', async () => {
    assert.ok(h.secrets.length > 20, `only ${h.secrets.length} secrets were collected`);
    const audit = JSON.stringify(await t.host.prisma.apiAuditEvent.findMany());
    const tokens = JSON.stringify(await t.host.prisma.apiToken.findMany());
    const logs = t.logger.lines.join('\n');
    for (const secret of h.secrets) {
      const hash = hashToken(TEST_PEPPER, secret);
      assert.ok(!audit.includes(secret), 'an audit event holds a secret');
      assert.ok(!audit.includes(hash), 'an audit event holds a secret hash');
      assert.ok(!tokens.includes(secret), 'a token row holds a plaintext secret');
      assert.ok(!logs.includes(secret), 'a log line holds a secret');
    }
    for (const row of await t.host.prisma.apiToken.findMany()) {
      assert.ok(!audit.includes(row.secretHash), 'an audit event holds a stored hash');
      if (row.previousSecretHash) assert.ok(!audit.includes(row.previousSecretHash));
    }
  });
});

describe('expiry at the exact instant (frozen clock)', () => {
  let h: Harness;
  let frozen = Date.now();
  before(async () => {
    h = await Harness.start({ apiAccess: { clock: () => new Date(frozen) } });
  });
  after(async () => h.close());

  it('a token whose expiry equals now is expired: in its status, in list filters, in verify and in the limit', async () => {
    const t = h.t;
    const owner = await h.user();
    const expiresAt = new Date(frozen + 2 * DAY_MS);
    const { token, secret } = await h.create(t.superAdmin, { ownerId: owner.id, expiry: { type: 'date', date: expiresAt } });
    assert.deepEqual(token.expiresAt, expiresAt);
    for (let i = 0; i < 4; i++) await h.create(t.superAdmin, { ownerId: owner.id });

    frozen = expiresAt.getTime() - 1;
    assert.equal((await h.service.get(t.superAdmin, token.id)).status, 'active');
    assertOk(await h.verify(secret));
    await rejects(h.create(t.superAdmin, { ownerId: owner.id }), 'TOKEN_LIMIT_REACHED');

    frozen = expiresAt.getTime();
    assert.equal((await h.service.get(t.superAdmin, token.id)).status, 'expired');
    assertRefused(await h.verify(secret), 'expired');
    const expired = await h.service.list(t.superAdmin, { ownerId: owner.id, status: 'expired' });
    assert.deepEqual(
      expired.items.map((i) => i.id),
      [token.id],
    );
    const active = await h.service.list(t.superAdmin, { ownerId: owner.id, status: 'active' });
    assert.equal(active.total, 4);
    assert.ok(!active.items.some((i) => i.id === token.id));
    await h.create(t.superAdmin, { ownerId: owner.id });
  });

  it('an expiry date equal to now is in the past (EXPIRY_IN_PAST), one millisecond later is accepted', async () => {
    const t = h.t;
    await h.refused(() => h.create(t.superAdmin, { expiry: { type: 'date', date: new Date(frozen) } }), 'EXPIRY_IN_PAST', 'expiry');
    const { token } = await h.create(t.superAdmin, { expiry: { type: 'date', date: new Date(frozen + 1) } });
    assert.equal(token.status, 'active');
    assert.equal(token.expiresAt?.getTime(), frozen + 1);
  });
});

describe('edit policy "invalidate-secret"', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ apiAccess: { policy: { editPolicy: 'invalidate-secret' } } });
  });
  after(async () => h.close());

  it('returns a new secret on edit; the old one is refused on the next call', async () => {
    const t = h.t;
    const { token, secret: oldSecret } = await h.create(t.superAdmin, { name: 'Invalidate me' });
    assertOk(await h.verify(oldSecret));
    const { result, events } = await h.audited(() => h.service.edit(t.superAdmin, token.id, { name: 'Invalidated', tags: ['new'] }));
    h.keep(result);
    assert.ok(result.secret !== undefined, 'no new secret was returned');
    assert.match(result.secret, t.host.apiAccess.tokenPattern);
    assert.notEqual(result.secret, oldSecret);
    assertNoSecretIn(result.token, result.secret);
    assert.equal(result.token.id, token.id);
    assert.equal(result.token.name, 'Invalidated');
    assert.equal(result.token.lastFour, result.secret.slice(-4));
    assertRefused(await h.verify(oldSecret), 'unknown');
    const fresh = await h.verify(result.secret);
    assertOk(fresh);
    assert.equal(fresh.token.name, 'Invalidated');
    const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    assert.equal(row.secretHash, hashToken(TEST_PEPPER, result.secret));
    const event = assertAudit(events, { action: 'token.edited', actor: t.superAdmin, tokenId: token.id, tokenName: 'Invalidated' });
    assert.equal((event.details as { secretInvalidated: boolean }).secretInvalidated, true);
    assert.ok(!JSON.stringify(event).includes(result.secret) && !JSON.stringify(event).includes(row.secretHash));
  });

  it('a refused edit leaves the old secret working', async () => {
    const t = h.t;
    const { token, secret } = await h.create(t.superAdmin, { description: 'same' });
    assertOk(await h.verify(secret));
    await h.refused(() => h.service.edit(t.superAdmin, token.id, { description: 'same' }), 'INVALID_INPUT');
    await h.refused(() => h.service.edit(t.superAdmin, token.id, { name: 'GRC dashboard' }), 'NAME_TAKEN', 'name');
    assertOk(await h.verify(secret));
  });
});

describe('edit policy "forbid"', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ apiAccess: { policy: { editPolicy: 'forbid' } } });
  });
  after(async () => h.close());

  it('refuses every edit with EDIT_FORBIDDEN and changes nothing; rotation still works', async () => {
    const t = h.t;
    const { token, secret } = await h.create(t.superAdmin, { name: 'Frozen settings' });
    await h.refused(() => h.service.edit(t.superAdmin, token.id, { name: 'Renamed' }), 'EDIT_FORBIDDEN');
    await h.refused(() => h.service.edit(t.superAdmin, token.id, { tags: ['x'] }), 'EDIT_FORBIDDEN');
    assertOk(await h.verify(secret));
    const rotated = h.keep(await h.service.rotate(t.superAdmin, token.id));
    assertOk(await h.verify(rotated.secret));
  });
});

describe('allowPersonalTokens', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({ apiAccess: { allowPersonalTokens: true } });
  });
  after(async () => h.close());

  it('lets an ordinary admin create and manage their own tokens, and only those', async () => {
    const t = h.t;
    const { result: own, events } = await h.audited(() => h.create(t.admin, { name: 'Personal token' }));
    assertAudit(events, { action: 'token.created', actor: t.admin, tokenId: own.token.id });
    assert.equal(own.token.ownerId, t.admin.id);
    assert.equal(own.token.ownerEmail, 'admin@example.com');
    assertOk(await h.verify(own.secret));

    const listed = await h.service.list(t.admin, { perPage: 500 });
    assert.deepEqual(
      listed.items.map((i) => i.id),
      [own.token.id],
    );
    const rotated = h.keep(await h.service.rotate(t.admin, own.token.id));
    assertRefused(await h.verify(own.secret), 'unknown');
    await h.service.disable(t.admin, own.token.id);
    await h.service.enable(t.admin, own.token.id);
    await h.service.edit(t.admin, own.token.id, { description: 'mine' });
    assertOk(await h.verify(rotated.secret));

    const seeded = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { name: 'GRC dashboard' } });
    await h.refused(() => h.service.get(t.admin, seeded.id), 'FORBIDDEN');
    await h.refused(() => h.service.rotate(t.admin, seeded.id), 'FORBIDDEN');
    await h.refused(() => h.service.disable(t.admin, seeded.id), 'FORBIDDEN');
    await h.refused(() => h.service.edit(t.admin, seeded.id, { description: 'x' }), 'FORBIDDEN');
    await h.refused(() => h.service.delete(t.admin, seeded.id), 'FORBIDDEN');
    await h.refused(() => h.service.bulkDelete(t.admin, [own.token.id, seeded.id]), 'FORBIDDEN');
    await h.refused(() => h.service.list(t.admin, { ownerId: t.superAdmin.id }), 'FORBIDDEN');
    await h.refused(() => h.create(t.admin, { ownerId: t.superAdmin.id }), 'FORBIDDEN');
    await h.refused(() => h.service.createRole(t.admin, { name: 'Mine', scopes: ['a:b'] }), 'FORBIDDEN');
    await h.refused(() => h.service.grantTokenAdmin(t.admin, t.admin.id), 'FORBIDDEN');

    // The token admin sees it.
    assert.ok((await h.service.list(t.superAdmin, { ownerId: t.admin.id })).items.some((i) => i.id === own.token.id));
    await h.service.delete(t.admin, own.token.id);
    assertRefused(await h.verify(rotated.secret), 'unknown');
  });
});
