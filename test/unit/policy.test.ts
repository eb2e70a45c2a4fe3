import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiAccessError } from '../../src/core/errors.js';
import { EditPolicies, SCOPE_PATTERN, resolvePolicy, type PolicyInput } from '../../src/core/policy.js';

/** Asserts resolvePolicy refuses the input with INVALID_OPTIONS and a message naming every option given. */
function assertRejected(input: unknown, ...mustMention: string[]): ApiAccessError {
  let caught: unknown;
  try {
    resolvePolicy(input as PolicyInput);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ApiAccessError, `expected ApiAccessError for ${JSON.stringify(input)}, got ${String(caught)}`);
  assert.equal(caught.code, 'INVALID_OPTIONS');
  assert.equal(caught.httpStatus, 500);
  assert.match(caught.message, /^Invalid adminjs-api-access options:/);
  for (const text of mustMention) {
    assert.ok(caught.message.includes(text), `message ${JSON.stringify(caught.message)} should mention ${JSON.stringify(text)}`);
  }
  return caught;
}

describe('resolvePolicy defaults', () => {
  it('fills every option with its documented default', () => {
    for (const input of [undefined, {}]) {
      const policy = resolvePolicy(input);
      assert.equal(policy.maxActiveTokensPerOwner, 5);
      assert.equal(policy.namePattern, undefined);
      assert.equal(policy.namePatternHint, undefined);
      assert.equal(policy.nameRegex, null);
      assert.deepEqual(policy.expiryPresetsDays, [30, 60, 90, 180, 365, 730]);
      assert.equal(policy.allowNeverExpires, true);
      assert.equal(policy.maxLifetimeDays, null);
      assert.equal(policy.allowedScopes, null);
      assert.equal(policy.editPolicy, 'keep-secret');
      assert.deepEqual(policy.rotationGraceSeconds, [0, 3_600, 86_400]);
    }
  });

  it('returns a frozen object', () => {
    const policy = resolvePolicy({});
    assert.ok(Object.isFrozen(policy));
    assert.throws(() => {
      (policy as { maxActiveTokensPerOwner: number }).maxActiveTokensPerOwner = 99;
    }, TypeError);
  });

  it('does not share default arrays between policies', () => {
    const a = resolvePolicy({});
    const b = resolvePolicy({});
    assert.notEqual(a.expiryPresetsDays, b.expiryPresetsDays);
    assert.notEqual(a.rotationGraceSeconds, b.rotationGraceSeconds);
  });
});

describe('resolvePolicy with valid options', () => {
  it('deduplicates and sorts expiry presets and grace periods numerically', () => {
    const policy = resolvePolicy({ expiryPresetsDays: [90, 7, 30, 7, 365, 100], rotationGraceSeconds: [86_400, 0, 60, 0, 600] });
    assert.deepEqual(policy.expiryPresetsDays, [7, 30, 90, 100, 365]);
    assert.deepEqual(policy.rotationGraceSeconds, [0, 60, 600, 86_400]);
  });

  it('compiles namePattern as a unicode regex', () => {
    const policy = resolvePolicy({ namePattern: '^\\p{Lu}[\\p{L}-]+$', namePatternHint: 'Start with a capital.' });
    assert.ok(policy.nameRegex instanceof RegExp);
    assert.ok(policy.nameRegex.unicode);
    assert.equal(policy.nameRegex.test('Éclair-Deploy'), true);
    assert.equal(policy.nameRegex.test('éclair'), false);
    assert.equal(policy.namePatternHint, 'Start with a capital.');
  });

  it('treats an empty namePattern as no pattern', () => {
    assert.equal(resolvePolicy({ namePattern: '' }).nameRegex, null);
  });

  it('accepts a lifetime cap when never-expiring tokens are off and presets fit', () => {
    const policy = resolvePolicy({ maxLifetimeDays: 90, allowNeverExpires: false, expiryPresetsDays: [7, 30, 90] });
    assert.equal(policy.maxLifetimeDays, 90);
    assert.equal(policy.allowNeverExpires, false);
    assert.deepEqual(policy.expiryPresetsDays, [7, 30, 90]);
  });

  it('accepts every edit policy and well-formed scopes', () => {
    for (const editPolicy of EditPolicies) assert.equal(resolvePolicy({ editPolicy }).editPolicy, editPolicy);
    const policy = resolvePolicy({ allowedScopes: ['orders:read', 'orders.write', 'admin_all', 'a', 'v1-api'] });
    assert.deepEqual(policy.allowedScopes, ['orders:read', 'orders.write', 'admin_all', 'a', 'v1-api']);
  });

  it('accepts the numeric limits at their bounds', () => {
    assert.equal(resolvePolicy({ maxActiveTokensPerOwner: 1 }).maxActiveTokensPerOwner, 1);
    assert.equal(resolvePolicy({ maxActiveTokensPerOwner: 10_000 }).maxActiveTokensPerOwner, 10_000);
    assert.deepEqual(resolvePolicy({ expiryPresetsDays: [1, 36_500] }).expiryPresetsDays, [1, 36_500]);
    assert.deepEqual(resolvePolicy({ rotationGraceSeconds: [0, 30 * 86_400] }).rotationGraceSeconds, [0, 2_592_000]);
  });
});

describe('resolvePolicy refuses bad options with INVALID_OPTIONS naming the option', () => {
  it('namePattern that is not a valid regular expression', () => {
    assertRejected({ namePattern: '(' }, 'policy.namePattern', 'valid regular expression');
    assertRejected({ namePattern: '[a-' }, 'policy.namePattern');
    // Valid without the u flag, invalid with it: the pattern is compiled in unicode mode.
    assertRejected({ namePattern: '\\-\\q' }, 'policy.namePattern');
    assertRejected({ namePattern: 'a'.repeat(501) }, 'policy.namePattern');
    assertRejected({ namePattern: 42 }, 'policy.namePattern');
  });

  it('namePatternHint that is too long or not text', () => {
    assertRejected({ namePatternHint: 'x'.repeat(201) }, 'policy.namePatternHint');
    assertRejected({ namePatternHint: ['hint'] }, 'policy.namePatternHint');
  });

  it('maxLifetimeDays while allowNeverExpires is true (explicitly or by default)', () => {
    assertRejected({ maxLifetimeDays: 365, allowNeverExpires: true }, 'policy.allowNeverExpires', 'maxLifetimeDays');
    const error = assertRejected({ maxLifetimeDays: 730 }, 'policy.allowNeverExpires');
    assert.doesNotMatch(error.message, /expiryPresetsDays/, 'the default presets all fit within 730 days');
  });

  it('expiry presets beyond maxLifetimeDays, listing the offending presets', () => {
    const error = assertRejected({ maxLifetimeDays: 90, allowNeverExpires: false }, 'policy.expiryPresetsDays', '180, 365', '(90)');
    assert.doesNotMatch(error.message, /allowNeverExpires/);
    assertRejected({ maxLifetimeDays: 30, allowNeverExpires: false, expiryPresetsDays: [7, 31] }, 'policy.expiryPresetsDays', '31');
    // Both problems at once are both reported.
    assertRejected({ maxLifetimeDays: 90 }, 'policy.allowNeverExpires', 'policy.expiryPresetsDays');
  });

  it('rotationGraceSeconds without 0', () => {
    assertRejected({ rotationGraceSeconds: [60, 3_600] }, 'policy.rotationGraceSeconds', 'must include 0');
    assertRejected({ rotationGraceSeconds: [] }, 'policy.rotationGraceSeconds');
    assertRejected({ rotationGraceSeconds: [0, -1] }, 'policy.rotationGraceSeconds');
    assertRejected({ rotationGraceSeconds: [0, 30 * 86_400 + 1] }, 'policy.rotationGraceSeconds');
    assertRejected({ rotationGraceSeconds: [0, 1.5] }, 'policy.rotationGraceSeconds');
  });

  it('unknown keys, naming each of them', () => {
    assertRejected({ maxTokens: 3 }, 'maxTokens');
    assertRejected({ foo: 1, bar: 2 }, '"foo"', '"bar"');
    // A typo of a real option is not silently ignored.
    assertRejected({ allowNeverExpire: false }, 'allowNeverExpire');
  });

  it('wrong types for each option', () => {
    assertRejected({ maxActiveTokensPerOwner: '5' }, 'policy.maxActiveTokensPerOwner');
    assertRejected({ expiryPresetsDays: '30' }, 'policy.expiryPresetsDays');
    assertRejected({ expiryPresetsDays: ['30'] }, 'policy.expiryPresetsDays');
    assertRejected({ allowNeverExpires: 'no' }, 'policy.allowNeverExpires');
    assertRejected({ allowNeverExpires: 0 }, 'policy.allowNeverExpires');
    assertRejected({ maxLifetimeDays: '90', allowNeverExpires: false }, 'policy.maxLifetimeDays');
    assertRejected({ allowedScopes: 'orders:read' }, 'policy.allowedScopes');
    assertRejected({ editPolicy: 'rewrite' }, 'policy.editPolicy');
    assertRejected({ editPolicy: true }, 'policy.editPolicy');
    assertRejected({ rotationGraceSeconds: 0 }, 'policy.rotationGraceSeconds');
  });

  it('out-of-range numbers', () => {
    assertRejected({ maxActiveTokensPerOwner: 0 }, 'policy.maxActiveTokensPerOwner');
    assertRejected({ maxActiveTokensPerOwner: 10_001 }, 'policy.maxActiveTokensPerOwner');
    assertRejected({ maxActiveTokensPerOwner: 2.5 }, 'policy.maxActiveTokensPerOwner');
    assertRejected({ maxActiveTokensPerOwner: Number.NaN }, 'policy.maxActiveTokensPerOwner');
    assertRejected({ maxActiveTokensPerOwner: Number.POSITIVE_INFINITY }, 'policy.maxActiveTokensPerOwner');
    assertRejected({ expiryPresetsDays: [] }, 'policy.expiryPresetsDays');
    assertRejected({ expiryPresetsDays: [0] }, 'policy.expiryPresetsDays');
    assertRejected({ expiryPresetsDays: [36_501] }, 'policy.expiryPresetsDays');
    assertRejected({ expiryPresetsDays: Array.from({ length: 21 }, (_, i) => i + 1) }, 'policy.expiryPresetsDays');
    assertRejected({ maxLifetimeDays: 0, allowNeverExpires: false }, 'policy.maxLifetimeDays');
    assertRejected({ maxLifetimeDays: 36_501, allowNeverExpires: false }, 'policy.maxLifetimeDays');
  });

  it('malformed or empty allowedScopes', () => {
    assertRejected({ allowedScopes: [] }, 'policy.allowedScopes');
    for (const scope of ['Orders:read', 'orders read', ':orders', '', 'x'.repeat(65), 'ordres/read']) {
      assert.equal(SCOPE_PATTERN.test(scope), false, scope);
      assertRejected({ allowedScopes: ['ok', scope] }, 'policy.allowedScopes.1');
    }
  });

  it('a policy that is not an object', () => {
    for (const input of ['strict', 42, true, [], [{}]]) assertRejected(input, 'policy');
  });

  it('reports every bad option in one error', () => {
    assertRejected(
      { maxActiveTokensPerOwner: 0, allowNeverExpires: 'no', editPolicy: 'nope' },
      'policy.maxActiveTokensPerOwner',
      'policy.allowNeverExpires',
      'policy.editPolicy',
    );
  });
});
