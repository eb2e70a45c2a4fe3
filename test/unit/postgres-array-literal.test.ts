import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { intArrayLiteral, textArrayLiteral } from '../../src/postgres/array-literal.js';

describe('PostgreSQL array literals (the PostgreSQL request-log worker)', () => {
  it('quotes every text element and escapes only " and \\, so that empty strings, NULL, commas and braces stay text', () => {
    assert.equal(textArrayLiteral([]), '{}');
    assert.equal(textArrayLiteral(['a', '', 'NULL', 'x,y', '{z}', 'é 🚀']), '{"a","","NULL","x,y","{z}","é 🚀"}');
    assert.equal(textArrayLiteral(['say "hi"', 'back\\slash', '\\"']), '{"say \\"hi\\"","back\\\\slash","\\\\\\""}');
  });

  it('writes whole numbers, rounding a fraction instead of failing the statement', () => {
    assert.equal(intArrayLiteral([]), '{}');
    assert.equal(intArrayLiteral([0, 200, 499, 12_000]), '{0,200,499,12000}');
    assert.equal(intArrayLiteral([1.4, 1.5]), '{1,2}');
  });
});
