// The example host's bcrypt cost: 12 unless PASSWORD_HASH_COST says otherwise (the test runner
// sets 4); a value outside bcrypt's 4 to 15 is refused with a message naming the variable.
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { describe, it } from 'node:test';
import { hashPassword, passwordHashCost } from '../../example-app/src/users.js';

describe("the example host's password hash cost", () => {
  it('is 12 by default, and PASSWORD_HASH_COST when given', () => {
    assert.equal(passwordHashCost({}), 12);
    assert.equal(passwordHashCost({ PASSWORD_HASH_COST: '' }), 12);
    assert.equal(passwordHashCost({ PASSWORD_HASH_COST: '4' }), 4);
    assert.equal(passwordHashCost({ PASSWORD_HASH_COST: '15' }), 15);
  });

  it('refuses a cost bcrypt does not take, naming the variable', () => {
    for (const bad of ['3', '16', '10.5', 'twelve', '-1'])
      assert.throws(
        () => passwordHashCost({ PASSWORD_HASH_COST: bad }),
        new RegExp(`^Error: PASSWORD_HASH_COST must be a whole number from 4 to 15 .*"${bad}"`),
      );
  });

  it('is the cost of the hashes the host stores', async () => {
    const hash = await hashPassword('a password');
    assert.equal(bcrypt.getRounds(hash), passwordHashCost());
    assert.ok(await bcrypt.compare('a password', hash));
  });
});
