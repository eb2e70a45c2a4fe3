import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bearerCredential, MAX_AUTHORIZATION_LENGTH } from '../../src/http/bearer.js';

/** The rule bearerCredential stands in for (RFC 6750 2.1, as the middleware applied it before). */
const BEARER = /^Bearer +(\S+) *$/i;
const byRegex = (header: string): string | null => (header.length <= MAX_AUTHORIZATION_LENGTH ? (BEARER.exec(header)?.[1] ?? null) : null);

const TOKEN = 'aat_0123456789abcdefghijklAbCdEf';

describe('bearerCredential', () => {
  it('reads the token of well-formed headers, the scheme in any case, with any run of spaces', () => {
    for (const header of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER ${TOKEN}`, `bEaReR    ${TOKEN}`, `Bearer ${TOKEN}   `]) {
      assert.equal(bearerCredential(header), TOKEN, header);
    }
    assert.equal(bearerCredential('Bearer x'), 'x');
  });

  it('refuses anything else', () => {
    const refused = [
      '',
      'Bearer',
      'Bearer ',
      'Bearer    ',
      `Bearer${TOKEN}`,
      `Basic ${TOKEN}`,
      TOKEN,
      ` Bearer ${TOKEN}`,
      `Bearer\t${TOKEN}`,
      `Bearer ${TOKEN} ${TOKEN}`,
      `Bearer ${TOKEN}, Bearer ${TOKEN}`,
      `Bearer ${TOKEN}\t`,
      `Bearer ${TOKEN}\u00a0`,
      `Bearer ${TOKEN.slice(0, 5)}\u2003${TOKEN.slice(5)}`,
      `Bearez ${TOKEN}`,
      `Bearer\u00a0${TOKEN}`,
      // Characters whose code OR 0x20 is a letter of "bearer" only when they are that letter.
      `\u0002earer ${TOKEN}`,
      `"earer ${TOKEN}`,
      `Bearer ${'A'.repeat(MAX_AUTHORIZATION_LENGTH)}`,
    ];
    for (const header of refused) assert.equal(bearerCredential(header), null, JSON.stringify(header));
  });

  it('takes a header of exactly the length limit and refuses one character more', () => {
    const fits = `Bearer ${'A'.repeat(MAX_AUTHORIZATION_LENGTH - 7)}`;
    assert.equal(fits.length, MAX_AUTHORIZATION_LENGTH);
    assert.equal(bearerCredential(fits), 'A'.repeat(MAX_AUTHORIZATION_LENGTH - 7));
    assert.equal(bearerCredential(`${fits}A`), null);
  });

  it('agrees with /^Bearer +(\\S+) *$/i on 200,000 random headers built from the characters that matter', () => {
    const pieces = [
      'Bearer',
      'bearer',
      'BEARER',
      'Bear',
      'b',
      'B',
      'e',
      'r',
      ' ',
      ' ',
      '  ',
      '\t',
      '\n',
      '\u00a0',
      '\u2028',
      '\ufeff',
      '\u3000',
      'a',
      'Z',
      '0',
      '_',
      ',',
      '=',
      'é',
      '"',
      TOKEN,
    ];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let accepted = 0;
    for (let i = 0; i < 200_000; i++) {
      const parts = random(3) === 0 ? [] : ['Bearer', ' '];
      for (let n = random(6); n >= 0; n--) parts.push(pieces[random(pieces.length)]!);
      const header = parts.join('');
      const expected = byRegex(header);
      if (expected !== null) accepted++;
      assert.equal(bearerCredential(header), expected, JSON.stringify(header));
    }
    assert.ok(accepted > 10_000, `the sample must hold many accepted headers too (${accepted})`);
  });
});
