import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import {
  CHECKSUM_LENGTH,
  PREFIX_PATTERN,
  RANDOM_LENGTH,
  assertValidPrefix,
  generateToken,
  isWellFormedToken,
  lastFourOf,
  maskToken,
  tokenPattern,
} from '../../src/core/token-format.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX = 'aat';

/** An independent implementation of the documented format: base62(crc32(body)), big-endian, padded to 6. */
function referenceChecksum(body: string): string {
  let value = crc32(body) >>> 0;
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62]! + out;
    value = Math.floor(value / 62);
  }
  assert.equal(value, 0, 'a CRC32 always fits in six base62 characters');
  return out;
}

function replaceAt(text: string, index: number, replacement: string): string {
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/** Deterministic PRNG (mulberry32) so that "random" mutations are reproducible on failure. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('token format constants', () => {
  it('uses 22 random and 6 checksum characters', () => {
    assert.equal(RANDOM_LENGTH, 22);
    assert.equal(CHECKSUM_LENGTH, 6);
  });
});

describe('generateToken', () => {
  it('produces <prefix>_<28 base62 chars> matching tokenPattern(prefix)', () => {
    for (const prefix of ['aat', 'ab', 'acme', 'a1', 'abcdefghijklmnop']) {
      const pattern = tokenPattern(prefix);
      for (let i = 0; i < 200; i++) {
        const token = generateToken(prefix);
        assert.match(token, pattern);
        assert.equal(token.length, prefix.length + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH);
        assert.ok(token.startsWith(`${prefix}_`));
        assert.match(token.slice(prefix.length + 1), /^[0-9A-Za-z]{28}$/);
      }
    }
  });

  it('produces tokens that isWellFormedToken accepts', () => {
    for (let i = 0; i < 1000; i++) {
      const token = generateToken(PREFIX);
      assert.ok(isWellFormedToken(token, PREFIX), token);
    }
  });

  it('appends base62(crc32(prefix_random)) as the checksum', () => {
    for (let i = 0; i < 500; i++) {
      const token = generateToken(PREFIX);
      const body = token.slice(0, -CHECKSUM_LENGTH);
      assert.equal(token.slice(-CHECKSUM_LENGTH), referenceChecksum(body));
    }
  });

  it('never repeats a token or its random part over 10,000 tokens', () => {
    const tokens = new Set<string>();
    const randomParts = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const token = generateToken(PREFIX);
      tokens.add(token);
      randomParts.add(token.slice(PREFIX.length + 1, PREFIX.length + 1 + RANDOM_LENGTH));
    }
    assert.equal(tokens.size, 10_000);
    assert.equal(randomParts.size, 10_000);
  });

  it('draws random characters roughly uniformly over the 62-character alphabet (loose chi-square)', () => {
    const tokenCount = 20_000;
    const overall = new Map<string, number>();
    const perPosition: Map<string, number>[] = Array.from({ length: RANDOM_LENGTH }, () => new Map());
    for (let i = 0; i < tokenCount; i++) {
      const random = generateToken(PREFIX).slice(PREFIX.length + 1, PREFIX.length + 1 + RANDOM_LENGTH);
      for (let p = 0; p < RANDOM_LENGTH; p++) {
        const c = random[p]!;
        overall.set(c, (overall.get(c) ?? 0) + 1);
        perPosition[p]!.set(c, (perPosition[p]!.get(c) ?? 0) + 1);
      }
    }
    const chiSquare = (counts: Map<string, number>, total: number): number => {
      const expected = total / 62;
      let sum = 0;
      for (const c of ALPHABET) {
        const observed = counts.get(c) ?? 0;
        sum += (observed - expected) ** 2 / expected;
      }
      return sum;
    };
    // Every alphabet character shows up and nothing else does.
    assert.equal(overall.size, 62);
    for (const c of overall.keys()) assert.ok(ALPHABET.includes(c), c);
    // 61 degrees of freedom: mean 61, sd ~11. 150 is astronomically unlikely for a uniform source,
    // yet a modulo bias (e.g. byte % 62 without rejection, which over-weights the first 8 chars by
    // 25%) pushes the statistic to several hundred at this sample size.
    const overallChi = chiSquare(overall, tokenCount * RANDOM_LENGTH);
    assert.ok(overallChi < 150, `overall chi-square ${overallChi.toFixed(1)}`);
    for (let p = 0; p < RANDOM_LENGTH; p++) {
      const chi = chiSquare(perPosition[p]!, tokenCount);
      assert.ok(chi < 160, `position ${p} chi-square ${chi.toFixed(1)}`);
    }
    // No character is wildly over- or under-represented (expected ~7,097 each).
    const expected = (tokenCount * RANDOM_LENGTH) / 62;
    for (const [c, n] of overall) {
      assert.ok(Math.abs(n - expected) / expected < 0.1, `${c}: ${n} vs ${expected.toFixed(0)}`);
    }
  });
});

describe('isWellFormedToken', () => {
  const token = generateToken(PREFIX);

  it('accepts a hand-built token whose checksum follows the documented format', () => {
    const body = `${PREFIX}_${'0'.repeat(RANDOM_LENGTH)}`;
    assert.ok(isWellFormedToken(body + referenceChecksum(body), PREFIX));
    const body2 = `acme_${'z'.repeat(RANDOM_LENGTH)}`;
    assert.ok(isWellFormedToken(body2 + referenceChecksum(body2), 'acme'));
  });

  it('rejects the empty string and strings of the right length made of nothing useful', () => {
    assert.equal(isWellFormedToken('', PREFIX), false);
    assert.equal(isWellFormedToken(PREFIX, PREFIX), false);
    assert.equal(isWellFormedToken(`${PREFIX}_`, PREFIX), false);
    assert.equal(isWellFormedToken(' '.repeat(token.length), PREFIX), false);
    assert.equal(isWellFormedToken('_'.repeat(token.length), PREFIX), false);
  });

  it('rejects a wrong prefix, even with a valid checksum for that prefix', () => {
    const other = generateToken('abc');
    assert.equal(isWellFormedToken(other, PREFIX), false);
    assert.equal(isWellFormedToken(token, 'abc'), false);
    assert.equal(isWellFormedToken(token, 'aa'), false);
    assert.equal(isWellFormedToken(token, 'aatx'), false);
    assert.equal(isWellFormedToken(token.toUpperCase(), PREFIX), false);
    assert.equal(isWellFormedToken(`AAT${token.slice(3)}`, PREFIX), false);
    // Same length, different prefix letters, checksum recomputed for the forged body.
    const forgedBody = `bat${token.slice(3, -CHECKSUM_LENGTH)}`;
    assert.equal(isWellFormedToken(forgedBody + referenceChecksum(forgedBody), PREFIX), false);
  });

  it('rejects a token whose underscore is missing or replaced', () => {
    const withoutUnderscore = token.replace('_', '');
    assert.equal(isWellFormedToken(withoutUnderscore, PREFIX), false);
    for (const sep of ['-', '.', 'x', '0', ' ', ':']) {
      const body = `${PREFIX}${sep}${token.slice(PREFIX.length + 1, -CHECKSUM_LENGTH)}`;
      // Even with a matching checksum the separator must be "_".
      assert.equal(isWellFormedToken(body + referenceChecksum(body), PREFIX), false, JSON.stringify(sep));
    }
  });

  it('rejects a token one character too short or too long', () => {
    assert.equal(isWellFormedToken(token.slice(0, -1), PREFIX), false);
    assert.equal(isWellFormedToken(`${token}a`, PREFIX), false);
    assert.equal(isWellFormedToken(`${token}\n`, PREFIX), false);
    assert.equal(isWellFormedToken(` ${token}`, PREFIX), false);
    assert.equal(isWellFormedToken(`${token} `, PREFIX), false);
    // Right characters, checksum recomputed, but a random part of 21 or 23 characters.
    for (const length of [RANDOM_LENGTH - 1, RANDOM_LENGTH + 1]) {
      const body = `${PREFIX}_${'A'.repeat(length)}`;
      assert.equal(isWellFormedToken(body + referenceChecksum(body), PREFIX), false, `random length ${length}`);
    }
  });

  it('rejects every single-character substitution in the random and checksum parts (exhaustive, 100 tokens)', () => {
    const start = PREFIX.length + 1;
    let checked = 0;
    for (let t = 0; t < 100; t++) {
      const original = generateToken(PREFIX);
      for (let i = start; i < original.length; i++) {
        for (const c of ALPHABET) {
          if (c === original[i]) continue;
          const mutated = replaceAt(original, i, c);
          if (isWellFormedToken(mutated, PREFIX)) {
            assert.fail(`accepted ${mutated} (from ${original}, position ${i})`);
          }
          checked++;
        }
      }
    }
    assert.equal(checked, 100 * (RANDOM_LENGTH + CHECKSUM_LENGTH) * 61);
  });

  it('rejects many random single-character substitutions anywhere in the token', () => {
    const random = prng(0xc0ffee);
    for (let n = 0; n < 20_000; n++) {
      const original = generateToken(PREFIX);
      const i = Math.floor(random() * original.length);
      let c = original[i]!;
      while (c === original[i]) c = ALPHABET[Math.floor(random() * ALPHABET.length)]!;
      const mutated = replaceAt(original, i, c);
      assert.equal(isWellFormedToken(mutated, PREFIX), false, `accepted ${mutated} (from ${original})`);
    }
  });

  it('rejects swaps of two adjacent different characters (a common typo)', () => {
    const start = PREFIX.length + 1;
    for (let t = 0; t < 200; t++) {
      const original = generateToken(PREFIX);
      for (let i = start; i < original.length - 1; i++) {
        if (original[i] === original[i + 1]) continue;
        const swapped = original.slice(0, i) + original[i + 1] + original[i] + original.slice(i + 2);
        assert.equal(isWellFormedToken(swapped, PREFIX), false, `accepted ${swapped} (from ${original})`);
      }
    }
  });

  it('rejects non-base62 ASCII characters even when the checksum is recomputed to match', () => {
    const start = PREFIX.length + 1;
    for (const bad of ['-', '_', '+', '/', '=', ' ', '.', '!', '$', '\0', '\n', '\t', '~']) {
      // In the random part, with a checksum that matches the forged body.
      const body = replaceAt(token.slice(0, -CHECKSUM_LENGTH), start + 5, bad);
      assert.equal(isWellFormedToken(body + referenceChecksum(body), PREFIX), false, `random part ${JSON.stringify(bad)}`);
      // In the checksum part.
      assert.equal(isWellFormedToken(replaceAt(token, token.length - 2, bad), PREFIX), false, `checksum ${JSON.stringify(bad)}`);
    }
  });

  it('never takes a character for the alphabet letter that shares its low byte (the checksum reads bytes)', () => {
    const start = PREFIX.length + 1;
    for (const c of ALPHABET) {
      for (const high of [0x100, 0x4100, 0xff00]) {
        const alias = String.fromCharCode(high + c.charCodeAt(0));
        // The checksum a CRC over each character's low byte would expect for the aliased body.
        const honest = replaceAt(token.slice(0, -CHECKSUM_LENGTH), start + 7, c);
        const forged = replaceAt(honest, start + 7, alias);
        assert.equal(isWellFormedToken(forged + referenceChecksum(honest), PREFIX), false, `random part ${JSON.stringify(alias)}`);
        assert.equal(isWellFormedToken(replaceAt(token, token.length - 3, alias), PREFIX), false, `checksum ${JSON.stringify(alias)}`);
      }
    }
    // The same in the prefix, for a caller that passes a prefix of its own.
    const body = `${PREFIX}_${token.slice(start, -CHECKSUM_LENGTH)}`;
    const aliasedPrefix = String.fromCharCode(0x100 + PREFIX.charCodeAt(0)) + PREFIX.slice(1);
    assert.equal(isWellFormedToken(aliasedPrefix + body.slice(PREFIX.length) + referenceChecksum(body), aliasedPrefix), false);
  });

  it('rejects unicode look-alikes and multi-unit characters', () => {
    const start = PREFIX.length + 1;
    // Same UTF-16 length: Latin-1 letters, Cyrillic and full-width homoglyphs.
    for (const bad of ['é', 'ß', 'А' /* Cyrillic A */, 'о' /* Cyrillic o */, '０' /* full-width 0 */, 'Ａ', '\u00a0', '\u200b']) {
      const body = replaceAt(token.slice(0, -CHECKSUM_LENGTH), start + 3, bad);
      assert.equal(body.length, token.length - CHECKSUM_LENGTH);
      assert.equal(isWellFormedToken(body + referenceChecksum(body), PREFIX), false, `random part ${JSON.stringify(bad)}`);
      assert.equal(isWellFormedToken(replaceAt(token, token.length - 1, bad), PREFIX), false, `checksum ${JSON.stringify(bad)}`);
    }
    // A surrogate pair replacing two characters keeps the UTF-16 length.
    const emoji = `${token.slice(0, start + 4)}😀${token.slice(start + 6)}`;
    assert.equal(emoji.length, token.length);
    assert.equal(isWellFormedToken(emoji, PREFIX), false);
    // Unicode prefix look-alike.
    assert.equal(isWellFormedToken(`аat${token.slice(3)}`, PREFIX), false);
  });
});

describe('tokenPattern', () => {
  it('is anchored and requires exactly 28 base62 characters after "<prefix>_"', () => {
    const pattern = tokenPattern(PREFIX);
    const token = generateToken(PREFIX);
    assert.match(token, pattern);
    assert.doesNotMatch(`x${token}`, pattern);
    assert.doesNotMatch(`${token}x`, pattern);
    assert.doesNotMatch(token.slice(0, -1), pattern);
    assert.doesNotMatch(generateToken('abc'), pattern);
    assert.doesNotMatch(replaceAt(token, 10, '-'), pattern);
    assert.equal(pattern.source, `^aat_[0-9A-Za-z]{28}$`);
  });

  it('throws on an invalid prefix instead of building a regex from it', () => {
    assert.throws(() => tokenPattern('a.*'), TypeError);
    assert.throws(() => tokenPattern(''), TypeError);
  });
});

describe('assertValidPrefix', () => {
  it('accepts 2-16 lowercase letters or digits starting with a letter', () => {
    for (const prefix of ['ab', 'a1', 'aat', 'acme', 'x9y8', 'abcdefghijklmnop']) {
      assert.doesNotThrow(() => assertValidPrefix(prefix), prefix);
      assert.match(prefix, PREFIX_PATTERN);
    }
  });

  it('rejects everything else with a TypeError naming the prefix', () => {
    const bad = [
      '',
      'a',
      'A',
      'Aat',
      'aAt',
      '1at',
      '9',
      'a_t',
      'aat_',
      'a-t',
      'a.t',
      'a t',
      ' aat',
      'aat ',
      'aat\n',
      '\naat',
      'abcdefghijklmnopq',
      'aät',
      'ａat',
      'aat😀',
      '.*',
    ];
    for (const prefix of bad) {
      assert.throws(
        () => assertValidPrefix(prefix),
        (error: unknown) => error instanceof TypeError && error.message.includes(`"${prefix}"`),
        JSON.stringify(prefix),
      );
    }
  });
});

describe('maskToken and lastFourOf', () => {
  it('lastFourOf returns the last four characters', () => {
    assert.equal(lastFourOf('aat_abcdefghijklmnopqrstuvwxyz12'), 'yz12');
    const token = generateToken(PREFIX);
    assert.equal(lastFourOf(token), token.slice(-4));
    assert.equal(lastFourOf(token).length, 4);
  });

  it('maskToken shows the prefix, eight bullets and only the last four characters', () => {
    assert.equal(maskToken('aat', 'WXyz'), 'aat_••••••••WXyz');
    for (let i = 0; i < 200; i++) {
      const token = generateToken(PREFIX);
      const masked = maskToken(PREFIX, lastFourOf(token));
      assert.equal(masked, `${PREFIX}_${'•'.repeat(8)}${token.slice(-4)}`);
      // Nothing from the secret before the last four leaks into the mask.
      const hidden = token.slice(PREFIX.length + 1, -4);
      for (let j = 0; j + 5 <= hidden.length; j++) {
        assert.ok(!masked.includes(hidden.slice(j, j + 5)));
      }
      assert.ok(!masked.includes(token.slice(-5)), 'the fifth-last character is hidden');
    }
  });
});
