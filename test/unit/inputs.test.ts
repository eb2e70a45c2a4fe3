import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiAccessError, type ErrorCode } from '../../src/core/errors.js';
import { FieldErrors, parseCreateInput, parseEditInput, parseId, parseIdList, resolveExpiry } from '../../src/core/inputs.js';
import { resolvePolicy, type Policy, type PolicyInput } from '../../src/core/policy.js';

const DAY_MS = 86_400_000;
const NOW = new Date('2030-01-15T12:00:00.000Z');
const DEFAULT_POLICY = resolvePolicy({});
const STRICT_POLICY = resolvePolicy({ allowNeverExpires: false, maxLifetimeDays: 90, expiryPresetsDays: [7, 30, 90] });

const VALID = Object.freeze({ name: 'CI deploy', roleIds: ['role-1'], expiry: { type: 'days', days: 30 } });

function valid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...VALID, ...overrides };
}

function policy(input: PolicyInput): Policy {
  return resolvePolicy(input);
}

function catchError(fn: () => unknown): ApiAccessError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ApiAccessError, `expected ApiAccessError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an ApiAccessError, but nothing was thrown');
}

/** Asserts the error code and exactly which fields carry which codes. */
function expectError(fn: () => unknown, code: ErrorCode, fields: Record<string, ErrorCode>): ApiAccessError {
  const error = catchError(fn);
  const actualFields = Object.fromEntries(Object.entries(error.fields).map(([field, e]) => [field, e.code]));
  assert.deepEqual(actualFields, fields, `fields of ${JSON.stringify(error.toJSON())}`);
  assert.equal(error.code, code, `code of ${JSON.stringify(error.toJSON())}`);
  for (const [field, fieldError] of Object.entries(error.fields)) {
    assert.ok(fieldError.message.length > 0);
    // The top-level message carries every field's message (prefixed by the field name when collected).
    assert.ok(error.message.includes(fieldError.message), `message should carry the ${field} error`);
  }
  return error;
}

function createError(raw: unknown, code: ErrorCode, field: string, p: Policy = DEFAULT_POLICY): ApiAccessError {
  return expectError(() => parseCreateInput(raw, p, NOW), code, { [field]: code });
}

describe('parseCreateInput: valid input', () => {
  it('normalises a minimal input with defaults', () => {
    const result = parseCreateInput(valid(), DEFAULT_POLICY, NOW);
    assert.deepEqual(result, {
      name: 'CI deploy',
      description: '',
      tags: [],
      roleIds: ['role-1'],
      allowedIps: [],
      expiresAt: new Date(NOW.getTime() + 30 * DAY_MS),
    });
    assert.ok(!('expiry' in result));
  });

  it('trims name, description, tags, role ids and owner id; dedupes tags, roles and IP ranges', () => {
    const result = parseCreateInput(
      {
        name: '  Nightly export \t',
        description: '  Used by the\nnightly job.  ',
        tags: [' prod ', 'Billing', 'PROD', 'billing', 'eu-west/1', 'Prod'],
        roleIds: [' role-1 ', 'role-2', 'role-1'],
        expiry: { type: 'days', days: 60 },
        allowedIps: ['203.0.113.7', '203.0.113.7/32', ' 10.0.0.0/8 ', '2001:DB8::/32', '2001:db8::/32'],
        ownerId: '  user-42 ',
      },
      DEFAULT_POLICY,
      NOW,
    );
    assert.equal(result.name, 'Nightly export');
    assert.equal(result.description, 'Used by the\nnightly job.');
    assert.deepEqual(result.tags, ['prod', 'Billing', 'eu-west/1']);
    assert.deepEqual(result.roleIds, ['role-1', 'role-2']);
    assert.deepEqual(result.allowedIps, ['203.0.113.7/32', '10.0.0.0/8', '2001:db8:0:0:0:0:0:0/32']);
    assert.equal(result.ownerId, 'user-42');
    assert.deepEqual(result.expiresAt, new Date(NOW.getTime() + 60 * DAY_MS));
  });

  it('sets expiresAt = now + days for every preset', () => {
    for (const days of DEFAULT_POLICY.expiryPresetsDays) {
      const result = parseCreateInput(valid({ expiry: { type: 'days', days } }), DEFAULT_POLICY, NOW);
      assert.equal(result.expiresAt!.getTime(), NOW.getTime() + days * DAY_MS, `${days} days`);
    }
  });

  it('accepts "never" when the policy allows it, giving a null expiry', () => {
    assert.equal(parseCreateInput(valid({ expiry: { type: 'never' } }), DEFAULT_POLICY, NOW).expiresAt, null);
  });

  it('accepts a future date string or Date', () => {
    assert.deepEqual(
      parseCreateInput(valid({ expiry: { type: 'date', date: '2030-03-01' } }), DEFAULT_POLICY, NOW).expiresAt,
      new Date('2030-03-01T00:00:00.000Z'),
    );
    assert.deepEqual(
      parseCreateInput(valid({ expiry: { type: 'date', date: '2030-03-01T08:30:00Z' } }), DEFAULT_POLICY, NOW).expiresAt,
      new Date('2030-03-01T08:30:00.000Z'),
    );
    const date = new Date(NOW.getTime() + 1);
    assert.deepEqual(parseCreateInput(valid({ expiry: { type: 'date', date } }), DEFAULT_POLICY, NOW).expiresAt, date);
  });

  it('accepts the limits: 100-char name, 1000-char description, 20 tags, 50-char tag, 50 roles, 100 IP ranges', () => {
    const result = parseCreateInput(
      valid({
        name: 'n'.repeat(100),
        description: 'd'.repeat(1000),
        tags: Array.from({ length: 20 }, (_, i) => `tag${i}`),
        roleIds: Array.from({ length: 50 }, (_, i) => `r${i}`.padEnd(64, 'x')),
        allowedIps: Array.from({ length: 100 }, (_, i) => `10.0.${i}.0/24`),
      }),
      DEFAULT_POLICY,
      NOW,
    );
    assert.equal(result.name.length, 100);
    assert.equal(result.tags.length, 20);
    assert.equal(result.roleIds.length, 50);
    assert.equal(result.allowedIps.length, 100);
    assert.deepEqual(parseCreateInput(valid({ tags: ['t'.repeat(50)] }), DEFAULT_POLICY, NOW).tags, ['t'.repeat(50)]);
  });

  it('accepts unicode letters and digits in names and tags', () => {
    const result = parseCreateInput(valid({ name: 'Déploiement 日本 ✓', tags: ['café', '日本', 'Ünïcode 2', 'a_b.c:d/e-f'] }), DEFAULT_POLICY, NOW);
    assert.equal(result.name, 'Déploiement 日本 ✓');
    assert.deepEqual(result.tags, ['café', '日本', 'Ünïcode 2', 'a_b.c:d/e-f']);
  });

  it('accepts a name matching the policy namePattern', () => {
    const p = policy({ namePattern: '^[a-z]+-(prod|staging)$' });
    assert.equal(parseCreateInput(valid({ name: ' billing-prod ' }), p, NOW).name, 'billing-prod');
  });
});

describe('parseCreateInput: name', () => {
  it('is required and non-empty after trimming', () => {
    createError(valid({ name: undefined }), 'INVALID_INPUT', 'name');
    createError(valid({ name: '' }), 'INVALID_INPUT', 'name');
    createError(valid({ name: '   \t ' }), 'INVALID_INPUT', 'name');
    const { name: _n, ...withoutName } = VALID;
    createError(withoutName, 'INVALID_INPUT', 'name');
  });

  it('is at most 100 characters', () => {
    const error = createError(valid({ name: 'n'.repeat(101) }), 'INVALID_INPUT', 'name');
    assert.match(error.fields.name!.message, /100/);
    createError(valid({ name: 'n'.repeat(10_000) }), 'INVALID_INPUT', 'name');
  });

  it('must be text', () => {
    for (const name of [42, null, true, ['a'], { toString: () => 'x' }]) createError(valid({ name }), 'INVALID_INPUT', 'name');
  });

  it('must not contain control characters or newlines', () => {
    for (const bad of ['\u0000', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\n']) {
      const error = createError(valid({ name: `a${bad}b` }), 'INVALID_INPUT', 'name');
      assert.match(error.fields.name!.message, /control characters/, JSON.stringify(bad));
    }
  });

  it('rejects carriage returns and tabs inside a name', () => {
    createError(valid({ name: 'a\rb' }), 'INVALID_INPUT', 'name');
    createError(valid({ name: 'a\tb' }), 'INVALID_INPUT', 'name');
  });

  it('must match the policy namePattern: NAME_PATTERN with the hint as message', () => {
    const p = policy({ namePattern: '^[a-z]+-(prod|staging)$', namePatternHint: 'Use <team>-<env>, e.g. billing-prod.' });
    for (const name of ['Billing-prod', 'billing', 'billing-dev', 'x billing-prod']) {
      const error = createError(valid({ name }), 'NAME_PATTERN', 'name', p);
      assert.equal(error.fields.name!.message, 'Use <team>-<env>, e.g. billing-prod.');
      assert.equal(error.httpStatus, 422);
    }
  });

  it('without a hint, the NAME_PATTERN message shows the pattern', () => {
    const p = policy({ namePattern: '^svc-' });
    const error = createError(valid({ name: 'deploy' }), 'NAME_PATTERN', 'name', p);
    assert.ok(error.fields.name!.message.includes('^svc-'));
  });

  it('is checked against namePattern after trimming', () => {
    const p = policy({ namePattern: '^svc-[a-z]+$' });
    assert.equal(parseCreateInput(valid({ name: '  svc-api  ' }), p, NOW).name, 'svc-api');
  });
});

describe('parseCreateInput: description', () => {
  it('is at most 1000 characters', () => {
    createError(valid({ description: 'd'.repeat(1001) }), 'INVALID_INPUT', 'description');
  });

  it('must be text', () => {
    for (const description of [1, null, ['x'], {}]) createError(valid({ description }), 'INVALID_INPUT', 'description');
  });

  it('must not contain control characters (newlines and tabs are fine)', () => {
    for (const bad of ['\u0000', '\u0001', '\u001b', '\u007f', '\u000b']) {
      createError(valid({ description: `a${bad}b` }), 'INVALID_INPUT', 'description');
    }
    assert.equal(parseCreateInput(valid({ description: 'line 1\r\nline 2\tx' }), DEFAULT_POLICY, NOW).description, 'line 1\r\nline 2\tx');
  });
});

describe('parseCreateInput: tags', () => {
  it('must be a list of text values', () => {
    for (const tags of ['prod', 42, { 0: 'a' }, null]) createError(valid({ tags }), 'INVALID_INPUT', 'tags');
    createError(valid({ tags: ['ok', 1] }), 'INVALID_INPUT', 'tags');
    createError(valid({ tags: ['ok', null] }), 'INVALID_INPUT', 'tags');
  });

  it('rejects empty and whitespace-only tags', () => {
    createError(valid({ tags: [''] }), 'INVALID_INPUT', 'tags');
    createError(valid({ tags: ['ok', '   '] }), 'INVALID_INPUT', 'tags');
  });

  it('rejects tags longer than 50 characters', () => {
    createError(valid({ tags: ['t'.repeat(51)] }), 'INVALID_INPUT', 'tags');
  });

  it('rejects tags with characters outside letters, digits, space and _ . : / -', () => {
    for (const tag of [
      '-leading',
      '_leading',
      '.leading',
      '/leading',
      ' :x'.trim(),
      '#hash',
      'a,b',
      'a;b',
      '<script>',
      'a\tb',
      'a\nb',
      'emoji😀',
      'quote"',
      "it's",
      'a\\b',
      'a*b',
      'a@b',
    ]) {
      createError(valid({ tags: [tag] }), 'INVALID_INPUT', 'tags');
    }
  });

  it('allows at most 20 tags', () => {
    const error = createError(valid({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 'INVALID_INPUT', 'tags');
    assert.match(error.fields.tags!.message, /20/);
  });

  it('dedupes case-insensitively, keeping the first spelling and order', () => {
    const result = parseCreateInput(valid({ tags: ['Prod', 'eu', 'PROD', 'prod', 'EU', 'Ça', 'ça', 'ÇA'] }), DEFAULT_POLICY, NOW);
    assert.deepEqual(result.tags, ['Prod', 'eu', 'Ça']);
  });
});

describe('parseCreateInput: roleIds', () => {
  it('is required', () => {
    const { roleIds: _r, ...withoutRoles } = VALID;
    createError(withoutRoles, 'INVALID_INPUT', 'roleIds');
  });

  it('needs at least one role', () => {
    const error = createError(valid({ roleIds: [] }), 'INVALID_INPUT', 'roleIds');
    assert.match(error.fields.roleIds!.message, /at least one role/);
  });

  it('rejects empty, blank, over-long and non-text ids and non-lists', () => {
    for (const roleIds of [[''], ['  '], ['r'.repeat(65)], [1], [null], 'role-1', null, {}]) {
      createError(valid({ roleIds }), 'INVALID_INPUT', 'roleIds');
    }
  });

  it('allows at most 50 roles', () => {
    createError(valid({ roleIds: Array.from({ length: 51 }, (_, i) => `r${i}`) }), 'INVALID_INPUT', 'roleIds');
  });
});

describe('parseCreateInput: allowedIps', () => {
  it('rejects a bad CIDR with INVALID_CIDR on allowedIps, quoting the entry', () => {
    for (const entry of ['10.0.0.1/8', 'not-an-ip', '1.2.3.256', '10.0.0.0/33', '2001:db8::1/32', '']) {
      const error = createError(valid({ allowedIps: ['203.0.113.0/24', entry] }), 'INVALID_CIDR', 'allowedIps');
      assert.ok(error.fields.allowedIps!.message.includes(`"${entry}"`), error.fields.allowedIps!.message);
      assert.equal(error.httpStatus, 422);
    }
  });

  it('rejects entries over 64 characters and more than 100 entries', () => {
    createError(valid({ allowedIps: ['1'.repeat(65)] }), 'INVALID_INPUT', 'allowedIps');
    createError(valid({ allowedIps: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`) }), 'INVALID_INPUT', 'allowedIps');
  });

  it('must be a list of text values', () => {
    for (const allowedIps of ['10.0.0.0/8', [10], null, {}]) createError(valid({ allowedIps }), 'INVALID_INPUT', 'allowedIps');
  });
});

describe('parseCreateInput: ownerId', () => {
  it('rejects empty, blank, over-long owner ids and values that are neither text nor a whole number', () => {
    for (const ownerId of ['', '   ', 'u'.repeat(65), 1.5, true, null]) createError(valid({ ownerId }), 'INVALID_INPUT', 'ownerId');
  });

  it('is optional', () => {
    assert.equal(parseCreateInput(valid(), DEFAULT_POLICY, NOW).ownerId, undefined);
  });
});

describe('parseCreateInput: expiry', () => {
  it('is required and must be one of days, date or never', () => {
    const { expiry: _e, ...withoutExpiry } = VALID;
    createError(withoutExpiry, 'INVALID_INPUT', 'expiry');
    for (const expiry of [null, 'never', 30, {}, { type: 'weeks', weeks: 2 }, { type: 'DAYS', days: 30 }]) {
      createError(valid({ expiry }), 'INVALID_INPUT', 'expiry');
    }
  });

  it('days must be a whole number', () => {
    for (const days of ['30', 30.5, null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) {
      createError(valid({ expiry: { type: 'days', days } }), 'INVALID_INPUT', 'expiry');
    }
  });

  it('days must be one of the presets: EXPIRY_NOT_ALLOWED', () => {
    for (const days of [1, 8, 29, 31, 364, 366, 0, -30, 36_500]) {
      const error = createError(valid({ expiry: { type: 'days', days } }), 'EXPIRY_NOT_ALLOWED', 'expiry');
      assert.ok(error.fields.expiry!.message.includes('30, 60, 90, 180, 365, 730'));
    }
    createError(valid({ expiry: { type: 'days', days: 180 } }), 'EXPIRY_NOT_ALLOWED', 'expiry', STRICT_POLICY);
  });

  it('never when the policy requires expiry: EXPIRY_REQUIRED', () => {
    createError(valid({ expiry: { type: 'never' } }), 'EXPIRY_REQUIRED', 'expiry', STRICT_POLICY);
    createError(valid({ expiry: { type: 'never' } }), 'EXPIRY_REQUIRED', 'expiry', policy({ allowNeverExpires: false }));
  });

  it('a date in the past or exactly now: EXPIRY_IN_PAST', () => {
    for (const date of ['2020-01-01', '2030-01-15', '2030-01-15T11:59:59Z', new Date(NOW.getTime() - 1), new Date(NOW), NOW.toISOString()]) {
      createError(valid({ expiry: { type: 'date', date } }), 'EXPIRY_IN_PAST', 'expiry');
    }
  });

  it('a date beyond maxLifetimeDays: EXPIRY_TOO_FAR; exactly at the limit is fine', () => {
    const limit = new Date(NOW.getTime() + 90 * DAY_MS);
    assert.deepEqual(parseCreateInput(valid({ expiry: { type: 'date', date: limit } }), STRICT_POLICY, NOW).expiresAt, limit);
    const error = createError(valid({ expiry: { type: 'date', date: new Date(limit.getTime() + 1) } }), 'EXPIRY_TOO_FAR', 'expiry', STRICT_POLICY);
    assert.match(error.fields.expiry!.message, /90 days/);
    createError(valid({ expiry: { type: 'date', date: '2031-01-01' } }), 'EXPIRY_TOO_FAR', 'expiry', STRICT_POLICY);
  });

  it('without a lifetime cap, a date more than 36,500 days away: EXPIRY_TOO_FAR', () => {
    const limit = new Date(NOW.getTime() + 36_500 * DAY_MS);
    assert.deepEqual(parseCreateInput(valid({ expiry: { type: 'date', date: limit } }), DEFAULT_POLICY, NOW).expiresAt, limit);
    createError(valid({ expiry: { type: 'date', date: new Date(limit.getTime() + 1) } }), 'EXPIRY_TOO_FAR', 'expiry');
    createError(valid({ expiry: { type: 'date', date: '9999-12-31' } }), 'EXPIRY_TOO_FAR', 'expiry');
  });

  it('invalid date strings and values: INVALID_INPUT', () => {
    const bad: unknown[] = [
      '',
      'tomorrow',
      'next year',
      '2030-13-01',
      '2030-00-10',
      '2030-01-32',
      '2030-1-1',
      '03/01/2030',
      '1 March 2030',
      'March 1, 2030',
      '2030-03-01garbage',
      '2030-03-01T25:00:00Z',
      '+020300-01-01',
      `2030-03-01${' '.repeat(60)}`,
      new Date(Number.NaN),
      1_900_000_000_000,
      null,
      undefined,
      { year: 2030 },
    ];
    for (const date of bad) createError(valid({ expiry: { type: 'date', date } }), 'INVALID_INPUT', 'expiry');
  });

  it('rejects calendar dates that do not exist instead of rolling them over', () => {
    createError(valid({ expiry: { type: 'date', date: '2030-02-30' } }), 'INVALID_INPUT', 'expiry');
    createError(valid({ expiry: { type: 'date', date: '2030-04-31' } }), 'INVALID_INPUT', 'expiry');
  });
});

describe('parseCreateInput: several problems at once', () => {
  it('reports every bad field, with code INVALID_INPUT', () => {
    const error = expectError(
      () => parseCreateInput({ name: '', tags: ['#bad'], roleIds: [], expiry: { type: 'days', days: 8 }, ownerId: '' }, DEFAULT_POLICY, NOW),
      'INVALID_INPUT',
      { name: 'INVALID_INPUT', tags: 'INVALID_INPUT', roleIds: 'INVALID_INPUT', expiry: 'EXPIRY_NOT_ALLOWED', ownerId: 'INVALID_INPUT' },
    );
    assert.equal(error.httpStatus, 422);
  });

  it('reports domain errors together: name pattern, expiry and CIDR', () => {
    const p = policy({ namePattern: '^svc-', namePatternHint: 'Start with svc-.', allowNeverExpires: false });
    expectError(() => parseCreateInput(valid({ name: 'deploy', expiry: { type: 'never' }, allowedIps: ['10.0.0.1/8'] }), p, NOW), 'INVALID_INPUT', {
      name: 'NAME_PATTERN',
      expiry: 'EXPIRY_REQUIRED',
      allowedIps: 'INVALID_CIDR',
    });
  });

  it('reports a name pattern and an expiry problem alongside a schema error', () => {
    const p = policy({ namePattern: '^svc-' });
    expectError(() => parseCreateInput(valid({ name: 'deploy', roleIds: [], expiry: { type: 'date', date: '2000-01-01' } }), p, NOW), 'INVALID_INPUT', {
      roleIds: 'INVALID_INPUT',
      name: 'NAME_PATTERN',
      expiry: 'EXPIRY_IN_PAST',
    });
  });

  it('reports a bad CIDR alongside a schema error', () => {
    expectError(() => parseCreateInput(valid({ name: '', allowedIps: ['nope'] }), DEFAULT_POLICY, NOW), 'INVALID_INPUT', {
      name: 'INVALID_INPUT',
      allowedIps: 'INVALID_CIDR',
    });
  });

  it("a single bad field gives that field's own code", () => {
    createError(valid({ expiry: { type: 'date', date: '2000-01-01' } }), 'EXPIRY_IN_PAST', 'expiry');
    createError(valid({ allowedIps: ['x'] }), 'INVALID_CIDR', 'allowedIps');
  });

  it('rejects a non-object input', () => {
    for (const raw of [null, undefined, 'name', 42, []]) {
      const error = catchError(() => parseCreateInput(raw, DEFAULT_POLICY, NOW));
      assert.equal(error.code, 'INVALID_INPUT');
      assert.ok(Object.keys(error.fields).length > 0);
    }
  });
});

describe('resolveExpiry', () => {
  it('returns now + days, a date, or null for never', () => {
    const errors = new FieldErrors();
    assert.deepEqual(resolveExpiry({ type: 'days', days: 90 }, DEFAULT_POLICY, NOW, errors), new Date(NOW.getTime() + 90 * DAY_MS));
    assert.equal(resolveExpiry({ type: 'never' }, DEFAULT_POLICY, NOW, errors), null);
    assert.deepEqual(resolveExpiry({ type: 'date', date: '2030-06-01' }, DEFAULT_POLICY, NOW, errors), new Date('2030-06-01T00:00:00Z'));
    assert.equal(errors.empty, true);
  });

  it('records problems under the given field name instead of throwing', () => {
    const errors = new FieldErrors();
    assert.equal(resolveExpiry({ type: 'days', days: 3 }, DEFAULT_POLICY, NOW, errors, 'newExpiry'), null);
    assert.equal(errors.has('newExpiry'), true);
    assert.equal(errors.has('expiry'), false);
    const error = catchError(() => errors.throwIfAny());
    assert.equal(error.code, 'EXPIRY_NOT_ALLOWED');
    assert.deepEqual(Object.keys(error.fields), ['newExpiry']);
  });

  it('maps each failure to its code', () => {
    const cases: [unknown, Policy, ErrorCode][] = [
      [{ type: 'never' }, STRICT_POLICY, 'EXPIRY_REQUIRED'],
      [{ type: 'days', days: 365 }, STRICT_POLICY, 'EXPIRY_NOT_ALLOWED'],
      [{ type: 'date', date: '2029-12-31' }, DEFAULT_POLICY, 'EXPIRY_IN_PAST'],
      [{ type: 'date', date: NOW }, DEFAULT_POLICY, 'EXPIRY_IN_PAST'],
      [{ type: 'date', date: '2030-06-01' }, STRICT_POLICY, 'EXPIRY_TOO_FAR'],
      [{ type: 'date', date: 'soon' }, DEFAULT_POLICY, 'INVALID_INPUT'],
      [{ type: 'months', months: 1 }, DEFAULT_POLICY, 'INVALID_INPUT'],
      [undefined, DEFAULT_POLICY, 'INVALID_INPUT'],
    ];
    for (const [raw, p, code] of cases) {
      const errors = new FieldErrors();
      assert.equal(resolveExpiry(raw, p, NOW, errors), null, JSON.stringify(raw));
      const error = catchError(() => errors.throwIfAny());
      assert.equal(error.code, code, JSON.stringify(raw));
      assert.equal(error.fields.expiry?.code, code);
    }
  });

  it('does not overwrite an earlier error on the same field', () => {
    const errors = new FieldErrors();
    errors.add('expiry', 'fieldRule', { text: 'first' });
    resolveExpiry({ type: 'never' }, STRICT_POLICY, NOW, errors);
    const error = catchError(() => errors.throwIfAny());
    assert.equal(error.fields.expiry!.message, 'first');
  });
});

describe('parseEditInput', () => {
  it('accepts an empty edit', () => {
    assert.deepEqual(parseEditInput({}, DEFAULT_POLICY), {});
  });

  it('returns only the fields given, normalised', () => {
    assert.deepEqual(parseEditInput({ name: '  Renamed ' }, DEFAULT_POLICY), { name: 'Renamed' });
    assert.deepEqual(
      parseEditInput({ description: ' d ', tags: ['A', 'a', ' b '], roleIds: ['r', 'r'], allowedIps: ['10.0.0.5', '10.0.0.5/32'] }, DEFAULT_POLICY),
      { description: 'd', tags: ['A', 'b'], roleIds: ['r'], allowedIps: ['10.0.0.5/32'] },
    );
    assert.deepEqual(parseEditInput({ allowedIps: [] }, DEFAULT_POLICY), { allowedIps: [] });
    assert.deepEqual(parseEditInput({ tags: [] }, DEFAULT_POLICY), { tags: [] });
  });

  it('drops fields given as undefined', () => {
    const result = parseEditInput({ name: undefined, tags: undefined }, DEFAULT_POLICY);
    assert.deepEqual(result, {});
    assert.ok(!('name' in result));
  });

  it('rejects unknown fields, including expiry and ownerId', () => {
    for (const raw of [{ expiry: { type: 'never' } }, { ownerId: 'u2' }, { enabled: false }, { name: 'x', nmae: 'y' }]) {
      const error = catchError(() => parseEditInput(raw, DEFAULT_POLICY));
      assert.equal(error.code, 'INVALID_INPUT');
      const extraKey = Object.keys(raw).find((key) => key !== 'name')!;
      assert.ok(error.message.includes(extraKey), error.message);
    }
  });

  it('rejects a non-object edit', () => {
    for (const raw of [null, undefined, 'x', 1, []]) assert.equal(catchError(() => parseEditInput(raw, DEFAULT_POLICY)).code, 'INVALID_INPUT');
  });

  it('validates each field like create does', () => {
    const edit = (raw: unknown, code: ErrorCode, field: string) => expectError(() => parseEditInput(raw, DEFAULT_POLICY), code, { [field]: code });
    edit({ name: '' }, 'INVALID_INPUT', 'name');
    edit({ name: 'n'.repeat(101) }, 'INVALID_INPUT', 'name');
    edit({ name: 'a\u0000b' }, 'INVALID_INPUT', 'name');
    edit({ name: 'a\nb' }, 'INVALID_INPUT', 'name');
    edit({ name: 7 }, 'INVALID_INPUT', 'name');
    edit({ description: 'd'.repeat(1001) }, 'INVALID_INPUT', 'description');
    edit({ description: '\u001b[31m' }, 'INVALID_INPUT', 'description');
    edit({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'INVALID_INPUT', 'tags');
    edit({ tags: ['#x'] }, 'INVALID_INPUT', 'tags');
    edit({ roleIds: [] }, 'INVALID_INPUT', 'roleIds');
    edit({ allowedIps: ['10.0.0.1/8'] }, 'INVALID_CIDR', 'allowedIps');
    edit({ allowedIps: 'x' }, 'INVALID_INPUT', 'allowedIps');
  });

  it('applies the name pattern', () => {
    const p = policy({ namePattern: '^svc-', namePatternHint: 'Start with svc-.' });
    const error = expectError(() => parseEditInput({ name: 'deploy' }, p), 'NAME_PATTERN', { name: 'NAME_PATTERN' });
    assert.equal(error.fields.name!.message, 'Start with svc-.');
    assert.deepEqual(parseEditInput({ name: 'svc-a' }, p), { name: 'svc-a' });
    // No name, no pattern check.
    assert.deepEqual(parseEditInput({ tags: ['x'] }, p), { tags: ['x'] });
  });

  it('reports a name pattern and a bad CIDR together', () => {
    const p = policy({ namePattern: '^svc-' });
    expectError(() => parseEditInput({ name: 'deploy', allowedIps: ['nope'] }, p), 'INVALID_INPUT', {
      name: 'NAME_PATTERN',
      allowedIps: 'INVALID_CIDR',
    });
  });

  it('reports several schema errors together', () => {
    expectError(() => parseEditInput({ name: '', roleIds: [], tags: 'x' }, DEFAULT_POLICY), 'INVALID_INPUT', {
      name: 'INVALID_INPUT',
      roleIds: 'INVALID_INPUT',
      tags: 'INVALID_INPUT',
    });
  });
});

describe('parseIdList', () => {
  it('trims and dedupes ids, keeping order', () => {
    assert.deepEqual(parseIdList([' a ', 'b', 'a', 'c', 'b']), ['a', 'b', 'c']);
    assert.deepEqual(parseIdList(Array.from({ length: 500 }, (_, i) => `id${i}`)).length, 500);
    assert.deepEqual(parseIdList(['x'.repeat(64)]), ['x'.repeat(64)]);
  });

  it('rejects non-lists, empty lists, bad ids and over 500 ids with INVALID_INPUT on the field', () => {
    const bad: unknown[] = [undefined, null, 'a', 1, {}, [], [''], ['  '], ['a', 2], [null], ['x'.repeat(65)], Array.from({ length: 501 }, (_, i) => `id${i}`)];
    for (const raw of bad) {
      expectError(() => parseIdList(raw), 'INVALID_INPUT', { ids: 'INVALID_INPUT' });
    }
    expectError(() => parseIdList([], 'tokenIds'), 'INVALID_INPUT', { tokenIds: 'INVALID_INPUT' });
  });

  it('says what is wrong', () => {
    assert.match(catchError(() => parseIdList([])).message, /at least one/);
    assert.match(catchError(() => parseIdList(Array.from({ length: 501 }, (_, i) => `${i}`))).message, /500/);
  });
});

describe('parseId', () => {
  it('trims a valid id', () => {
    assert.equal(parseId('abc'), 'abc');
    assert.equal(parseId('  abc  '), 'abc');
    assert.equal(parseId('x'.repeat(64)), 'x'.repeat(64));
  });

  it('rejects non-text, blank and over-long ids with INVALID_INPUT on the field', () => {
    for (const raw of [undefined, null, 1, {}, ['a'], '', '   ', 'x'.repeat(65)]) {
      expectError(() => parseId(raw), 'INVALID_INPUT', { id: 'INVALID_INPUT' });
    }
    expectError(() => parseId('', 'tokenId'), 'INVALID_INPUT', { tokenId: 'INVALID_INPUT' });
  });
});

describe('FieldErrors', () => {
  it('throws nothing when empty', () => {
    const errors = new FieldErrors();
    assert.equal(errors.empty, true);
    errors.throwIfAny();
  });

  it('keeps the first error per field and uses the field code when only one field failed', () => {
    const errors = new FieldErrors();
    errors.add('name', 'tokenNameTaken', { name: 'taken' });
    errors.add('name', 'fieldRule', { text: 'later' });
    const error = catchError(() => errors.throwIfAny());
    const taken = 'A token named "taken" already exists. Choose another name.';
    assert.equal(error.code, 'NAME_TAKEN');
    assert.deepEqual(error.fields, { name: { code: 'NAME_TAKEN', message: taken } });
    assert.equal(error.message, taken);
  });

  it('uses INVALID_INPUT when several fields failed', () => {
    const errors = new FieldErrors();
    errors.add('name', 'tokenNameTaken', { name: 'taken' });
    errors.add('expiry', 'expiryInPast');
    const error = catchError(() => errors.throwIfAny());
    assert.equal(error.code, 'INVALID_INPUT');
    assert.equal(error.message, '2 fields need a change. A token named "taken" already exists. Choose another name. The expiry date must be in the future.');
  });
});
