// Who may do what in the API Access section, over real HTTP against the real example host.
//
// Every action of every plugin resource is driven with GET and with POST as an anonymous
// visitor, an ordinary admin, a super admin without the token-admin grant and the super admin
// who holds it (and, on a second host with allowPersonalTokens, an ordinary admin managing their
// own tokens). Each outcome is asserted exactly. Around every call, all rows of the plugin's
// tables are read before and after: a refused call and any GET must change nothing, an allowed
// POST must make exactly its change. Every response body is searched for secret hashes, password
// hashes and their field names.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import type { Actor } from 'adminjs-api-access';
import { hashPassword } from '../../example-app/src/users.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

type Agent = supertest.Agent;

/** What a deleted token's page may tell. */
const pick = (params: Record<string, unknown>) =>
  Object.fromEntries(['deleted', 'name', 'deletedByEmail'].filter((key) => params[key] !== undefined).map((key) => [key, params[key]]));
type Method = 'GET' | 'POST';
type Kind = 'resource' | 'record' | 'bulk';

interface Call {
  resource: string;
  action: string;
  kind: Kind;
  method: Method;
  recordId?: string;
  ids?: string[];
  body?: Record<string, unknown>;
  /** For GET search: the {query} path segment. For list: a query string. */
  query?: string;
}

interface RecordBody {
  id?: string | number;
  params: Record<string, unknown>;
  baseError?: { type: string; message: string } | null;
}

interface Body {
  notice?: { message: string; type: string };
  error?: { code: string; message: string; fields?: Record<string, { code: string }> };
  record?: RecordBody;
  records?: RecordBody[];
  meta?: { total: number };
  secret?: string;
  form?: { canChooseOwner: boolean; owners: Array<{ id: string; email: string }>; currentUser: { id: string } };
}

type Outcome =
  | { kind: 'login' }
  /** AdminJS refuses before the handler runs: a ForbiddenError notice, with no record data. */
  /** message null: any message, since the refusal may come from AdminJS or from the plugin's fresh access check. */
  | { kind: 'forbidden'; message: string | null }
  /** The plugin's core refuses: an error notice with this code. */
  | { kind: 'core'; code: string }
  /** A plain HTTP status (AdminJS throws before any action runs). */
  | { kind: 'http'; status: number }
  /** Refused one way or another: an HTTP error status, or an error notice without data. */
  | { kind: 'refused' }
  | { kind: 'read' }
  | { kind: 'success' };

const LOGIN: Outcome = { kind: 'login' };
const DENIED: Outcome = { kind: 'forbidden', message: null };
const READ: Outcome = { kind: 'read' };
const core = (code: string): Outcome => ({ kind: 'core', code });
/** ...and cannot find its records for a bulk action. */

type Verify = (res: supertest.Response, body: Body, before: Snapshot, after: Snapshot, sent: Call) => void | Promise<void>;

/** What one cell of the matrix expects; a POST that is allowed to change data brings its own fixture. */
interface Expectation {
  outcome: Outcome;
  verify?: Verify;
  /** Builds a fresh target before the call (for allowed POSTs) and says what the call should change. */
  prepare?: () => Promise<Partial<Call>>;
}

interface ActionSpec {
  action: string;
  kind: Kind;
}

const STD_ACTIONS: ActionSpec[] = [
  { action: 'list', kind: 'resource' },
  { action: 'search', kind: 'resource' },
  { action: 'new', kind: 'resource' },
  { action: 'show', kind: 'record' },
  { action: 'edit', kind: 'record' },
  { action: 'delete', kind: 'record' },
  { action: 'bulkDelete', kind: 'bulk' },
];

const TOKEN_RECORD_ACTIONS = ['show', 'edit', 'rotate', 'regenerate', 'enable', 'disable', 'delete'] as const;
type TokenRecordAction = (typeof TOKEN_RECORD_ACTIONS)[number];
type MutatingTokenAction = Exclude<TokenRecordAction, 'show'> | 'bulkDelete';

const TOKEN_ACTIONS: ActionSpec[] = [
  { action: 'list', kind: 'resource' },
  { action: 'search', kind: 'resource' },
  { action: 'new', kind: 'resource' },
  ...TOKEN_RECORD_ACTIONS.map((action) => ({ action, kind: 'record' as const })),
  { action: 'bulkDelete', kind: 'bulk' },
];

const RESOURCES: Record<string, ActionSpec[]> = {
  ApiToken: TOKEN_ACTIONS,
  ApiRole: STD_ACTIONS,
  ApiTokenRole: STD_ACTIONS,
  ApiRequestLog: STD_ACTIONS,
  ApiAuditEvent: STD_ACTIONS,
  ApiTokenAdminGrant: STD_ACTIONS,
};
const RESOURCE_IDS = Object.keys(RESOURCES);
const METHODS: Method[] = ['GET', 'POST'];

const TOKEN_AUDIT: Record<MutatingTokenAction, string> = {
  edit: 'token.edited',
  rotate: 'token.rotated',
  regenerate: 'token.regenerated',
  enable: 'token.enabled',
  disable: 'token.disabled',
  delete: 'token.deleted',
  bulkDelete: 'token.deleted',
};

async function readSnapshot(t: TestHost) {
  const p = t.host.prisma;
  const [tokens, roles, tokenRoles, tags, audits, grants, logs, users] = await Promise.all([
    p.apiToken.findMany({ orderBy: { id: 'asc' } }),
    p.apiRole.findMany({ orderBy: { id: 'asc' } }),
    p.apiTokenRole.findMany({ orderBy: [{ tokenId: 'asc' }, { roleId: 'asc' }] }),
    p.apiTokenTag.findMany({ orderBy: [{ tokenId: 'asc' }, { tag: 'asc' }] }),
    p.apiAuditEvent.findMany({ orderBy: { id: 'asc' } }),
    p.apiTokenAdminGrant.findMany({ orderBy: { userId: 'asc' } }),
    p.apiRequestLog.findMany({ orderBy: { id: 'asc' } }),
    p.adminUser.findMany({ select: { passwordHash: true } }),
  ]);
  return { tokens, roles, tokenRoles, tags, audits, grants, logs, passwordHashes: users.map((u) => u.passwordHash) };
}
type Snapshot = Awaited<ReturnType<typeof readSnapshot>>;

function tables(s: Snapshot) {
  const { passwordHashes: _ignored, ...rest } = s;
  return rest;
}

function newAudits(before: Snapshot, after: Snapshot) {
  const known = new Set(before.audits.map((a) => a.id));
  return after.audits.filter((a) => !known.has(a.id));
}

function urlOf(c: Call): string {
  const base = `/admin/api/resources/${c.resource}`;
  if (c.kind === 'resource') {
    if (c.action === 'search' && c.method === 'GET') return `${base}/actions/search/${encodeURIComponent(c.query ?? '')}`;
    return `${base}/actions/${c.action}${c.query && c.action !== 'search' ? `?${c.query}` : ''}`;
  }
  if (c.kind === 'record') return `${base}/records/${encodeURIComponent(c.recordId ?? 'missing')}/${c.action}`;
  return `${base}/bulk/${c.action}?recordIds=${(c.ids ?? []).map(encodeURIComponent).join(',')}`;
}

const FORBIDDEN_WORDS = ['secretHash', 'previousSecretHash', 'passwordHash'];

/** Drives calls, checks outcomes, snapshots and leaks; collects failures so one `it` reports its whole matrix. */
class Harness {
  readonly hashes = new Set<string>();
  readonly responses: Array<{ label: string; text: string }> = [];
  failures: string[] = [];
  calls = 0;
  cells = 0;
  private seq = 0;

  constructor(readonly t: TestHost) {}

  unique(prefix: string): string {
    this.seq += 1;
    return `${prefix} ${this.seq}`;
  }

  async snapshot(): Promise<Snapshot> {
    const s = await readSnapshot(this.t);
    for (const token of s.tokens) {
      this.hashes.add(token.secretHash);
      if (token.previousSecretHash) this.hashes.add(token.previousSecretHash);
    }
    for (const hash of s.passwordHashes) this.hashes.add(hash);
    return s;
  }

  leaksIn(text: string): string[] {
    const found = FORBIDDEN_WORDS.filter((w) => text.includes(w));
    if (/\$2[aby]\$\d\d\$/.test(text)) found.push('a bcrypt hash');
    for (const hash of this.hashes) if (text.includes(hash)) found.push(`hash ${hash.slice(0, 8)}…`);
    return found;
  }

  async send(agent: Agent, c: Call): Promise<supertest.Response> {
    const url = urlOf(c);
    const res = c.method === 'GET' ? await agent.get(url) : await agent.post(url).send(c.body ?? {});
    this.calls += 1;
    this.responses.push({ label: `${c.method} ${url}`, text: res.text ?? '' });
    return res;
  }

  /** One cell: snapshot, call, check the outcome, the data and the response; failures are collected. */
  async cell(who: string, agent: Agent, base: Call, expectation: Expectation): Promise<Body | undefined> {
    this.cells += 1;
    let label = `${who}: ${base.method} ${base.resource}.${base.action}`;
    try {
      const c: Call = { ...base, ...(expectation.prepare ? await expectation.prepare() : {}) };
      label = `${who}: ${c.method} ${urlOf(c)}`;
      const before = await this.snapshot();
      const res = await this.send(agent, c);
      const after = await this.snapshot();
      const body = (res.body ?? {}) as Body;
      const leaks = this.leaksIn(res.text ?? '');
      assert.deepEqual(leaks, [], 'the response must not contain secrets');
      checkOutcome(res, body, expectation.outcome);
      if (c.method === 'GET') assert.equal(body.secret, undefined, 'a GET never returns a secret');
      if (expectation.outcome.kind !== 'success' || c.method === 'GET') {
        assert.deepStrictEqual(tables(after), tables(before), 'nothing may change');
      }
      if (expectation.verify) await expectation.verify(res, body, before, after, c);
      return body;
    } catch (error) {
      this.failures.push(`${label}: ${error instanceof Error ? error.message.split('\n').slice(0, 12).join('\n') : String(error)}`);
      return undefined;
    }
  }

  /** Runs the GET and POST of every action of a resource against its expectations. */
  async sweep(who: string, agent: Agent, resource: string, target: Target, expect: (spec: ActionSpec, method: Method) => Expectation): Promise<void> {
    for (const spec of RESOURCES[resource] ?? []) {
      for (const method of METHODS) {
        const base: Call = {
          resource,
          action: spec.action,
          kind: spec.kind,
          method,
          ...(spec.kind === 'record' ? { recordId: target.recordId } : {}),
          ...(spec.kind === 'bulk' ? { ids: [target.recordId] } : {}),
          ...(spec.action === 'search' ? { query: target.searchQuery } : {}),
          ...(spec.action === 'list' ? { query: 'perPage=500' } : {}),
          ...(method === 'POST' ? { body: target.body(spec.action) } : {}),
        };
        await this.cell(who, agent, base, expect(spec, method));
      }
    }
  }

  assertNoFailures(): void {
    const failures = this.failures;
    this.failures = [];
    assert.equal(failures.length, 0, `${failures.length} failing cell(s):\n\n${failures.join('\n\n')}`);
  }

  /** Every response so far against every hash ever seen in the tables. */
  assertNoLeakAnywhere(): void {
    const leaks = this.responses.flatMap((r) => this.leaksIn(r.text).map((l) => `${r.label}: ${l}`));
    assert.deepEqual(leaks, []);
  }
}

interface Target {
  recordId: string;
  searchQuery: string;
  body(action: string): Record<string, unknown>;
}

/** Whether a flattened record param is just the request payload sent back ("scopes.0" for scopes[0]). */
function isEchoOf(payload: Record<string, unknown>, key: string, value: unknown): boolean {
  const [head, index] = key.split('.');
  const sent = payload[head ?? key];
  if (index !== undefined && Array.isArray(sent)) return sent[Number(index)] === value;
  return sent === value;
}

function checkOutcome(res: supertest.Response, body: Body, outcome: Outcome): void {
  const seen = `HTTP ${res.status} ${(res.text ?? '').slice(0, 300)}`;
  switch (outcome.kind) {
    case 'login':
      assert.equal(res.status, 302, seen);
      assert.equal(res.headers.location, '/admin/login', seen);
      return;
    case 'http':
      assert.equal(res.status, outcome.status, seen);
      return;
    case 'refused':
      if (res.status >= 400) return;
      assert.equal(res.status, 200, seen);
      assert.equal(body.notice?.type, 'error', seen);
      assert.deepEqual(body.records ?? [], [], seen);
      assert.deepEqual(body.record?.params ?? {}, {}, seen);
      return;
    case 'forbidden':
      assert.equal(res.status, 200, seen);
      assert.equal(body.notice?.type, 'error', seen);
      if (outcome.message === null) assert.ok(typeof body.notice?.message === 'string' && body.notice.message.length > 0, seen);
      else assert.equal(body.notice?.message, outcome.message, seen);
      assert.equal(body.record?.baseError?.type, 'ForbiddenError', seen);
      assert.deepEqual(body.record?.params, {}, `no record data on a refusal: ${seen}`);
      assert.deepEqual(body.records ?? [], [], seen);
      assert.equal(body.secret, undefined, seen);
      return;
    case 'core':
      assert.equal(res.status, 200, seen);
      assert.equal(body.notice?.type, 'error', seen);
      assert.equal(body.error?.code, outcome.code, seen);
      assert.equal(body.notice?.message, body.error?.message, seen);
      assert.equal(body.secret, undefined, seen);
      assert.deepEqual(body.records ?? [], [], seen);
      return;
    case 'read':
      assert.equal(res.status, 200, seen);
      assert.equal(body.error, undefined, seen);
      assert.ok(body.notice === undefined || (body.notice.type !== 'error' && body.notice.type !== 'success'), seen);
      assert.equal(body.secret, undefined, seen);
      return;
    case 'success':
      assert.equal(res.status, 200, seen);
      assert.equal(body.notice?.type, 'success', seen);
      assert.equal(body.error, undefined, seen);
      return;
  }
}

// --- Expectations shared by several actors ------------------------------------------------------

/** What AdminJS answers a signed-in admin whose every call it refuses before the plugin runs. */
function adminjsRefusal(_resource: string, _spec: ActionSpec): Outcome {
  return DENIED;
}

describe('admin access to the API Access section', () => {
  let t: TestHost;
  let h: Harness;
  let anonymous: Agent;
  let admin: Agent;
  let super2: Agent;
  let superAgent: Agent;
  let super2Actor: Actor;
  /** The seeded "GRC dashboard" token, owned by super@example.com. */
  let seededToken: { id: string; name: string };
  let spareRoleId: string;
  let seededLogId: string;
  let auditId: string;
  let assignmentId: string;

  const tokenBody = (action: string, extra: Record<string, unknown> = {}): Record<string, unknown> => {
    switch (action) {
      case 'new':
        return { name: h.unique('matrix token'), roleIds: [t.roles.onboarding], expiry: { type: 'days', days: 30 }, ...extra };
      case 'edit':
        return { description: h.unique('edited') };
      case 'rotate':
        return { graceSeconds: 0 };
      case 'regenerate':
        return { expiry: { type: 'days', days: 60 } };
      default:
        return {};
    }
  };

  const makeToken = async (owner: Actor, enabled = true): Promise<string> => {
    const { token } = await t.host.apiAccess.service.create(owner, {
      name: h.unique(`fixture of ${owner.email}`),
      roleIds: [t.roles.vaultSummary],
      tags: ['fixture'],
      expiry: { type: 'days', days: 30 },
    });
    if (!enabled) await t.host.apiAccess.service.disable(owner, token.id);
    return token.id;
  };

  /** An allowed POST on a fresh token of `owner`, and the change it must make. */
  const tokenMutation = (action: MutatingTokenAction, owner: Actor, alsoOwner?: Actor): Expectation => {
    let targetIds: string[] = [];
    return {
      outcome: { kind: 'success' },
      prepare: async () => {
        const id = await makeToken(owner, action !== 'enable');
        targetIds = action === 'bulkDelete' ? [id, await makeToken(alsoOwner ?? owner)] : [id];
        return { recordId: id, ids: targetIds, body: tokenBody(action) };
      },
      verify: (_res, body, before, after) => {
        const id = targetIds[0];
        if (action !== 'bulkDelete') assert.equal(body.record?.params.id, id);
        const b = before.tokens.find((tk) => tk.id === id);
        const a = after.tokens.find((tk) => tk.id === id);
        switch (action) {
          case 'edit':
            assert.ok(b && a);
            assert.notEqual(a.description, b.description);
            assert.equal(a.secretHash, b.secretHash, 'editing keeps the secret');
            assert.equal(body.secret, undefined);
            break;
          case 'rotate':
          case 'regenerate':
            assert.ok(b && a);
            assert.notEqual(a.secretHash, b.secretHash);
            assert.equal(a.previousSecretHash, null);
            assert.equal(typeof body.secret, 'string');
            if (action === 'regenerate') assert.notEqual(a.expiresAt?.getTime(), b.expiresAt?.getTime());
            break;
          case 'enable':
            assert.ok(b && a);
            assert.equal(b.enabled, false);
            assert.equal(a.enabled, true);
            break;
          case 'disable':
            assert.ok(b && a);
            assert.equal(b.enabled, true);
            assert.equal(a.enabled, false);
            break;
          case 'delete':
            assert.ok(b);
            assert.equal(a, undefined);
            assert.equal(after.tokens.length, before.tokens.length - 1);
            break;
          case 'bulkDelete': {
            assert.equal(after.tokens.length, before.tokens.length - 2);
            const records = (body.records ?? []).map((r) => r.params.id as string).sort();
            assert.deepEqual(records, [...targetIds].sort());
            for (const tid of targetIds)
              assert.equal(
                after.tokens.find((tk) => tk.id === tid),
                undefined,
              );
            break;
          }
        }
        const events = newAudits(before, after).map((e) => e.action);
        assert.deepEqual(events, action === 'bulkDelete' ? [TOKEN_AUDIT.bulkDelete, TOKEN_AUDIT.bulkDelete] : [TOKEN_AUDIT[action]]);
      },
    };
  };

  const tokenCreation = (creator: Actor, expectedOwnerId: string, extra: Record<string, unknown> = {}): Expectation => ({
    outcome: { kind: 'success' },
    prepare: async () => ({ body: tokenBody('new', extra) }),
    verify: (_res, body, before, after) => {
      assert.equal(after.tokens.length, before.tokens.length + 1);
      const created = after.tokens.find((tk) => !before.tokens.some((b) => b.id === tk.id));
      assert.ok(created);
      assert.equal(created.ownerId, expectedOwnerId);
      assert.equal(created.createdById, creator.id);
      assert.equal(body.record?.params.id, created.id);
      assert.equal(typeof body.secret, 'string', 'the secret is shown once, on creation');
      assert.deepEqual(
        newAudits(before, after).map((e) => e.action),
        ['token.created'],
      );
    },
  });

  /** A token read (list/search) must show exactly the tokens of these owners (all when null). */
  const tokenRead = (visibleOwners: string[] | null, mustInclude?: () => string, mustExclude?: () => string): Expectation => ({
    outcome: READ,
    verify: (_res, body, before) => {
      const records = body.records ?? [];
      const ownerIds = records.map((r) => r.params.ownerId as string);
      if (visibleOwners)
        assert.ok(
          ownerIds.every((o) => visibleOwners.includes(o)),
          `only own tokens: ${ownerIds.join(', ')}`,
        );
      const expected = before.tokens.filter((tk) => visibleOwners === null || visibleOwners.includes(tk.ownerId));
      if (body.meta) assert.equal(body.meta.total, expected.length);
      const ids = records.map((r) => r.params.id);
      if (mustInclude) assert.ok(ids.includes(mustInclude()), 'the expected token is listed');
      if (mustExclude) assert.ok(!ids.includes(mustExclude()), "another owner's token is not listed");
    },
  });

  const recordRead = (id: () => string | number): Expectation => ({
    outcome: READ,
    verify: (_res, body) => assert.equal(String(body.record?.id ?? body.record?.params.id), String(id())),
  });

  before(async () => {
    t = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 1000 } } });
    h = new Harness(t);
    const s2 = await t.host.prisma.adminUser.create({
      data: { email: 'super2@example.com', name: 'S2', role: 'super_admin', passwordHash: await hashPassword('pw-super2') },
    });
    super2Actor = { id: s2.id, email: s2.email, isSuperAdmin: true };
    anonymous = supertest.agent(t.host.app);
    superAgent = await t.signIn('super@example.com', 'super-admin-demo');
    super2 = await t.signIn('super2@example.com', 'pw-super2');
    const grc = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { name: 'GRC dashboard' } });
    seededToken = { id: grc.id, name: grc.name };
    assignmentId = (await t.host.prisma.apiTokenRole.findFirstOrThrow({ where: { tokenId: grc.id } })).id;
    spareRoleId = (await t.host.apiAccess.service.createRole(t.superAdmin, { name: 'Spare role', description: 'unused', scopes: ['spare:read'] })).id;
    seededLogId = String(
      (
        await t.host.prisma.apiRequestLog.create({
          data: { tokenId: grc.id, tokenName: grc.name, method: 'GET', path: '/api/v1/vaults', status: 200, ip: '127.0.0.1', durationMs: 3 },
        })
      ).id,
    );
    auditId = (await t.host.prisma.apiAuditEvent.findFirstOrThrow({ orderBy: { createdAt: 'asc' } })).id;
  });
  after(async () => t.close());

  /** The record each resource's record and bulk actions aim at, for refused calls and GETs. */
  const targets = (): Record<string, Target> => ({
    ApiToken: { recordId: seededToken.id, searchQuery: 'GRC', body: (a) => tokenBody(a) },
    ApiRole: {
      recordId: spareRoleId,
      searchQuery: 'Spare',
      body: (a) => (a === 'list' || a === 'search' || a === 'show' ? {} : { name: h.unique('Matrix role'), description: 'x', scopes: ['x:read'] }),
    },
    // Its search runs on assignedById: the seeded super admin's id matches the seeded assignments.
    ApiTokenRole: {
      recordId: assignmentId,
      searchQuery: t.superAdmin.id,
      body: (a) => (a === 'new' || a === 'edit' ? { tokenId: seededToken.id, roleId: spareRoleId } : {}),
    },
    ApiRequestLog: {
      recordId: seededLogId,
      searchQuery: 'vaults',
      body: (a) =>
        a === 'new' || a === 'edit' ? { tokenId: seededToken.id, tokenName: 'x', method: 'GET', path: '/x', status: 200, ip: '1.1.1.1', durationMs: 1 } : {},
    },
    ApiAuditEvent: {
      recordId: auditId,
      searchQuery: 'super',
      body: (a) => (a === 'new' || a === 'edit' ? { actorId: 'x', actorEmail: 'x@example.com', action: 'token.created', details: '{}' } : {}),
    },
    ApiTokenAdminGrant: { recordId: t.superAdmin.id, searchQuery: 'super', body: (a) => (a === 'new' || a === 'edit' ? { userId: super2Actor.id } : {}) },
  });

  it('refuses a token for an owner who has never signed in (OWNER_NEVER_SIGNED_IN), and allows it once they have', async () => {
    const never = await t.host.prisma.adminUser.findUniqueOrThrow({ where: { email: 'admin@example.com' } });
    assert.equal(never.lastSignInAt, null);
    const base: Call = { resource: 'ApiToken', action: 'new', kind: 'resource', method: 'POST' };
    const refused = await h.cell('super', superAgent, { ...base, body: tokenBody('new', { ownerId: t.admin.id }) }, { outcome: core('OWNER_NEVER_SIGNED_IN') });
    if (refused) assert.equal(refused.error?.fields?.ownerId?.code, 'OWNER_NEVER_SIGNED_IN');
    h.assertNoFailures();
    admin = await t.signIn('admin@example.com', 'admin-demo');
    await h.cell('super', superAgent, base, tokenCreation(t.superAdmin, t.admin.id, { ownerId: t.admin.id }));
    h.assertNoFailures();
  });

  it('refuses to give the token-admin grant to an ordinary admin (NOT_SUPER_ADMIN) and stores nothing', async () => {
    const base: Call = { resource: 'ApiTokenAdminGrant', action: 'new', kind: 'resource', method: 'POST', body: { userId: t.admin.id } };
    const body = await h.cell('super', superAgent, base, { outcome: core('NOT_SUPER_ADMIN') });
    if (body) assert.equal(body.error?.fields?.userId?.code, 'NOT_SUPER_ADMIN');
    // super2 does not hold the grant, so may not give it at all.
    await h.cell('super2', super2, base, { outcome: core('FORBIDDEN') });
    h.assertNoFailures();
    assert.equal(await t.host.prisma.apiTokenAdminGrant.count({ where: { userId: t.admin.id } }), 0);
  });

  for (const resource of RESOURCE_IDS) {
    it(`${resource}: an anonymous visitor is sent to the login page for every action, GET and POST`, async () => {
      await h.sweep('anonymous', anonymous, resource, targets()[resource]!, () => ({ outcome: LOGIN }));
      h.assertNoFailures();
    });
  }

  for (const resource of RESOURCE_IDS) {
    it(`${resource}: an ordinary admin is refused every action, GET and POST`, async () => {
      await h.sweep('admin', admin, resource, targets()[resource]!, (spec) => ({ outcome: adminjsRefusal(resource, spec) }));
      h.assertNoFailures();
    });
  }

  // --- Super admins: what both may do, with or without the grant -------------------------------

  const superAdminExpectations = (who: () => Actor): Record<string, (spec: ActionSpec, method: Method) => Expectation> => ({
    ApiRole: (spec, method) => {
      if (spec.action === 'bulkDelete') return { outcome: DENIED };
      if (spec.action === 'show' || (spec.kind === 'record' && method === 'GET')) return recordRead(() => spareRoleId);
      if (method === 'GET' || spec.action === 'list' || spec.action === 'search') return { outcome: READ };
      if (spec.action === 'new') {
        return {
          outcome: { kind: 'success' },
          verify: (_res, body, before, after) => {
            assert.equal(after.roles.length, before.roles.length + 1);
            const created = after.roles.find((r) => !before.roles.some((b) => b.id === r.id));
            assert.deepEqual(created?.scopes, ['x:read']);
            assert.equal(body.record?.params.id, created?.id);
            assert.deepEqual(
              newAudits(before, after).map((e) => [e.action, e.actorId]),
              [['role.created', who().id]],
            );
          },
        };
      }
      // edit / delete: on a fresh, unused role.
      let fixtureId = '';
      return {
        outcome: { kind: 'success' },
        prepare: async () => {
          const role = await t.host.apiAccess.service.createRole(t.superAdmin, { name: h.unique('Fixture role'), description: 'before', scopes: ['a:read'] });
          fixtureId = role.id;
          return { recordId: role.id, body: { name: role.name, description: 'after', scopes: ['b:read'] } };
        },
        verify: (_res, _body, before, after) => {
          assert.ok(before.roles.some((r) => r.id === fixtureId));
          const now = after.roles.find((r) => r.id === fixtureId);
          if (spec.action === 'delete') {
            assert.equal(now, undefined);
            assert.deepEqual(
              newAudits(before, after).map((e) => e.action),
              ['role.deleted'],
            );
          } else {
            assert.equal(now?.description, 'after');
            assert.deepEqual(now?.scopes, ['b:read']);
            assert.deepEqual(
              newAudits(before, after).map((e) => e.action),
              ['role.edited'],
            );
          }
        },
      };
    },
    // Role assignments are for super admins to read; nobody writes them through AdminJS.
    ApiTokenRole: (spec) => {
      if (spec.action === 'list' || spec.action === 'search') {
        return {
          outcome: READ,
          verify: (_res, body, before) => {
            if (spec.action === 'list') assert.equal(body.records?.length, before.tokenRoles.length);
          },
        };
      }
      // @adminjs/prisma shows the tokenId foreign key as the reference property `token`.
      if (spec.action === 'show') return { outcome: READ, verify: (_res, body) => assert.equal(body.record?.params.token, seededToken.id) };
      return { outcome: adminjsRefusal('ApiTokenRole', spec) };
    },
    ApiAuditEvent: (spec) => {
      if (spec.action === 'list' || spec.action === 'search') return { outcome: READ };
      if (spec.action === 'show') return recordRead(() => auditId);
      return { outcome: DENIED };
    },
    ApiTokenAdminGrant: (spec, method) => {
      if (spec.action === 'edit' || spec.action === 'bulkDelete') return { outcome: DENIED };
      if (spec.action === 'list' || spec.action === 'search') return { outcome: READ };
      if (spec.action === 'show' || (spec.action === 'delete' && method === 'GET')) return recordRead(() => t.superAdmin.id);
      if (spec.action === 'new' && method === 'GET') return { outcome: READ };
      // Only a grant holder gives or takes the grant: otherwise any super admin could give it to themselves.
      if (who().id !== t.superAdmin.id) {
        if (spec.action === 'new') return { outcome: core('FORBIDDEN'), prepare: async () => ({ body: { userId: who().id } }) };
        return { outcome: core('FORBIDDEN'), prepare: async () => ({ recordId: t.superAdmin.id }) };
      }
      if (spec.action === 'new') {
        // Super admins give the grant (here to super2, who then holds it until the delete below).
        return {
          outcome: { kind: 'success' },
          prepare: async () => ({ body: { userId: super2Actor.id } }),
          verify: (_res, _body, before, after) => {
            assert.deepEqual(after.grants.map((g) => g.userId).sort(), [...before.grants.map((g) => g.userId), super2Actor.id].sort());
            assert.equal(after.grants.find((g) => g.userId === super2Actor.id)?.grantedById, who().id);
            assert.deepEqual(
              newAudits(before, after).map((e) => e.action),
              ['token_admin.granted'],
            );
          },
        };
      }
      // delete POST: takes super2's grant away again.
      return {
        outcome: { kind: 'success' },
        prepare: async () => {
          if ((await t.host.prisma.apiTokenAdminGrant.count({ where: { userId: super2Actor.id } })) === 0) {
            await t.host.apiAccess.service.grantTokenAdmin(t.superAdmin, super2Actor.id);
          }
          return { recordId: super2Actor.id };
        },
        verify: (_res, _body, before, after) => {
          assert.ok(before.grants.some((g) => g.userId === super2Actor.id));
          assert.ok(!after.grants.some((g) => g.userId === super2Actor.id));
          assert.ok(
            after.grants.some((g) => g.userId === t.superAdmin.id),
            "the seeded super admin's grant stays",
          );
          assert.deepEqual(
            newAudits(before, after).map((e) => e.action),
            ['token_admin.revoked'],
          );
        },
      };
    },
  });

  // --- Super admin WITHOUT the grant ---------------------------------------------------------------

  it('ApiToken: a super admin without the grant manages only their own tokens; on the seeded tokens they get FORBIDDEN and nothing changes', async () => {
    const ownId = await makeToken(super2Actor);
    await h.sweep('super2', super2, 'ApiToken', targets().ApiToken!, (spec, method) => {
      if (spec.action === 'list')
        return tokenRead(
          [super2Actor.id],
          () => ownId,
          () => seededToken.id,
        );
      if (spec.action === 'search') return tokenRead([super2Actor.id], undefined, () => seededToken.id);
      if (spec.action === 'new') {
        if (method === 'GET') {
          return {
            outcome: READ,
            verify: (_res, body) => {
              assert.equal(body.form?.canChooseOwner, false);
              assert.deepEqual(body.form?.owners, []);
              assert.equal(body.form?.currentUser.id, super2Actor.id);
            },
          };
        }
        return tokenCreation(super2Actor, super2Actor.id);
      }
      return { outcome: core('FORBIDDEN') };
    });
    h.assertNoFailures();
  });

  it('ApiToken: a super admin without the grant can read and change their own tokens (GET changes nothing, POST does its job)', async () => {
    const base = (action: string, kind: Kind, method: Method): Call => ({ resource: 'ApiToken', action, kind, method });
    for (const action of TOKEN_RECORD_ACTIONS) {
      const getTarget = await makeToken(super2Actor, action !== 'enable');
      await h.cell(
        'super2',
        super2,
        { ...base(action, 'record', 'GET'), recordId: getTarget },
        recordRead(() => getTarget),
      );
      if (action === 'show')
        await h.cell(
          'super2',
          super2,
          { ...base(action, 'record', 'POST'), recordId: getTarget },
          recordRead(() => getTarget),
        );
      else await h.cell('super2', super2, base(action, 'record', 'POST'), tokenMutation(action, super2Actor));
    }
    const own = await makeToken(super2Actor);
    await h.cell(
      'super2',
      super2,
      { ...base('bulkDelete', 'bulk', 'GET'), ids: [own] },
      {
        outcome: READ,
        verify: (_r, body) =>
          assert.deepEqual(
            body.records?.map((r) => r.params.id),
            [own],
          ),
      },
    );
    await h.cell('super2', super2, base('bulkDelete', 'bulk', 'POST'), tokenMutation('bulkDelete', super2Actor));
    // All or nothing: one foreign token in the selection and none is deleted.
    await h.cell('super2', super2, { ...base('bulkDelete', 'bulk', 'POST'), ids: [own, seededToken.id] }, { outcome: core('FORBIDDEN') });
    // No token for someone else, and no peeking at someone else's list.
    await h.cell(
      'super2',
      super2,
      { ...base('new', 'resource', 'POST'), body: tokenBody('new', { ownerId: t.superAdmin.id }) },
      { outcome: core('FORBIDDEN') },
    );
    await h.cell('super2', super2, { ...base('list', 'resource', 'GET'), query: `filters.ownerId=${t.superAdmin.id}` }, { outcome: core('FORBIDDEN') });
    h.assertNoFailures();
  });

  for (const resource of ['ApiRole', 'ApiTokenRole', 'ApiAuditEvent', 'ApiTokenAdminGrant']) {
    it(`${resource}: a super admin without the grant may use it (super-admin-only), GET and POST`, async () => {
      await h.sweep('super2', super2, resource, targets()[resource]!, superAdminExpectations(() => super2Actor)[resource]!);
      h.assertNoFailures();
      assert.equal(await t.host.prisma.apiTokenAdminGrant.count({ where: { userId: super2Actor.id } }), 0, 'super2 ends without the grant');
    });
  }

  it('ApiRequestLog: read-only; a super admin without the grant lists only the logs of their own tokens', async () => {
    const ownToken = await makeToken(super2Actor);
    const ownLog = await t.host.prisma.apiRequestLog.create({
      data: { tokenId: ownToken, tokenName: 'own', method: 'GET', path: '/api/v1/vaults', status: 200, ip: '127.0.0.1', durationMs: 1 },
    });
    await h.sweep('super2', super2, 'ApiRequestLog', targets().ApiRequestLog!, (spec) => {
      if (spec.action !== 'list') return { outcome: DENIED };
      return {
        outcome: READ,
        verify: (_res, body) => {
          assert.deepEqual(
            body.records?.map((r) => r.params.id),
            [String(ownLog.id)],
          );
          assert.equal(body.meta?.total, 1);
        },
      };
    });
    const list: Call = { resource: 'ApiRequestLog', action: 'list', kind: 'resource', method: 'GET' };
    await h.cell('super2', super2, { ...list, query: `filters.tokenId=${seededToken.id}` }, { outcome: core('FORBIDDEN') });
    await h.cell(
      'super2',
      super2,
      { ...list, query: `filters.tokenId=${ownToken}` },
      { outcome: READ, verify: (_r, body) => assert.equal(body.meta?.total, 1) },
    );
    h.assertNoFailures();
  });

  // --- The super admin WITH the grant ---------------------------------------------------------------

  it("ApiToken: the grant holder manages everyone's tokens (GET changes nothing, POST does its job)", async () => {
    await h.sweep('super', superAgent, 'ApiToken', targets().ApiToken!, (spec, method) => {
      if (spec.action === 'list') return tokenRead(null, () => seededToken.id);
      if (spec.action === 'search') return tokenRead(null, () => seededToken.id);
      if (spec.action === 'new') {
        if (method === 'GET') {
          return {
            outcome: READ,
            verify: (_res, body) => {
              assert.equal(body.form?.canChooseOwner, true);
              assert.deepEqual(body.form?.owners.map((o) => o.email).sort(), ['admin@example.com', 'super2@example.com', 'super@example.com']);
            },
          };
        }
        return tokenCreation(t.superAdmin, super2Actor.id, { ownerId: super2Actor.id });
      }
      if (method === 'GET' || spec.action === 'show') {
        if (spec.kind === 'bulk')
          return {
            outcome: READ,
            verify: (_r, body) =>
              assert.deepEqual(
                body.records?.map((r) => r.params.id),
                [seededToken.id],
              ),
          };
        return recordRead(() => seededToken.id);
      }
      // POSTs that change a token: on fresh tokens of super2 (someone else's), bulk across two owners.
      return tokenMutation(spec.action as MutatingTokenAction, super2Actor, t.superAdmin);
    });
    h.assertNoFailures();
  });

  for (const resource of ['ApiRole', 'ApiTokenRole', 'ApiAuditEvent', 'ApiTokenAdminGrant']) {
    it(`${resource}: the grant holder may use it, GET and POST`, async () => {
      await h.sweep('super', superAgent, resource, targets()[resource]!, superAdminExpectations(() => t.superAdmin)[resource]!);
      h.assertNoFailures();
    });
  }

  it('ApiRequestLog: read-only; the grant holder lists every log', async () => {
    await h.sweep('super', superAgent, 'ApiRequestLog', targets().ApiRequestLog!, (spec) => {
      if (spec.action !== 'list') return { outcome: DENIED };
      return {
        outcome: READ,
        verify: (_res, body, before) => {
          assert.equal(body.meta?.total, before.logs.length);
          assert.ok(body.records?.some((r) => r.params.id === seededLogId));
        },
      };
    });
    h.assertNoFailures();
  });

  // src/plugin/options.ts: isSuperAdmin (from the session) is "used to show or hide the section;
  // every action still re-reads the admin through `users` on the server". So an admin demoted or
  // disabled in the database after signing in must lose the whole section at once.
  for (const change of ['demoted to admin', 'disabled'] as const) {
    it(`a super admin ${change} after signing in is refused every action at once, and sees no data`, async () => {
      const email = change === 'disabled' ? 'super-disabled@example.com' : 'super-demoted@example.com';
      const user = await t.host.prisma.adminUser.create({ data: { email, name: 'Later', role: 'super_admin', passwordHash: await hashPassword('pw-later') } });
      const agent = await t.signIn(email, 'pw-later');
      await t.host.prisma.adminUser.update({ where: { id: user.id }, data: change === 'disabled' ? { disabled: true } : { role: 'admin' } });
      // Changes nothing (checked around every call) and gets no stored data back. Echoing the
      // request's own payload on a refusal is fine; an HTTP error status carries no data either.
      const noData: Expectation = {
        outcome: { kind: 'http', status: 200 },
        verify: (res, body, _before, _after, sent) => {
          const payload = sent.body ?? {};
          const seen = (res.text ?? '').slice(0, 300);
          assert.notEqual(body.notice?.type, 'success', seen);
          assert.deepEqual(body.records ?? [], [], `no records: ${seen}`);
          const stored = Object.entries(body.record?.params ?? {}).filter(([k, v]) => !isEchoOf(payload, k, v));
          assert.deepEqual(Object.fromEntries(stored), {}, `no stored record data: ${seen}`);
          assert.equal(body.form, undefined, `no form data: ${seen}`);
          assert.ok(!body.meta?.total, `no totals: ${seen}`);
        },
      };
      for (const resource of RESOURCE_IDS) {
        await h.sweep(email, agent, resource, targets()[resource]!, (_spec) => {
          return noData;
        });
      }
      h.assertNoFailures();
    });
  }

  it('never sends secretHash, previousSecretHash, passwordHash or any stored hash in any response', (tc) => {
    h.assertNoLeakAnywhere();
    assert.ok(h.hashes.size > 10);
    tc.diagnostic(`default host: ${h.cells} cells, ${h.calls} HTTP calls, ${h.responses.length} responses searched for ${h.hashes.size} hashes`);
  });
});

describe('admin access with allowPersonalTokens', () => {
  let t: TestHost;
  let h: Harness;
  let admin: Agent;
  let seededToken: string;
  let seededLogId: string;
  let auditId: string;

  before(async () => {
    t = await startTestHost({ apiAccess: { allowPersonalTokens: true, policy: { maxActiveTokensPerOwner: 1000 } } });
    h = new Harness(t);
    admin = await t.signIn('admin@example.com', 'admin-demo');
    const grc = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { name: 'GRC dashboard' } });
    seededToken = grc.id;
    seededLogId = String(
      (
        await t.host.prisma.apiRequestLog.create({
          data: { tokenId: grc.id, tokenName: grc.name, method: 'GET', path: '/api/v1/vaults', status: 200, ip: '127.0.0.1', durationMs: 3 },
        })
      ).id,
    );
    auditId = (await t.host.prisma.apiAuditEvent.findFirstOrThrow()).id;
  });
  after(async () => t.close());

  const makeOwn = async (enabled = true): Promise<string> => {
    const { token } = await t.host.apiAccess.service.create(t.admin, {
      name: h.unique('personal'),
      roleIds: [t.roles.onboarding],
      expiry: { type: 'days', days: 30 },
    });
    if (!enabled) await t.host.apiAccess.service.disable(t.admin, token.id);
    return token.id;
  };

  const bodyFor = (action: string): Record<string, unknown> => {
    switch (action) {
      case 'new':
        return { name: h.unique('personal via http'), roleIds: [t.roles.onboarding], expiry: { type: 'days', days: 30 } };
      case 'edit':
        return { description: h.unique('edited') };
      case 'rotate':
        return { graceSeconds: 0 };
      case 'regenerate':
        return { expiry: { type: 'days', days: 60 } };
      default:
        return {};
    }
  };

  it("ApiToken: an ordinary admin lists, creates, rotates and deletes their own tokens, and is refused the super admin's", async () => {
    const own = await makeOwn();
    const target: Target = { recordId: seededToken, searchQuery: 'GRC', body: bodyFor };
    await h.sweep('personal admin', admin, 'ApiToken', target, (spec, method) => {
      if (spec.action === 'list' || spec.action === 'search') {
        return {
          outcome: READ,
          verify: (_res, body, before) => {
            const ids = body.records?.map((r) => r.params.id) ?? [];
            assert.ok(body.records?.every((r) => r.params.ownerId === t.admin.id));
            assert.ok(!ids.includes(seededToken));
            if (spec.action === 'list') {
              assert.ok(ids.includes(own));
              assert.equal(body.meta?.total, before.tokens.filter((tk) => tk.ownerId === t.admin.id).length);
            }
          },
        };
      }
      if (spec.action === 'new') {
        if (method === 'GET') return { outcome: READ, verify: (_r, body) => assert.equal(body.form?.canChooseOwner, false) };
        return {
          outcome: { kind: 'success' },
          verify: (_res, body, before, after) => {
            const created = after.tokens.find((tk) => !before.tokens.some((b) => b.id === tk.id));
            assert.equal(created?.ownerId, t.admin.id);
            assert.equal(typeof body.secret, 'string');
          },
        };
      }
      return { outcome: core('FORBIDDEN') };
    });

    const call = (action: string, kind: Kind, method: Method, extra: Partial<Call> = {}): Call => ({
      resource: 'ApiToken',
      action,
      kind,
      method,
      body: bodyFor(action),
      ...extra,
    });
    for (const action of TOKEN_RECORD_ACTIONS) {
      const id = await makeOwn(action !== 'enable');
      await h.cell('personal admin', admin, call(action, 'record', 'GET', { recordId: id }), {
        outcome: READ,
        verify: (_r, body) => assert.equal(body.record?.params.id, id),
      });
      await h.cell('personal admin', admin, call(action, 'record', 'POST', { recordId: id }), {
        outcome: action === 'show' ? READ : { kind: 'success' },
        verify: (_res, body, before, after) => {
          const b = before.tokens.find((tk) => tk.id === id);
          const a = after.tokens.find((tk) => tk.id === id);
          if (action === 'rotate' || action === 'regenerate') {
            assert.notEqual(a?.secretHash, b?.secretHash);
            assert.equal(typeof body.secret, 'string');
          }
          if (action === 'delete') assert.equal(a, undefined);
          if (action === 'enable') assert.equal(a?.enabled, true);
          if (action === 'disable') assert.equal(a?.enabled, false);
          if (action === 'edit') assert.notEqual(a?.description, b?.description);
        },
      });
    }
    const a = await makeOwn();
    const b = await makeOwn();
    await h.cell('personal admin', admin, call('bulkDelete', 'bulk', 'GET', { ids: [a, b] }), { outcome: READ });
    await h.cell('personal admin', admin, call('bulkDelete', 'bulk', 'POST', { ids: [a, seededToken] }), { outcome: core('FORBIDDEN') });
    await h.cell('personal admin', admin, call('bulkDelete', 'bulk', 'POST', { ids: [a, b] }), {
      outcome: { kind: 'success' },
      verify: (_res, _body, before, after) => assert.equal(after.tokens.length, before.tokens.length - 2),
    });
    await h.cell('personal admin', admin, call('new', 'resource', 'POST', { body: { ...bodyFor('new'), ownerId: t.superAdmin.id } }), {
      outcome: core('FORBIDDEN'),
    });
    await h.cell('personal admin', admin, call('list', 'resource', 'GET', { query: `filters.ownerId=${t.superAdmin.id}` }), { outcome: core('FORBIDDEN') });
    h.assertNoFailures();
  });

  it("a deleted token's page says who deleted it and when only to its owner and to super admins", async () => {
    const superAgent = await t.signIn('super@example.com', 'super-admin-demo');
    const own = await makeOwn();
    const ownName = (await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: own } })).name;
    const others = await t.host.apiAccess.service.create(t.superAdmin, {
      name: h.unique('super own'),
      roleIds: [t.roles.onboarding],
      expiry: { type: 'days', days: 30 },
    });
    await t.host.apiAccess.service.delete(t.superAdmin, own);
    await t.host.apiAccess.service.delete(t.superAdmin, others.token.id);
    const show = async (agent: Agent, id: string) => {
      const res = await agent.get(`/admin/api/resources/ApiToken/records/${id}/show`).expect(200);
      return (res.body as Body).record?.params ?? {};
    };
    const told = { deleted: true, deletedByEmail: 'super@example.com' };
    assert.deepEqual(pick(await show(admin, own)), { ...told, name: ownName }, 'the owner is told');
    assert.deepEqual(pick(await show(superAgent, own)), { ...told, name: ownName }, 'a super admin is told');
    assert.deepEqual(pick(await show(superAgent, others.token.id)), { ...told, name: others.token.name });
    assert.deepEqual(pick(await show(admin, others.token.id)), { deleted: true, name: 'Deleted token' }, 'anyone else learns only that it is gone');
  });

  it("ApiRequestLog: an ordinary admin with personal tokens lists only their own tokens' logs; everything else is refused", async () => {
    const own = await makeOwn();
    const ownLog = await t.host.prisma.apiRequestLog.create({
      data: { tokenId: own, tokenName: 'own', method: 'GET', path: '/api/v1/vaults', status: 200, ip: '127.0.0.1', durationMs: 1 },
    });
    const target: Target = { recordId: seededLogId, searchQuery: 'vaults', body: () => ({}) };
    await h.sweep('personal admin', admin, 'ApiRequestLog', target, (spec) =>
      spec.action === 'list'
        ? {
            outcome: READ,
            verify: (_r, body) =>
              assert.deepEqual(
                body.records?.map((r) => r.params.id),
                [String(ownLog.id)],
              ),
          }
        : { outcome: DENIED },
    );
    const list: Call = { resource: 'ApiRequestLog', action: 'list', kind: 'resource', method: 'GET', query: `filters.tokenId=${seededToken}` };
    await h.cell('personal admin', admin, list, { outcome: core('FORBIDDEN') });
    h.assertNoFailures();
  });

  for (const resource of ['ApiRole', 'ApiTokenRole', 'ApiAuditEvent', 'ApiTokenAdminGrant']) {
    it(`${resource}: stays super-admin-only with personal tokens on`, async () => {
      const assignmentId = (await t.host.prisma.apiTokenRole.findFirstOrThrow({ where: { tokenId: seededToken } })).id;
      const recordId =
        resource === 'ApiAuditEvent'
          ? auditId
          : resource === 'ApiTokenAdminGrant'
            ? t.superAdmin.id
            : resource === 'ApiRole'
              ? t.roles.vaultSummary
              : assignmentId;
      const target: Target = { recordId, searchQuery: 'a', body: (a) => (a === 'new' ? { userId: t.admin.id, name: 'r', scopes: ['x:read'] } : {}) };
      await h.sweep('personal admin', admin, resource, target, (spec) => ({ outcome: adminjsRefusal(resource, spec) }));
      h.assertNoFailures();
    });
  }

  it('never sends a hash in any response', (tc) => {
    h.assertNoLeakAnywhere();
    tc.diagnostic(`personal-tokens host: ${h.cells} cells, ${h.calls} HTTP calls`);
  });
});
