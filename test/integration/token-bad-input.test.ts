/**
 * Hostile input to every field of every TokenService operation, against the real example host
 * and its SQLite database. Each rejected call must fail with an ApiAccessError whose code is
 * one of the stable codes and whose `fields` names the offending field, and must leave every
 * token, role, tag, assignment, grant, lock and audit row exactly as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiAccessError, ErrorCodes, type Actor, type ErrorCode } from 'adminjs-api-access';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { listTables } from '../helpers/database.js';

const DAY_MS = 86_400_000;
const HUGE = 'x'.repeat(100_000);
const SCRIPT = '<script>alert(1)</script>';
const SQL = "'; DROP TABLE ApiToken; --";
const MISSING = Symbol('missing');
const NEXT_YEAR = new Date().getUTCFullYear() + 1;

interface Ctx {
  t: TestHost;
  /** A token of the seeded super admin that every edit, rotate, regenerate and delete case aims at. */
  target: { id: string; name: string };
  /** A signed-in ordinary admin that create cases make tokens for. */
  spare: Actor;
  uniqueName(): string;
}

interface Case {
  title: string;
  run: (c: Ctx) => Promise<unknown>;
  code: ErrorCode;
  /** The field `fields` must name; undefined when the error is about the input as a whole. */
  field: string | undefined;
  /** The code of that field's own error, when it differs from the error's code. */
  fieldCode?: ErrorCode;
}

function show(value: unknown): string {
  if (value === MISSING) return 'missing';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`;
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 8)}…" (${value.length} chars)` : JSON.stringify(value);
  if (Array.isArray(value)) return value.length > 5 ? `[${value.length} items]` : `[${value.map(show).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${show(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

function withField(base: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const input = { ...base };
  if (value === MISSING) delete input[field];
  else input[field] = value;
  return input;
}

/** Every row a token operation could touch, in a stable order. */
async function snapshot(t: TestHost) {
  const p = t.host.prisma;
  return {
    ApiToken: await p.apiToken.findMany({ orderBy: { id: 'asc' } }),
    ApiTokenRole: await p.apiTokenRole.findMany({ orderBy: [{ tokenId: 'asc' }, { roleId: 'asc' }] }),
    ApiTokenTag: await p.apiTokenTag.findMany({ orderBy: [{ tokenId: 'asc' }, { tag: 'asc' }] }),
    ApiAuditEvent: await p.apiAuditEvent.findMany({ orderBy: { id: 'asc' } }),
    ApiRole: await p.apiRole.findMany({ orderBy: { id: 'asc' } }),
    ApiTokenAdminGrant: await p.apiTokenAdminGrant.findMany({ orderBy: { userId: 'asc' } }),
    ApiTokenOwnerLock: await p.apiTokenOwnerLock.findMany({ orderBy: { ownerId: 'asc' } }),
  };
}

async function expectRejected(c: Ctx, kase: Case): Promise<void> {
  const before = await snapshot(c.t);
  let error: unknown;
  let value: unknown;
  try {
    value = await kase.run(c);
  } catch (caught) {
    error = caught;
  }
  assert.ok(error !== undefined, `expected ${kase.code}, but the call was accepted: ${JSON.stringify(value)?.slice(0, 300)}`);
  assert.ok(
    error instanceof ApiAccessError,
    `expected an ApiAccessError, got ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 500)}` : String(error)}`,
  );
  assert.ok((ErrorCodes as readonly string[]).includes(error.code), `unknown code ${error.code}`);
  assert.equal(error.code, kase.code, `expected ${kase.code}, got ${error.code}: ${error.message.slice(0, 300)} ${JSON.stringify(error.fields).slice(0, 300)}`);
  if (kase.field !== undefined) {
    const fieldError = error.fields[kase.field];
    assert.ok(fieldError, `expected fields.${kase.field}, got ${JSON.stringify(error.fields).slice(0, 300)}`);
    assert.equal(fieldError.code, kase.fieldCode ?? kase.code);
    assert.ok(fieldError.message.length > 0);
  } else {
    assert.deepEqual(Object.keys(error.fields), []);
  }
  assert.ok(error.message.length > 0 && error.message.length < 2_000, `the message is ${error.message.length} characters long`);
  assert.ok([403, 404, 409, 422].includes(error.httpStatus), `httpStatus ${error.httpStatus}`);
  assert.deepEqual(await snapshot(c.t), before, 'the rejected call changed the database');
}

// --- The cases ----------------------------------------------------------------------------------

function createBase(c: Ctx): Record<string, unknown> {
  return {
    name: c.uniqueName(),
    description: 'ok',
    tags: ['ok'],
    roleIds: [c.t.roles.onboarding],
    expiry: { type: 'days', days: 30 },
    allowedIps: [],
    ownerId: c.spare.id,
  };
}

function createCase(field: string, value: unknown, code: ErrorCode, note = ''): Case {
  return {
    title: `create: ${field} = ${show(value)}${note}`,
    run: (c) => c.t.host.apiAccess.service.create(c.t.superAdmin, withField(createBase(c), field, value)),
    code,
    field,
  };
}

const twentyOneTags = Array.from({ length: 21 }, (_, i) => `tag${i}`);
const fiftyOneIds = Array.from({ length: 51 }, (_, i) => `role${i}`);
const hundredOneIps = Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`);

const NAME_VALUES: unknown[] = [
  '',
  '   ',
  'x'.repeat(101),
  HUGE,
  42,
  true,
  {},
  [],
  ['a name'],
  null,
  'nul\u0000byte',
  'line\nbreak',
  'carriage\rreturn',
  'tab\tinside',
  'bell\u0007',
  'escape\u001b[31m',
  'next\u0085line',
];
const DESCRIPTION_VALUES: unknown[] = ['x'.repeat(1001), HUGE, 42, {}, [], null, false, 'bell\u0007'];
const TAG_VALUES: unknown[] = [
  [SCRIPT],
  ['ok', SCRIPT],
  ['a<b'],
  'prod',
  [''],
  ['   '],
  ['x'.repeat(51)],
  [HUGE],
  [1],
  [null],
  [{}],
  [[]],
  twentyOneTags,
  null,
  42,
  {},
  ['-leading'],
  ["a'; DROP TABLE ApiTokenTag; --"],
  ['tag\u0000x'],
  ['new\nline'],
];
const ROLE_ID_VALUES: unknown[] = [[], MISSING, null, 42, 'a-role-id', {}, [42], [null], [''], ['   '], ['x'.repeat(65)], [HUGE], fiftyOneIds];
const EXPIRY_INVALID: unknown[] = [
  MISSING,
  null,
  'never',
  30,
  [],
  {},
  { type: 'forever' },
  { type: 'days' },
  { type: 'days', days: '30' },
  { type: 'days', days: 1.5 },
  { type: 'days', days: Number.NaN },
  { type: 'days', days: Number.POSITIVE_INFINITY },
  { type: 'date' },
  { type: 'date', date: 'not a date' },
  { type: 'date', date: HUGE },
  { type: 'date', date: new Date(Number.NaN) },
  { type: 'date', date: 12345 },
  { type: 'date', date: '31/12/2030' },
  { type: 'date', date: `${NEXT_YEAR}-13-01` },
  { type: 'date', date: `${NEXT_YEAR}-01-01T25:00` },
  { type: 'date', date: SQL },
  { type: 'date', date: null },
];
const EXPIRY_DOMAIN: [unknown, ErrorCode][] = [
  [{ type: 'days', days: 13 }, 'EXPIRY_NOT_ALLOWED'],
  [{ type: 'days', days: 0 }, 'EXPIRY_NOT_ALLOWED'],
  [{ type: 'days', days: -30 }, 'EXPIRY_NOT_ALLOWED'],
  [{ type: 'days', days: 365_000 }, 'EXPIRY_NOT_ALLOWED'],
  [{ type: 'date', date: '2020-01-01' }, 'EXPIRY_IN_PAST'],
  [{ type: 'date', date: new Date(Date.now() - 60_000) }, 'EXPIRY_IN_PAST'],
  [{ type: 'date', date: new Date(Date.now() - 60_000).toISOString() }, 'EXPIRY_IN_PAST'],
  [{ type: 'date', date: '9999-12-31' }, 'EXPIRY_TOO_FAR'],
  [{ type: 'date', date: new Date(Date.now() + 36_501 * DAY_MS) }, 'EXPIRY_TOO_FAR'],
];
/** Dates that do not exist in the calendar: JavaScript rolls them over into the next month. */
const IMPOSSIBLE_DATES = [`${NEXT_YEAR}-02-30`, `${NEXT_YEAR}-04-31T10:00:00Z`];
const CIDR_INVALID: unknown[] = [
  ['not-an-ip'],
  ['10.0.0.1/8'],
  ['10.0.0.0/33'],
  ['300.1.1.1'],
  ['2001:db8::/129'],
  ['2001:db8::1/32'],
  [''],
  ['   '],
  [SQL],
  [SCRIPT],
  ['10.0.0.0/8', 'bogus'],
  ['10.0.0.0/-1'],
  ['10.0.0.0/8/8'],
  ['010.0.0.1'],
  ['10.1'],
  ['167772160'],
  ['0x0a.0.0.1'],
  ['::ffff:10.0.0.0/64'],
];
const IPS_INVALID: unknown[] = [['x'.repeat(65)], [HUGE], '10.0.0.0/8', null, 42, {}, [1], [null], [['10.0.0.0/8']], hundredOneIps];
const OWNER_INVALID: unknown[] = ['', '   ', 1.5, null, {}, ['id'], 'x'.repeat(65), HUGE];

function createCases(): Case[] {
  const cases: Case[] = [];
  for (const v of NAME_VALUES) cases.push(createCase('name', v, 'INVALID_INPUT'));
  cases.push(createCase('name', MISSING, 'INVALID_INPUT'));
  cases.push(createCase('name', 'GRC dashboard', 'NAME_TAKEN'));
  cases.push(createCase('name', '  GRC dashboard  ', 'NAME_TAKEN'));
  for (const v of DESCRIPTION_VALUES) cases.push(createCase('description', v, 'INVALID_INPUT'));
  for (const v of TAG_VALUES) cases.push(createCase('tags', v, 'INVALID_INPUT'));
  for (const v of ROLE_ID_VALUES) cases.push(createCase('roleIds', v, 'INVALID_INPUT'));
  cases.push(createCase('roleIds', ['no-such-role'], 'UNKNOWN_ROLE'));
  cases.push(createCase('roleIds', [SQL], 'UNKNOWN_ROLE'));
  cases.push({
    title: 'create: roleIds = [a real role, "no-such-role"]',
    run: (c) => c.t.host.apiAccess.service.create(c.t.superAdmin, { ...createBase(c), roleIds: [c.t.roles.securityAudit, 'no-such-role'] }),
    code: 'UNKNOWN_ROLE',
    field: 'roleIds',
  });
  for (const v of EXPIRY_INVALID) cases.push(createCase('expiry', v, 'INVALID_INPUT'));
  for (const [v, code] of EXPIRY_DOMAIN) cases.push(createCase('expiry', v, code));
  for (const date of IMPOSSIBLE_DATES) cases.push(createCase('expiry', { type: 'date', date }, 'INVALID_INPUT'));
  for (const v of CIDR_INVALID) cases.push(createCase('allowedIps', v, 'INVALID_CIDR'));
  for (const v of IPS_INVALID) cases.push(createCase('allowedIps', v, 'INVALID_INPUT'));
  for (const v of OWNER_INVALID) cases.push(createCase('ownerId', v, 'INVALID_INPUT'));
  cases.push(createCase('ownerId', 'no-such-user', 'USER_NOT_FOUND'));
  cases.push(createCase('ownerId', SQL, 'USER_NOT_FOUND'));
  cases.push({
    title: 'create: ownerId = a user who never signed in',
    run: (c) => c.t.host.apiAccess.service.create(c.t.superAdmin, { ...createBase(c), ownerId: c.t.admin.id }),
    code: 'OWNER_NEVER_SIGNED_IN',
    field: 'ownerId',
  });
  // Fields create does not take, including the secret, its hash and the creator.
  for (const extra of [{ secret: 'aat_x' }, { secretHash: 'abc' }, { enabled: false }, { createdById: 'someone' }, { id: 'chosen-id' }]) {
    cases.push({
      title: `create: with ${show(extra)}`,
      run: (c) => c.t.host.apiAccess.service.create(c.t.superAdmin, { ...createBase(c), ...extra }),
      code: 'INVALID_INPUT',
      field: 'input',
    });
  }
  for (const v of [null, 'a token', 42, [], true]) {
    cases.push({
      title: `create: the whole input = ${show(v)}`,
      run: (c) => c.t.host.apiAccess.service.create(c.t.superAdmin, v),
      code: 'INVALID_INPUT',
      field: 'input',
    });
  }
  cases.push({
    title: 'create: several bad fields are reported together',
    run: (c) => c.t.host.apiAccess.service.create(c.t.superAdmin, { ...createBase(c), name: '', expiry: { type: 'date', date: '2020-01-01' } }),
    code: 'INVALID_INPUT',
    field: 'expiry',
    fieldCode: 'EXPIRY_IN_PAST',
  });
  return cases;
}

/** Hostile token ids, for every operation that takes one. */
const ID_VALUES: [unknown, ErrorCode][] = [
  ['', 'INVALID_INPUT'],
  ['   ', 'INVALID_INPUT'],
  [42, 'INVALID_INPUT'],
  [null, 'INVALID_INPUT'],
  [undefined, 'INVALID_INPUT'],
  [{}, 'INVALID_INPUT'],
  [['an-id'], 'INVALID_INPUT'],
  ['x'.repeat(65), 'INVALID_INPUT'],
  [HUGE, 'INVALID_INPUT'],
  ['no-such-token', 'NOT_FOUND'],
  [SQL, 'NOT_FOUND'],
];

function idCases(): Case[] {
  const cases: Case[] = [];
  const ops: [string, (c: Ctx, id: unknown) => Promise<unknown>][] = [
    ['edit', (c, id) => c.t.host.apiAccess.service.edit(c.t.superAdmin, id, { description: 'changed' })],
    ['rotate', (c, id) => c.t.host.apiAccess.service.rotate(c.t.superAdmin, id, { graceSeconds: 0 })],
    ['regenerate', (c, id) => c.t.host.apiAccess.service.regenerate(c.t.superAdmin, id, { expiry: { type: 'days', days: 30 } })],
    ['disable', (c, id) => c.t.host.apiAccess.service.disable(c.t.superAdmin, id)],
    ['enable', (c, id) => c.t.host.apiAccess.service.enable(c.t.superAdmin, id)],
    ['delete', (c, id) => c.t.host.apiAccess.service.delete(c.t.superAdmin, id)],
    ['get', (c, id) => c.t.host.apiAccess.service.get(c.t.superAdmin, id)],
  ];
  for (const [op, run] of ops) {
    for (const [id, code] of ID_VALUES) cases.push({ title: `${op}: id = ${show(id)}`, run: (c) => run(c, id), code, field: 'id' });
  }
  return cases;
}

function editCase(input: unknown, code: ErrorCode, field: string | undefined, fieldCode?: ErrorCode): Case {
  return {
    title: `edit: ${show(input)}`,
    run: (c) => c.t.host.apiAccess.service.edit(c.t.superAdmin, c.target.id, input),
    code,
    field,
    ...(fieldCode ? { fieldCode } : {}),
  };
}

function editCases(): Case[] {
  const cases: Case[] = [];
  for (const v of [null, 'a token', 42, [], true]) cases.push(editCase(v, 'INVALID_INPUT', 'input'));
  cases.push(editCase({}, 'INVALID_INPUT', undefined));
  // Fields edit does not offer, including the owner and the secret.
  for (const extra of [
    { secretHash: 'abc' },
    { ownerId: 'someone-else' },
    { enabled: false },
    { expiry: { type: 'never' } },
    { id: 'other' },
    { lastFour: 'abcd' },
  ]) {
    cases.push(editCase(extra, 'INVALID_INPUT', 'input'));
  }
  for (const v of NAME_VALUES) cases.push(editCase({ name: v }, 'INVALID_INPUT', 'name'));
  cases.push(editCase({ name: 'GRC dashboard' }, 'NAME_TAKEN', 'name'));
  for (const v of DESCRIPTION_VALUES) cases.push(editCase({ description: v }, 'INVALID_INPUT', 'description'));
  for (const v of TAG_VALUES) cases.push(editCase({ tags: v }, 'INVALID_INPUT', 'tags'));
  for (const v of ROLE_ID_VALUES) if (v !== MISSING) cases.push(editCase({ roleIds: v }, 'INVALID_INPUT', 'roleIds'));
  cases.push(editCase({ roleIds: ['no-such-role'] }, 'UNKNOWN_ROLE', 'roleIds'));
  // The tags are replaced before the roles are checked: the transaction must undo that.
  cases.push(editCase({ tags: ['fresh-tag'], description: 'new', roleIds: ['no-such-role'] }, 'UNKNOWN_ROLE', 'roleIds'));
  for (const v of CIDR_INVALID) cases.push(editCase({ allowedIps: v }, 'INVALID_CIDR', 'allowedIps'));
  for (const v of IPS_INVALID) cases.push(editCase({ allowedIps: v }, 'INVALID_INPUT', 'allowedIps'));
  cases.push(editCase({ name: '', tags: 'x' }, 'INVALID_INPUT', 'tags'));
  return cases;
}

function rotateCases(): Case[] {
  const cases: Case[] = [];
  const graces: unknown[] = [60, -1, 1.5, '3600', null, Number.NaN, Number.POSITIVE_INFINITY, 1e12, HUGE, {}, [], 86_401];
  for (const v of graces) {
    cases.push({
      title: `rotate: graceSeconds = ${show(v)}`,
      run: (c) => c.t.host.apiAccess.service.rotate(c.t.superAdmin, c.target.id, { graceSeconds: v }),
      code: 'INVALID_INPUT',
      field: 'graceSeconds',
    });
  }
  for (const options of [{ graceSeconds: 0, extra: 1 }, { secretHash: 'abc' }, 'fast', 42, [], true]) {
    cases.push({
      title: `rotate: options = ${show(options)}`,
      run: (c) => c.t.host.apiAccess.service.rotate(c.t.superAdmin, c.target.id, options),
      code: 'INVALID_INPUT',
      field: 'graceSeconds',
    });
  }
  return cases;
}

function regenerateCases(): Case[] {
  const cases: Case[] = [];
  const regen = (options: unknown) => (c: Ctx) => c.t.host.apiAccess.service.regenerate(c.t.superAdmin, c.target.id, options);
  for (const options of [undefined, null, {}, 'soon', 42, [], { expiresAt: '2030-01-01' }]) {
    cases.push({ title: `regenerate: options = ${show(options)}`, run: regen(options), code: 'EXPIRY_REQUIRED', field: 'expiry' });
  }
  for (const v of EXPIRY_INVALID) {
    if (v === MISSING) continue;
    cases.push({ title: `regenerate: expiry = ${show(v)}`, run: regen({ expiry: v }), code: 'INVALID_INPUT', field: 'expiry' });
  }
  for (const [v, code] of EXPIRY_DOMAIN) cases.push({ title: `regenerate: expiry = ${show(v)}`, run: regen({ expiry: v }), code, field: 'expiry' });
  for (const date of IMPOSSIBLE_DATES) {
    cases.push({
      title: `regenerate: expiry = ${show({ type: 'date', date })}`,
      run: regen({ expiry: { type: 'date', date } }),
      code: 'INVALID_INPUT',
      field: 'expiry',
    });
  }
  return cases;
}

function bulkDeleteCases(): Case[] {
  const cases: Case[] = [];
  const invalid: unknown[] = [
    [],
    'an-id',
    null,
    undefined,
    42,
    {},
    [42],
    [null],
    [''],
    ['   '],
    ['x'.repeat(65)],
    [HUGE],
    Array.from({ length: 501 }, (_, i) => `id${i}`),
  ];
  for (const ids of invalid) {
    cases.push({
      title: `bulkDelete: ids = ${show(ids)}`,
      run: (c) => c.t.host.apiAccess.service.bulkDelete(c.t.superAdmin, ids),
      code: 'INVALID_INPUT',
      field: 'ids',
    });
  }
  for (const ids of [['no-such-token'], [SQL]]) {
    cases.push({
      title: `bulkDelete: ids = ${show(ids)}`,
      run: (c) => c.t.host.apiAccess.service.bulkDelete(c.t.superAdmin, ids),
      code: 'NOT_FOUND',
      field: 'ids',
    });
  }
  cases.push({
    title: 'bulkDelete: ids = [the target, every seeded token, "no-such-token"] deletes nothing',
    run: async (c) => {
      const ids = (await c.t.host.prisma.apiToken.findMany({ select: { id: true } })).map((r) => r.id);
      return c.t.host.apiAccess.service.bulkDelete(c.t.superAdmin, [c.target.id, ...ids, 'no-such-token']);
    },
    code: 'NOT_FOUND',
    field: 'ids',
  });
  return cases;
}

function listCases(): Case[] {
  const cases: Case[] = [];
  const bad: [string, unknown[]][] = [
    ['status', ['bogus', 'ACTIVE', '', 42, null, ['active']]],
    ['roleId', ['', 42, 'x'.repeat(65), HUGE, null, {}]],
    ['tag', ['', '   ', 'x'.repeat(51), HUGE, 42, null]],
    ['ownerId', ['', 42, 'x'.repeat(65), HUGE, null]],
    ['search', ['x'.repeat(101), HUGE, 42, {}, null, ['a']]],
    ['page', [0, -1, 1.5, '2', Number.NaN, Number.POSITIVE_INFINITY, 1_000_001, null]],
    ['perPage', [0, -5, 501, 1.5, '20', 1e9, null]],
    ['sortBy', ['secretHash', 'previousSecretHash', 'name; DROP TABLE ApiToken', SQL, '', 42, { name: 'asc' }]],
    ['direction', ['sideways', 'DESC', '', 42, null]],
  ];
  for (const [field, values] of bad) {
    for (const v of values) {
      cases.push({
        title: `list: ${field} = ${show(v)}`,
        run: (c) => c.t.host.apiAccess.service.list(c.t.superAdmin, { [field]: v }),
        code: 'INVALID_INPUT',
        field,
      });
    }
  }
  for (const query of [{ secretHash: 'abc' }, { where: { id: 'x' } }, { OR: [] }, 'everything', 42, [], true]) {
    cases.push({
      title: `list: query = ${show(query)}`,
      run: (c) => c.t.host.apiAccess.service.list(c.t.superAdmin, query),
      code: 'INVALID_INPUT',
      field: 'input',
    });
  }
  return cases;
}

function roleCases(): Case[] {
  const cases: Case[] = [];
  const base = () => ({ name: `Role ${Math.random().toString(36).slice(2)}`, description: 'ok', scopes: ['reports:read'] });
  const bad: [string, unknown[]][] = [
    ['name', ['', '   ', 'x'.repeat(101), HUGE, 42, null, {}, MISSING]],
    ['description', ['x'.repeat(1001), HUGE, 42, null, {}]],
    [
      'scopes',
      [
        MISSING,
        [],
        'reports:read',
        null,
        42,
        {},
        ['UPPER:read'],
        ['has space'],
        ['x'.repeat(65)],
        [HUGE],
        [42],
        [null],
        [''],
        Array.from({ length: 101 }, (_, i) => `s${i}`),
        [SCRIPT],
        [SQL],
        ['-leading'],
      ],
    ],
  ];
  for (const [field, values] of bad) {
    for (const v of values) {
      cases.push({
        title: `createRole: ${field} = ${show(v)}`,
        run: (c) => c.t.host.apiAccess.service.createRole(c.t.superAdmin, withField(base(), field, v)),
        code: 'INVALID_INPUT',
        field,
      });
    }
  }
  for (const name of ['Security Audit', '  Security Audit  ']) {
    cases.push({
      title: `createRole: name = ${show(name)}`,
      run: (c) => c.t.host.apiAccess.service.createRole(c.t.superAdmin, { ...base(), name }),
      code: 'NAME_TAKEN',
      field: 'name',
    });
  }
  for (const v of [null, 'a role', 42, []]) {
    cases.push({
      title: `createRole: the whole input = ${show(v)}`,
      run: (c) => c.t.host.apiAccess.service.createRole(c.t.superAdmin, v),
      code: 'INVALID_INPUT',
      field: 'input',
    });
  }
  cases.push({
    title: 'createRole: by an ordinary admin',
    run: (c) => c.t.host.apiAccess.service.createRole(c.t.admin, base()),
    code: 'FORBIDDEN',
    field: undefined,
  });

  for (const [id, code] of ID_VALUES) {
    if (id === 'no-such-token') continue;
    cases.push({ title: `editRole: id = ${show(id)}`, run: (c) => c.t.host.apiAccess.service.editRole(c.t.superAdmin, id, base()), code, field: 'id' });
    cases.push({ title: `deleteRole: id = ${show(id)}`, run: (c) => c.t.host.apiAccess.service.deleteRole(c.t.superAdmin, id), code, field: 'id' });
  }
  cases.push({
    title: "editRole: rename to another role's name",
    run: (c) => c.t.host.apiAccess.service.editRole(c.t.superAdmin, c.t.roles.securityAudit, { name: 'Vault Summary', scopes: ['security-audit:read'] }),
    code: 'NAME_TAKEN',
    field: 'name',
  });
  for (const scopes of [[], null, ['BAD SCOPE']]) {
    cases.push({
      title: `editRole: scopes = ${show(scopes)}`,
      run: (c) => c.t.host.apiAccess.service.editRole(c.t.superAdmin, c.t.roles.securityAudit, { name: 'Security Audit', scopes }),
      code: 'INVALID_INPUT',
      field: 'scopes',
    });
  }
  cases.push({
    title: 'deleteRole: a role in use',
    run: (c) => c.t.host.apiAccess.service.deleteRole(c.t.superAdmin, c.t.roles.onboarding),
    code: 'ROLE_IN_USE',
    field: undefined,
  });
  return cases;
}

function grantCases(): Case[] {
  const cases: Case[] = [];
  // A user id may be an integer (a host's Int ids): 42 is a well-formed user id, unlike a token id.
  for (const [id, code] of [...ID_VALUES.filter(([id]) => id !== 42), [1.5, 'INVALID_INPUT'] as const]) {
    if (code === 'NOT_FOUND') continue;
    cases.push({
      title: `grantTokenAdmin: userId = ${show(id)}`,
      run: (c) => c.t.host.apiAccess.service.grantTokenAdmin(c.t.superAdmin, id),
      code,
      field: 'userId',
    });
    cases.push({
      title: `revokeTokenAdmin: userId = ${show(id)}`,
      run: (c) => c.t.host.apiAccess.service.revokeTokenAdmin(c.t.superAdmin, id),
      code,
      field: 'userId',
    });
  }
  cases.push({
    title: 'grantTokenAdmin: userId = 42 (an integer id, looked up as "42")',
    run: (c) => c.t.host.apiAccess.service.grantTokenAdmin(c.t.superAdmin, 42),
    code: 'USER_NOT_FOUND',
    field: 'userId',
  });
  cases.push({
    title: 'grantTokenAdmin: userId = "no-such-user"',
    run: (c) => c.t.host.apiAccess.service.grantTokenAdmin(c.t.superAdmin, 'no-such-user'),
    code: 'USER_NOT_FOUND',
    field: 'userId',
  });
  cases.push({
    title: 'grantTokenAdmin: an ordinary admin',
    run: (c) => c.t.host.apiAccess.service.grantTokenAdmin(c.t.superAdmin, c.t.admin.id),
    code: 'NOT_SUPER_ADMIN',
    field: 'userId',
  });
  cases.push({
    title: 'grantTokenAdmin: by an ordinary admin',
    run: (c) => c.t.host.apiAccess.service.grantTokenAdmin(c.t.admin, c.t.admin.id),
    code: 'FORBIDDEN',
    field: undefined,
  });
  return cases;
}

// --- The tests ----------------------------------------------------------------------------------

describe('hostile input (default policy)', () => {
  const c = {} as Ctx;
  let seq = 0;
  before(async () => {
    c.t = await startTestHost();
    c.uniqueName = () => `Bad input probe ${++seq}`;
    const p = c.t.host.prisma;
    const spare = await p.adminUser.create({
      data: { email: 'spare@example.com', name: 'Spare', passwordHash: 'not-used', role: 'admin', lastSignInAt: new Date() },
    });
    c.spare = { id: spare.id, email: spare.email, isSuperAdmin: false };
    const target = await c.t.host.apiAccess.service.create(c.t.superAdmin, {
      name: 'Target token',
      description: 'aimed at',
      tags: ['target'],
      roleIds: [c.t.roles.onboarding],
      expiry: { type: 'days', days: 30 },
    });
    c.target = { id: target.token.id, name: target.token.name };
  });
  after(async () => c.t.close());

  const groups: [string, () => Case[]][] = [
    ['create', createCases],
    ['token id', idCases],
    ['edit', editCases],
    ['rotate', rotateCases],
    ['regenerate', regenerateCases],
    ['bulkDelete', bulkDeleteCases],
    ['list', listCases],
    ['roles', roleCases],
    ['token-admin grant', grantCases],
  ];
  for (const [group, build] of groups) {
    describe(group, () => {
      for (const kase of build()) it(kase.title, () => expectRejected(c, kase));
    });
  }

  describe('values that look hostile but are valid are stored literally', () => {
    it(`a token named ${SQL} is stored as given and every table is still there`, async () => {
      const owner = await c.t.host.prisma.adminUser.create({
        data: { email: 'sql@example.com', name: 'Sql', passwordHash: 'not-used', role: 'admin', lastSignInAt: new Date() },
      });
      const issued = await c.t.host.apiAccess.service.create(c.t.superAdmin, {
        name: SQL,
        description: "Robert'); DROP TABLE ApiTokenRole;--",
        tags: ['sql'],
        roleIds: [c.t.roles.onboarding],
        expiry: { type: 'never' },
        ownerId: owner.id,
      });
      assert.equal(issued.token.name, SQL);
      const row = await c.t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: issued.token.id } });
      assert.equal(row.name, SQL);
      assert.equal(row.description, "Robert'); DROP TABLE ApiTokenRole;--");
      const tables = await listTables(c.t.host.prisma);
      for (const table of ['ApiToken', 'ApiTokenRole', 'ApiTokenTag', 'ApiAuditEvent', 'ApiRole']) assert.ok(tables.includes(table), `${table} is gone`);
      assert.ok((await c.t.host.prisma.apiToken.count()) >= 5);
      const found = await c.t.host.apiAccess.service.list(c.t.superAdmin, { search: 'DROP TABLE ApiToken; --' });
      assert.deepEqual(
        found.items.map((i) => i.id),
        [issued.token.id],
      );
      assert.equal((await c.t.host.apiAccess.service.list(c.t.superAdmin, { search: SQL })).total, 1);
      const ok = await c.t.host.apiAccess.verifier.verify(issued.secret, '203.0.113.1');
      assert.ok(ok.ok && ok.token.name === SQL);
      const event = await c.t.host.prisma.apiAuditEvent.findFirstOrThrow({ where: { tokenId: issued.token.id } });
      assert.equal(event.tokenName, SQL);
    });

    it('markup in a name or description is stored as text, not interpreted or mangled', async () => {
      const owner = await c.t.host.prisma.adminUser.create({
        data: { email: 'markup@example.com', name: 'Markup', passwordHash: 'not-used', role: 'admin', lastSignInAt: new Date() },
      });
      const issued = await c.t.host.apiAccess.service.create(c.t.superAdmin, {
        name: `  ${SCRIPT}  `,
        description: `<img src=x onerror=alert(1)> ${SCRIPT}`,
        roleIds: [c.t.roles.onboarding],
        expiry: { type: 'days', days: 30 },
        ownerId: owner.id,
      });
      const row = await c.t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: issued.token.id } });
      assert.equal(row.name, SCRIPT);
      assert.equal(row.description, `<img src=x onerror=alert(1)> ${SCRIPT}`);
    });

    it(`a role named ${SQL} is stored as given`, async () => {
      const role = await c.t.host.apiAccess.service.createRole(c.t.superAdmin, { name: SQL, description: SCRIPT, scopes: ['reports:read'] });
      const row = await c.t.host.prisma.apiRole.findUniqueOrThrow({ where: { id: role.id } });
      assert.equal(row.name, SQL);
      assert.equal(row.description, SCRIPT);
      await c.t.host.apiAccess.service.deleteRole(c.t.superAdmin, role.id);
    });
  });
});

describe('hostile input (namePattern and allowedScopes policy)', () => {
  const c = {} as Ctx;
  let seq = 0;
  const hint = 'Names start with a capital letter and hold 3-40 letters, digits, spaces and hyphens.';
  before(async () => {
    c.t = await startTestHost({
      apiAccess: {
        policy: {
          namePattern: '^[A-Z][A-Za-z0-9 -]{2,39}$',
          namePatternHint: hint,
          allowedScopes: ['onboarding:read', 'security-audit:read', 'vault-summary:read', 'reports:read'],
        },
      },
    });
    c.uniqueName = () => `Pattern probe ${++seq}`;
    const spare = await c.t.host.prisma.adminUser.create({
      data: { email: 'spare@example.com', name: 'Spare', passwordHash: 'not-used', role: 'admin', lastSignInAt: new Date() },
    });
    c.spare = { id: spare.id, email: spare.email, isSuperAdmin: false };
    const target = await c.t.host.apiAccess.service.create(c.t.superAdmin, {
      name: 'Target token',
      roleIds: [c.t.roles.onboarding],
      expiry: { type: 'days', days: 30 },
    });
    c.target = { id: target.token.id, name: target.token.name };
  });
  after(async () => c.t.close());

  const patternNames = ['lowercase start', `A${'b'.repeat(40)}`, SQL, 'Has_underscore', 'Ab', SCRIPT, 'Émile token'];
  for (const name of patternNames) {
    it(`create: name = ${show(name)} does not match the pattern`, async () => {
      await expectRejected(c, createCase('name', name, 'NAME_PATTERN'));
    });
    it(`edit: name = ${show(name)} does not match the pattern`, async () => {
      await expectRejected(c, editCase({ name }, 'NAME_PATTERN', 'name'));
    });
  }

  it('the NAME_PATTERN message is the policy hint', async () => {
    try {
      await c.t.host.apiAccess.service.create(c.t.superAdmin, { ...createBase(c), name: 'no capital' });
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof ApiAccessError);
      assert.equal(error.fields.name?.message, hint);
    }
  });

  it('create: a name off the pattern and an expiry in the past are reported together', async () => {
    await expectRejected(c, {
      title: '',
      run: (ctx) =>
        ctx.t.host.apiAccess.service.create(ctx.t.superAdmin, { ...createBase(ctx), name: 'bad name', expiry: { type: 'date', date: '2020-01-01' } }),
      code: 'INVALID_INPUT',
      field: 'name',
      fieldCode: 'NAME_PATTERN',
    });
    await expectRejected(c, {
      title: '',
      run: (ctx) =>
        ctx.t.host.apiAccess.service.create(ctx.t.superAdmin, { ...createBase(ctx), name: 'bad name', expiry: { type: 'date', date: '2020-01-01' } }),
      code: 'INVALID_INPUT',
      field: 'expiry',
      fieldCode: 'EXPIRY_IN_PAST',
    });
  });

  it('create: a name off the pattern is reported even when another field fails to parse', async () => {
    await expectRejected(c, {
      title: '',
      run: (ctx) => ctx.t.host.apiAccess.service.create(ctx.t.superAdmin, { ...createBase(ctx), name: 'bad name', tags: 'not-a-list' }),
      code: 'INVALID_INPUT',
      field: 'name',
      fieldCode: 'NAME_PATTERN',
    });
  });

  for (const scopes of [['admin:all'], ['reports:read', 'reports:write']]) {
    it(`createRole: scopes = ${show(scopes)} outside allowedScopes`, async () => {
      await expectRejected(c, {
        title: '',
        run: (ctx) => ctx.t.host.apiAccess.service.createRole(ctx.t.superAdmin, { name: 'Reports', scopes }),
        code: 'UNKNOWN_SCOPE',
        field: 'scopes',
      });
    });
  }

  it('a name that matches the pattern is accepted', async () => {
    const issued = await c.t.host.apiAccess.service.create(c.t.superAdmin, { ...createBase(c), name: 'Nightly export-2' });
    assert.equal(issued.token.name, 'Nightly export-2');
  });
});
