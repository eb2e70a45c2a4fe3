import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertCanManageTokensOf,
  assertCanUseFeature,
  assertSuperAdmin,
  canManageTokensOf,
  canUseFeature,
  type AccessOptions,
  type ResolvedActor,
} from '../../src/core/access.js';
import { ApiAccessError } from '../../src/core/errors.js';

const SUPER_ONLY: AccessOptions = { allowPersonalTokens: false };
const PERSONAL: AccessOptions = { allowPersonalTokens: true };

function actor(id: string, isSuperAdmin: boolean, isTokenAdmin: boolean): ResolvedActor {
  return { id, email: `${id}@example.com`, isSuperAdmin, isTokenAdmin };
}

const plainAdmin = actor('u-plain', false, false);
/** A token-admin grant without super admin does nothing: the grant needs super admin. */
const grantOnly = actor('u-grant', false, true);
const superAdmin = actor('u-super', true, false);
const tokenAdmin = actor('u-token-admin', true, true);

function isForbidden(error: unknown): boolean {
  return error instanceof ApiAccessError && error.code === 'FORBIDDEN' && error.httpStatus === 403;
}

describe('canUseFeature', () => {
  it('lets super admins use the feature always, others only with allowPersonalTokens', () => {
    assert.equal(canUseFeature(superAdmin, SUPER_ONLY), true);
    assert.equal(canUseFeature(tokenAdmin, SUPER_ONLY), true);
    assert.equal(canUseFeature(plainAdmin, SUPER_ONLY), false);
    assert.equal(canUseFeature(grantOnly, SUPER_ONLY), false);
    assert.equal(canUseFeature(plainAdmin, PERSONAL), true);
    assert.equal(canUseFeature(superAdmin, PERSONAL), true);
  });

  it('assertCanUseFeature throws FORBIDDEN exactly when canUseFeature is false', () => {
    assert.throws(() => assertCanUseFeature(plainAdmin, SUPER_ONLY), isForbidden);
    assert.throws(() => assertCanUseFeature(grantOnly, SUPER_ONLY), isForbidden);
    assert.doesNotThrow(() => assertCanUseFeature(plainAdmin, PERSONAL));
    assert.doesNotThrow(() => assertCanUseFeature(superAdmin, SUPER_ONLY));
  });
});

describe('canManageTokensOf', () => {
  const OTHER = 'someone-else';

  it('own tokens: super admins always; ordinary admins only with allowPersonalTokens', () => {
    assert.equal(canManageTokensOf(superAdmin, superAdmin.id, SUPER_ONLY), true);
    assert.equal(canManageTokensOf(tokenAdmin, tokenAdmin.id, SUPER_ONLY), true);
    assert.equal(canManageTokensOf(plainAdmin, plainAdmin.id, SUPER_ONLY), false);
    assert.equal(canManageTokensOf(plainAdmin, plainAdmin.id, PERSONAL), true);
    assert.equal(canManageTokensOf(grantOnly, grantOnly.id, SUPER_ONLY), false);
    assert.equal(canManageTokensOf(grantOnly, grantOnly.id, PERSONAL), true);
  });

  it("others' tokens: only a super admin holding the token-admin grant", () => {
    for (const options of [SUPER_ONLY, PERSONAL]) {
      assert.equal(canManageTokensOf(tokenAdmin, OTHER, options), true);
      assert.equal(canManageTokensOf(tokenAdmin, plainAdmin.id, options), true);
      assert.equal(canManageTokensOf(superAdmin, OTHER, options), false);
      assert.equal(canManageTokensOf(superAdmin, tokenAdmin.id, options), false);
      assert.equal(canManageTokensOf(plainAdmin, OTHER, options), false);
      assert.equal(canManageTokensOf(plainAdmin, superAdmin.id, options), false);
      assert.equal(canManageTokensOf(grantOnly, OTHER, options), false);
    }
  });

  it('compares owner ids exactly', () => {
    assert.equal(canManageTokensOf(plainAdmin, plainAdmin.id.toUpperCase(), PERSONAL), false);
    assert.equal(canManageTokensOf(plainAdmin, ` ${plainAdmin.id}`, PERSONAL), false);
    assert.equal(canManageTokensOf(plainAdmin, '', PERSONAL), false);
  });

  it('the full matrix', () => {
    const actors = [plainAdmin, grantOnly, superAdmin, tokenAdmin];
    for (const options of [SUPER_ONLY, PERSONAL]) {
      for (const a of actors) {
        for (const own of [true, false]) {
          const expected = (a.isSuperAdmin || options.allowPersonalTokens) && (own || (a.isSuperAdmin && a.isTokenAdmin));
          assert.equal(canManageTokensOf(a, own ? a.id : OTHER, options), expected, `${a.id} own=${own} personal=${options.allowPersonalTokens}`);
          if (expected) {
            assert.doesNotThrow(() => assertCanManageTokensOf(a, own ? a.id : OTHER, options));
          } else {
            assert.throws(() => assertCanManageTokensOf(a, own ? a.id : OTHER, options), isForbidden);
          }
        }
      }
    }
  });

  it('assertCanManageTokensOf explains which rule refused', () => {
    assert.throws(() => assertCanManageTokensOf(plainAdmin, plainAdmin.id, SUPER_ONLY), /super admins only/);
    assert.throws(() => assertCanManageTokensOf(superAdmin, OTHER, SUPER_ONLY), /token admin grant/);
  });
});

describe('assertSuperAdmin', () => {
  it('passes super admins and refuses everyone else with FORBIDDEN', () => {
    assert.doesNotThrow(() => assertSuperAdmin(superAdmin));
    assert.doesNotThrow(() => assertSuperAdmin(tokenAdmin));
    assert.throws(() => assertSuperAdmin(plainAdmin), isForbidden);
    assert.throws(() => assertSuperAdmin(grantOnly), isForbidden);
  });
});
