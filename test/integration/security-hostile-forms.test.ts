// Hostile input through the admin's HTTP API, as a browser (or someone with its cookie) sends it:
// every form of the API Access section and of the host's AdminUser resource, JSON and form-encoded,
// and the query parameters of every list. Each case must get a clear error naming the field
// (record.errors[field], as AdminJS forms show it), as JSON (never HTML a browser could render),
// never a 5xx, and must change nothing: every row of every table is compared before and after.
// token-bad-input.test.ts covers the same rules one level down, on the token service itself.
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { after, before, describe, it } from 'node:test';
import type supertest from 'supertest';
import { passwordHashCost } from '../../example-app/src/users.js';
import { listTables } from '../helpers/database.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

const API = '/admin/api/resources';
const HUGE = 'x'.repeat(100_000);
const SCRIPT = '<script>window.__xss=1</script>';
const IMG = '<img src=x onerror=window.__xss=1>';
const SQL = '\' OR 1=1; DROP TABLE "ApiToken"; --';
/** Markup without a dot, so that it stays one key in a flattened query string. */
const MARKUP_KEY = '<b onmouseover=alert(1)>x</b>';

type Payload = Record<string, unknown> | string;

interface Case {
  title: string;
  method: 'GET' | 'POST';
  url: (c: Ctx) => string;
  body?: (c: Ctx) => Payload;
  /** Send the body form-encoded, as AdminJS's own forms do; default JSON, as the plugin's screens do. */
  form?: boolean;
  /** The fields the error must name (every one of them). */
  fields: string[];
}

interface Ctx {
  t: TestHost;
  agent: supertest.Agent;
  tokenId: string;
  roleId: string;
  adminId: string;
  superId: string;
}

/** Every row of every table but the session store (a request may refresh its own session's expiry). */
async function snapshot(t: TestHost): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of await listTables(t.host.prisma)) {
    if (name === 'AdminSession' || name.startsWith('sqlite_') || name.startsWith('_prisma')) continue;
    const rows = await t.host.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${name}"`);
    out[name] = rows.map((row) => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).sort();
  }
  return out;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 40)}… (${text.length} chars)` : text;
}

const createBase = (c: Ctx) => ({ name: `hostile probe`, roleIds: [c.t.roles.onboarding], expiry: { type: 'days', days: 30 } });

function create(field: string, value: unknown, fields = [field]): Case {
  return {
    title: `create token: ${field} = ${show(value)}`,
    method: 'POST',
    url: () => `${API}/ApiToken/actions/new`,
    body: (c) => ({ ...createBase(c), [field]: value }),
    fields,
  };
}

function edit(field: string, value: unknown, fields = [field]): Case {
  return {
    title: `edit token: ${field} = ${show(value)}`,
    method: 'POST',
    url: (c) => `${API}/ApiToken/records/${c.tokenId}/edit`,
    body: () => ({ [field]: value }),
    fields,
  };
}

const TOKEN_CASES: Case[] = [
  create('name', ''),
  create('name', '   '),
  create('name', HUGE),
  create('name', { $ne: null }),
  create('name', ['a', 'b']),
  create('name', 'bell\u0007name'),
  create('name', 'GRC dashboard'),
  create('description', HUGE),
  create('description', { a: 1 }),
  create('tags', [SCRIPT]),
  create('tags', [IMG]),
  create('tags', ['x'.repeat(51)]),
  create(
    'tags',
    Array.from({ length: 21 }, (_, i) => `t${i}`),
  ),
  create('tags', [{ a: 1 }]),
  create('roleIds', []),
  create('roleIds', ['no-such-role']),
  create('roleIds', [SQL]),
  create('roleIds', 'x'.repeat(65)),
  create('roleIds', [SCRIPT]),
  create('expiry', { type: 'date', date: '2025-13-45' }),
  create('expiry', { type: 'date', date: 'not a date' }),
  create('expiry', { type: 'date', date: '2001-01-01' }),
  create('expiry', { type: 'date', date: SQL }),
  create('expiry', { type: 'days', days: -1 }),
  create('expiry', { type: 'days', days: 1e9 }),
  create('expiry', { type: 'days', days: 'abc' }),
  create('expiry', { type: 'forever' }),
  create('expiry', 'never'),
  create('allowedIps', ['10.0.0.0/33']),
  create('allowedIps', ['999.1.1.1']),
  create('allowedIps', ['10.0.0.1/8']),
  create('allowedIps', [SCRIPT]),
  create('allowedIps', [SQL]),
  create('allowedIps', ['x'.repeat(65)]),
  create(
    'allowedIps',
    Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`),
  ),
  create('ownerId', 'no-such-user'),
  create('ownerId', SQL),
  {
    title: 'create token: an unknown field',
    method: 'POST',
    url: () => `${API}/ApiToken/actions/new`,
    body: (c) => ({ ...createBase(c), secretHash: 'chosen' }),
    fields: ['input'],
  },
  { title: 'create token: nothing at all', method: 'POST', url: () => `${API}/ApiToken/actions/new`, body: () => ({}), fields: ['name', 'roleIds', 'expiry'] },
  {
    title: 'create token, form-encoded as AdminJS forms send it: days = "abc", a markup tag',
    method: 'POST',
    url: () => `${API}/ApiToken/actions/new`,
    form: true,
    body: (c) => ({ name: 'form probe', 'roleIds.0': c.t.roles.onboarding, 'expiry.type': 'days', 'expiry.days': 'abc', tags: SCRIPT }),
    fields: ['expiry', 'tags'],
  },
  {
    title: 'create token, form-encoded: an unknown role and an invalid CIDR',
    method: 'POST',
    url: () => `${API}/ApiToken/actions/new`,
    form: true,
    body: () => ({ name: 'form probe 2', 'roleIds.0': SQL, 'expiry.type': 'never', allowedIps: '10.0.0.0/33' }),
    fields: ['allowedIps'],
  },
  edit('name', ''),
  edit('name', HUGE),
  edit('name', 'Adoption report'),
  edit('description', HUGE),
  edit('tags', [SCRIPT]),
  edit('roleIds', ['no-such-role']),
  edit('roleIds', []),
  edit('allowedIps', ['256.0.0.0/8']),
  ...[-1, 3_601, 1e9, 'abc', '3600; DROP TABLE "ApiToken"', { a: 1 }, [3_600]].map(
    (grace): Case => ({
      title: `rotate: graceSeconds = ${show(grace)}`,
      method: 'POST',
      url: (c) => `${API}/ApiToken/records/${c.tokenId}/rotate`,
      body: () => ({ graceSeconds: grace }),
      fields: ['graceSeconds'],
    }),
  ),
  ...[undefined, { type: 'date', date: '2025-02-30T99:99' }, { type: 'date', date: '1999-12-31' }, { type: 'days', days: 0 }, SCRIPT].map(
    (expiry): Case => ({
      title: `regenerate: expiry = ${show(expiry ?? 'missing')}`,
      method: 'POST',
      url: (c) => `${API}/ApiToken/records/${c.tokenId}/regenerate`,
      body: () => (expiry === undefined ? {} : { expiry }),
      fields: ['expiry'],
    }),
  ),
];

function role(action: 'new' | 'edit', body: Record<string, unknown>, fields: string[]): Case {
  return {
    title: `${action} role: ${show(body)}`,
    method: 'POST',
    url: (c) => (action === 'new' ? `${API}/ApiRole/actions/new` : `${API}/ApiRole/records/${c.roleId}/edit`),
    body: () => body,
    fields,
  };
}

const ROLE_AND_GRANT_CASES: Case[] = [
  role('new', { name: '', scopes: ['reports:read'] }, ['name']),
  role('new', { name: 'x'.repeat(101), scopes: ['reports:read'] }, ['name']),
  role('new', { name: { a: 1 }, scopes: ['reports:read'] }, ['name']),
  role('new', { name: 'ok', scopes: '' }, ['scopes']),
  role('new', { name: 'ok', scopes: [SCRIPT] }, ['scopes']),
  role('new', { name: 'ok', scopes: [SQL] }, ['scopes']),
  role('new', { name: 'ok', scopes: ['x'.repeat(65)] }, ['scopes']),
  role('new', { name: 'ok', scopes: Array.from({ length: 101 }, (_, i) => `s${i}:read`) }, ['scopes']),
  role('new', { name: 'ok', description: HUGE, scopes: ['reports:read'] }, ['description']),
  role('new', { name: 'Security Audit', scopes: ['reports:read'] }, ['name']),
  role('edit', { name: '', scopes: [IMG] }, ['name', 'scopes']),
  role('edit', { name: 'Vault Summary', scopes: ['vault-summary:read'] }, ['name']),
  ...['', 'no-such-user', SQL, HUGE, SCRIPT].map(
    (userId): Case => ({
      title: `new token-admin grant: userId = ${show(userId)}`,
      method: 'POST',
      url: () => `${API}/ApiTokenAdminGrant/actions/new`,
      body: () => ({ userId }),
      fields: ['userId'],
    }),
  ),
  {
    title: 'new token-admin grant for an ordinary admin (NOT_SUPER_ADMIN)',
    method: 'POST',
    url: () => `${API}/ApiTokenAdminGrant/actions/new`,
    body: (c) => ({ userId: c.adminId }),
    fields: ['userId'],
  },
];

function adminUser(action: 'new' | 'edit', body: Record<string, unknown>, fields: string[]): Case {
  return {
    title: `${action} admin user: ${show(body)}`,
    method: 'POST',
    url: (c) => (action === 'new' ? `${API}/AdminUser/actions/new` : `${API}/AdminUser/records/${c.adminId}/edit`),
    body: () => body,
    fields,
  };
}

const okUser = { email: 'new-admin@example.com', name: 'New Admin', role: 'admin', password: 'a-long-password' };
const ADMIN_USER_CASES: Case[] = [
  adminUser('new', {}, ['email', 'name', 'role', 'password']),
  adminUser('new', { ...okUser, email: '' }, ['email']),
  adminUser('new', { ...okUser, email: 'not-an-email' }, ['email']),
  adminUser('new', { ...okUser, email: `${SCRIPT}@example.com` }, ['email']),
  adminUser('new', { ...okUser, email: `${'x'.repeat(250)}@example.com` }, ['email']),
  adminUser('new', { ...okUser, email: 'ADMIN@example.com' }, ['email']),
  adminUser('new', { ...okUser, name: HUGE }, ['name']),
  adminUser('new', { ...okUser, name: 'tab\u0000name' }, ['name']),
  adminUser('new', { ...okUser, role: 'god' }, ['role']),
  adminUser('new', { ...okUser, role: ['super_admin'] }, ['role']),
  adminUser('new', { ...okUser, password: 'short' }, ['password']),
  adminUser('new', { ...okUser, password: HUGE }, ['password']),
  adminUser('new', { ...okUser, disabled: 'maybe' }, ['disabled']),
  adminUser('edit', { role: 'god' }, ['role']),
  adminUser('edit', { email: '' }, ['email']),
  adminUser('edit', { email: 'super@example.com' }, ['email']),
  adminUser('edit', { name: '' }, ['name']),
  adminUser('edit', { password: 'short' }, ['password']),
];

/** Every list, with query parameters it cannot use: each must name the parameter. */
const LISTS = ['ApiToken', 'ApiRole', 'ApiTokenRole', 'ApiRequestLog', 'ApiAuditEvent', 'ApiTokenAdminGrant', 'AdminUser'];
const DATE_FILTER: Record<string, string> = {
  ApiRequestLog: 'createdAt',
  ApiAuditEvent: 'createdAt',
  ApiTokenAdminGrant: 'grantedAt',
  AdminUser: 'lastSignInAt',
  ApiRole: 'createdAt',
  ApiTokenRole: 'assignedAt',
};
const LIST_CASES: Case[] = LISTS.flatMap((resource) => {
  const list = (query: string, fields: string[]): Case => ({
    title: `${resource} list ?${show(query)}`,
    method: 'GET',
    url: () => `${API}/${resource}/actions/list?${query}`,
    fields,
  });
  return [
    list('page=-1', ['page']),
    list('page=abc', ['page']),
    list('page=1e9', ['page']),
    list('page=1&page=2', ['page']),
    list('perPage=1e9', ['perPage']),
    list('perPage=0', ['perPage']),
    list('perPage=-5', ['perPage']),
    list('sortBy=__proto__', ['sortBy']),
    list('sortBy=constructor', ['sortBy']),
    list(`sortBy=${encodeURIComponent(SCRIPT)}`, ['sortBy']),
    list('direction=sideways', ['direction']),
    list('page=-1&perPage=1e9&sortBy=__proto__&direction=x', ['page', 'perPage', 'sortBy', 'direction']),
    list(`filters.${encodeURIComponent(MARKUP_KEY)}=1`, [`filters.${MARKUP_KEY}`]),
    list('filters.constructor=1', ['filters.constructor']),
    ...(resource === 'ApiToken'
      ? [
          list(`filters.status=${encodeURIComponent(SCRIPT)}`, ['status']),
          list(`filters.tags=${'x'.repeat(51)}`, ['tag']),
          list(`filters.ownerEmail=${'x'.repeat(255)}`, ['ownerEmail']),
        ]
      : []),
    ...(DATE_FILTER[resource]
      ? [
          list(`filters.${DATE_FILTER[resource]}~~from=garbage`, [`filters.${DATE_FILTER[resource]}`]),
          list(`filters.${DATE_FILTER[resource]}~~to=2025-13-45`, [`filters.${DATE_FILTER[resource]}`]),
          list(`filters.${DATE_FILTER[resource]}~~from=2030-01-01&filters.${DATE_FILTER[resource]}~~to=2020-01-01`, [`filters.${DATE_FILTER[resource]}`]),
        ]
      : []),
  ];
});

describe('hostile input through the admin HTTP API', () => {
  const c = {} as Ctx;
  before(async () => {
    c.t = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 100 } } });
    c.agent = await c.t.signIn('super@example.com', 'super-admin-demo');
    const token = await c.t.host.apiAccess.service.create(c.t.superAdmin, {
      name: 'Target',
      roleIds: [c.t.roles.onboarding],
      expiry: { type: 'days', days: 30 },
    });
    c.tokenId = token.token.id;
    c.roleId = c.t.roles.onboarding;
    c.adminId = c.t.admin.id;
    c.superId = c.t.superAdmin.id;
    // One request-log row and more audit rows, so that every list has something to leak.
    await c.t.request.get('/api/v1/onboarding').set('Authorization', `Bearer ${token.secret}`).expect(200);
    await c.t.host.apiAccess.flush();
  });
  after(async () => c.t.close());

  async function send(kase: Case): Promise<supertest.Response> {
    const url = kase.url(c);
    if (kase.method === 'GET') return c.agent.get(url);
    const req = c.agent.post(url);
    const body = kase.body?.(c) ?? {};
    return kase.form ? req.type('form').send(body as Record<string, string>) : req.send(body as object);
  }

  async function expectFieldErrors(kase: Case): Promise<void> {
    const beforeRows = await snapshot(c.t);
    const res = await send(kase);
    assert.equal(res.status, 200, `HTTP ${res.status}: ${res.text.slice(0, 300)}`);
    assert.match(String(res.headers['content-type']), /^application\/json/, 'answered as JSON, never as a page');
    const body = res.body as {
      notice?: { type: string; message: string };
      record?: { errors?: Record<string, { message: string }> };
      records?: unknown[];
      secret?: string;
    };
    assert.equal(body.notice?.type, 'error', `an error notice: ${res.text.slice(0, 300)}`);
    assert.ok((body.notice?.message.length ?? 0) > 0 && body.notice!.message.length < 2_000, 'a short, clear message');
    const errors = body.record?.errors ?? {};
    for (const field of kase.fields) {
      assert.ok(errors[field]?.message, `record.errors names ${field}: got ${Object.keys(errors).join(', ') || 'none'} (${res.text.slice(0, 300)})`);
    }
    assert.equal(body.secret, undefined, 'no secret issued');
    assert.deepEqual(body.records ?? [], [], 'no records with an error');
    assert.deepEqual(await snapshot(c.t), beforeRows, 'nothing changed in any table');
  }

  for (const [group, cases] of [
    ['token forms', TOKEN_CASES],
    ['role and grant forms', ROLE_AND_GRANT_CASES],
    ["the host's admin-user form", ADMIN_USER_CASES],
    ['list query parameters', LIST_CASES],
  ] as const) {
    describe(group, () => {
      for (const kase of cases) it(kase.title, () => expectFieldErrors(kase));
    });
  }

  describe('the same lists and forms with good input work (so the refusals above are about the input)', () => {
    for (const resource of LISTS) {
      it(`${resource} list with page, perPage, a sort field it offers and a direction`, async () => {
        const sortBy = {
          ApiToken: 'name',
          ApiRole: 'name',
          ApiTokenRole: 'assignedAt',
          ApiRequestLog: 'createdAt',
          ApiAuditEvent: 'createdAt',
          ApiTokenAdminGrant: 'grantedAt',
          AdminUser: 'email',
        }[resource];
        const date = DATE_FILTER[resource];
        const range = date ? `&filters.${date}~~from=2000-01-01&filters.${date}~~to=2999-01-01` : '';
        const res = await c.agent.get(`${API}/${resource}/actions/list?page=1&perPage=50&sortBy=${sortBy}&direction=asc${range}`).expect(200);
        assert.equal(res.body.notice, undefined, res.text.slice(0, 300));
        assert.ok(res.body.records.length > 0, `${resource} has records`);
        assert.equal(res.body.meta.sortBy, sortBy);
      });
    }

    it("the token list's owner filter takes a part of the owner's e-mail, in any case", async () => {
      const all = await c.agent.get(`${API}/ApiToken/actions/list?perPage=500`).expect(200);
      const email = String(all.body.records[0]?.params.ownerEmail ?? '');
      assert.ok(email.includes('@'), 'a token with an owner e-mail');
      const expected = all.body.records.filter((r: { params: { ownerEmail: string } }) => r.params.ownerEmail === email).length;
      const part = email.slice(0, email.indexOf('@') + 1).toUpperCase();
      const mine = await c.agent.get(`${API}/ApiToken/actions/list?perPage=500&filters.ownerEmail=${encodeURIComponent(part)}`).expect(200);
      assert.equal(mine.body.notice, undefined, mine.text.slice(0, 300));
      assert.ok(mine.body.records.length >= expected && expected > 0);
      assert.ok(mine.body.records.every((r: { params: { ownerEmail: string } }) => r.params.ownerEmail.toUpperCase().includes(part)));
      const none = await c.agent.get(`${API}/ApiToken/actions/list?filters.ownerEmail=nobody-here%40example.invalid`).expect(200);
      assert.deepEqual(none.body.records, []);
    });

    it('the request-log period filter AdminJS sends (createdAt~~from/to) is applied, not ignored', async () => {
      const future = await c.agent.get(`${API}/ApiRequestLog/actions/list?filters.createdAt~~from=2999-01-01`).expect(200);
      assert.deepEqual(future.body.records, []);
      const all = await c.agent.get(`${API}/ApiRequestLog/actions/list?filters.createdAt~~from=2000-01-01`).expect(200);
      assert.equal(all.body.records.length, 1);
    });

    it('a token with markup in its name, description and tags is stored and returned literally, as JSON data', async () => {
      const res = await c.agent
        .post(`${API}/ApiToken/actions/new`)
        .send({ name: IMG, description: SCRIPT, tags: ['plain tag'], roleIds: [c.t.roles.onboarding], expiry: { type: 'never' } })
        .expect(200);
      assert.equal(res.body.notice.type, 'success', res.text.slice(0, 300));
      assert.equal(res.body.record.params.name, IMG);
      assert.equal(res.body.record.params.description, SCRIPT);
      const row = await c.t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: res.body.record.id } });
      assert.deepEqual([row.name, row.description], [IMG, SCRIPT]);
      await c.t.host.apiAccess.service.delete(c.t.superAdmin, row.id);
    });

    it('an admin user with good input is created, and passwordHash or lastSignInAt sent by the browser are ignored', async () => {
      const res = await c.agent
        .post(`${API}/AdminUser/actions/new`)
        .send({ ...okUser, email: ' New-Admin@Example.com ', passwordHash: 'chosen-by-browser', lastSignInAt: '2020-01-01' })
        .expect(200);
      assert.equal(res.body.notice.type, 'success', res.text.slice(0, 300));
      const row = await c.t.host.prisma.adminUser.findUniqueOrThrow({ where: { email: 'new-admin@example.com' } });
      assert.equal(bcrypt.getRounds(row.passwordHash), passwordHashCost(), "the password was hashed at the host's cost; the browser cannot set the hash");
      assert.equal(row.lastSignInAt, null, 'the browser cannot claim a sign-in');
      assert.equal(JSON.stringify(res.body).includes(row.passwordHash), false, 'the hash is not sent back');
      const edited = await c.agent.post(`${API}/AdminUser/records/${row.id}/edit`).send({ passwordHash: 'plain', name: 'Renamed' }).expect(200);
      assert.equal(edited.body.notice.type, 'success');
      const after = await c.t.host.prisma.adminUser.findUniqueOrThrow({ where: { id: row.id } });
      assert.equal(after.passwordHash, row.passwordHash);
      assert.equal(after.name, 'Renamed');
      await c.t.host.prisma.adminUser.delete({ where: { id: row.id } });
    });
  });

  describe('requests no action can take', () => {
    it('a refused admin-user edit does not send the stored password hash back (AdminJS answers errors with the loaded record)', async () => {
      const res = await c.agent.post(`${API}/AdminUser/records/${c.adminId}/edit`).send({ role: 'god' }).expect(200);
      assert.ok(res.body.record.errors.role);
      assert.equal(res.body.record.params.passwordHash, undefined);
      assert.doesNotMatch(res.text, /\$2[aby]\$\d\d\$/);
    });

    for (const [title, url] of [
      ['an action that does not exist', `${API}/ApiToken/actions/export`],
      ['a record action that does not exist', `${API}/ApiToken/records/x/export`],
      ['a resource that does not exist', `${API}/Nope/actions/list`],
      ['an action named like an Object property', `${API}/ApiToken/actions/__proto__`],
    ] as const) {
      it(`${title}: 404 as JSON`, async () => {
        const res = await c.agent.get(url);
        assert.equal(res.status, 404, res.text.slice(0, 200));
        assert.equal(res.body.error, 'not_found');
      });
    }

    it('a bulk delete of ids that do not exist, or of none: 404, nothing deleted', async () => {
      const before = await snapshot(c.t);
      for (const query of [`?recordIds=${encodeURIComponent(`${SQL},nope`)}`, '']) {
        const res = await c.agent.post(`${API}/ApiToken/bulk/bulkDelete${query}`);
        assert.equal(res.status, 404, res.text.slice(0, 200));
      }
      assert.deepEqual(await snapshot(c.t), before);
    });

    it('a record id that does not exist: a clear error, nothing changed', async () => {
      const before = await snapshot(c.t);
      for (const action of ['rotate', 'regenerate', 'disable', 'delete', 'edit']) {
        const res = await c.agent.post(`${API}/ApiToken/records/${encodeURIComponent(SQL)}/${action}`).send({ graceSeconds: 0 });
        assert.equal(res.status, 200);
        assert.equal(res.body.notice?.type, 'error');
        assert.equal(res.body.record?.baseError?.type, 'NotFoundError');
      }
      assert.deepEqual(await snapshot(c.t), before);
    });

    it('a body that cannot be parsed: 400 as JSON, no stack trace, nothing changed', async () => {
      const before = await snapshot(c.t);
      const broken = [
        ['application/json', '{"name": '],
        ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x'],
      ];
      for (const [type, body] of broken) {
        const res = await c.agent.post(`${API}/ApiToken/actions/new`).set('Content-Type', type!).send(body!);
        assert.equal(res.status, 400, `${type}: ${res.text.slice(0, 200)}`);
        assert.equal(res.body.error, 'bad_request');
        assert.doesNotMatch(res.text, /at .*\.js:\d+|node_modules/, 'no stack trace');
      }
      assert.deepEqual(await snapshot(c.t), before);
    });

    it('search with a huge or hostile query answers an empty list', async () => {
      // (AdminJS's own search, on the other resources, treats % and _ as wildcards, as @adminjs/prisma does.)
      for (const resource of ['ApiToken', 'ApiRole', 'AdminUser', 'ApiAuditEvent']) {
        for (const query of [SCRIPT, SQL, 'x'.repeat(5_000), ...(resource === 'ApiToken' ? ['%', '_'] : [])]) {
          const res = await c.agent.get(`${API}/${resource}/actions/search/${encodeURIComponent(query)}`);
          assert.equal(res.status, 200, `${resource} ${show(query)}: ${res.text.slice(0, 200)}`);
          assert.deepEqual(res.body.records, [], `${resource} ${show(query)}`);
        }
      }
    });
  });
});
