import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_PEPPER_LENGTH, hashToken, innerDigest, outerDigest } from '../../src/core/hashing.js';
import { generateToken } from '../../src/core/token-format.js';

const PEPPER = 'p'.repeat(MIN_PEPPER_LENGTH);

describe('hashToken', () => {
  it('requires peppers of at least 32 characters (the constant the options check uses)', () => {
    assert.equal(MIN_PEPPER_LENGTH, 32);
  });

  it('is HMAC-SHA256 keyed by the pepper (well-known HMAC test vector)', () => {
    assert.equal(hashToken('key', 'The quick brown fox jumps over the lazy dog'), 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('returns 64 lowercase hex characters', () => {
    for (let i = 0; i < 200; i++) {
      assert.match(hashToken(PEPPER, generateToken('aat')), /^[0-9a-f]{64}$/);
    }
    assert.match(hashToken(PEPPER, ''), /^[0-9a-f]{64}$/);
    assert.match(hashToken(PEPPER, 'ünïcødé 😀'), /^[0-9a-f]{64}$/);
  });

  it('is deterministic', () => {
    const token = generateToken('aat');
    const first = hashToken(PEPPER, token);
    for (let i = 0; i < 10; i++) assert.equal(hashToken(PEPPER, token), first);
    assert.equal(hashToken(`${PEPPER}`, `${token}`), first);
  });

  it('depends on the pepper, including a one-character change', () => {
    const token = generateToken('aat');
    const base = hashToken(PEPPER, token);
    assert.notEqual(hashToken(`${PEPPER.slice(0, -1)}q`, token), base);
    assert.notEqual(hashToken(`${PEPPER}p`, token), base);
    assert.notEqual(hashToken('x'.repeat(MIN_PEPPER_LENGTH), token), base);
  });

  it('depends on the token, including a one-character change', () => {
    const token = generateToken('aat');
    const base = hashToken(PEPPER, token);
    assert.notEqual(hashToken(PEPPER, `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`), base);
    assert.notEqual(hashToken(PEPPER, token.toUpperCase()), base);
    const hashes = new Set<string>();
    for (let i = 0; i < 2000; i++) hashes.add(hashToken(PEPPER, generateToken('aat')));
    assert.equal(hashes.size, 2000);
  });

  it('is not a plain SHA-256 of the token and does not contain the pepper or the token', async () => {
    const { createHash } = await import('node:crypto');
    const token = generateToken('aat');
    const hash = hashToken(PEPPER, token);
    assert.notEqual(hash, createHash('sha256').update(token).digest('hex'));
    assert.notEqual(
      hash,
      createHash('sha256')
        .update(PEPPER + token)
        .digest('hex'),
    );
    assert.ok(!hash.includes(token));
  });
});

describe('hashToken against node:crypto createHmac', () => {
  it('gives the same HMAC-SHA256 for peppers shorter and longer than the 64-byte block, and any message', async () => {
    const { createHmac, randomBytes } = await import('node:crypto');
    const peppers = [PEPPER, 'k'.repeat(64), 'k'.repeat(65), `${'ü'.repeat(40)}-pepper`, randomBytes(90).toString('base64')];
    const messages = [
      '',
      'a',
      generateToken('aat'),
      'ünïcødé 😀',
      `${'a'.repeat(30)}é`,
      'x'.repeat(255),
      'y'.repeat(256),
      'z'.repeat(5000),
      generateToken('aat'),
    ];
    for (const pepper of peppers) {
      for (const message of messages) {
        assert.equal(
          hashToken(pepper, message),
          createHmac('sha256', pepper).update(message).digest('hex'),
          `${pepper.length}-char pepper, ${message.length}-char message`,
        );
      }
    }
    // Interleaved peppers and a long message before a short one leave no state behind.
    for (let i = 0; i < 50; i++) {
      const pepper = peppers[i % peppers.length]!;
      const message = i % 7 === 0 ? 'w'.repeat(3000 + i) : generateToken('aat');
      assert.equal(hashToken(pepper, message), createHmac('sha256', pepper).update(message).digest('hex'));
    }
  });
});

describe("innerDigest and outerDigest (the verifier's cache key, and the way from it to the stored hash)", () => {
  it('innerDigest is SHA-256((K xor ipad) || token), and outerDigest of it is the whole HMAC', async () => {
    const { createHash } = await import('node:crypto');
    for (const pepper of [PEPPER, 'k'.repeat(65)]) {
      let key = Buffer.from(pepper, 'utf8');
      if (key.length > 64) key = createHash('sha256').update(key).digest();
      const ipad = Buffer.alloc(64);
      for (let i = 0; i < 64; i++) ipad[i] = (key[i] ?? 0) ^ 0x36;
      for (const token of [generateToken('aat'), 'ünïcødé', `${generateToken('aat')}é`, 'z'.repeat(500), generateToken('aat')]) {
        const inner = innerDigest(pepper, token);
        assert.equal(Buffer.from(inner, 'latin1').toString('hex'), createHash('sha256').update(ipad).update(token, 'utf8').digest('hex'));
        assert.equal(outerDigest(pepper, inner), hashToken(pepper, token));
      }
    }
  });

  it('differs from the stored hash, so a cache key never equals anything stored or shown', () => {
    const token = generateToken('aat');
    const inner = innerDigest(PEPPER, token);
    assert.equal(inner.length, 32);
    assert.notEqual(Buffer.from(inner, 'latin1').toString('hex'), hashToken(PEPPER, token));
    assert.notEqual(innerDigest(PEPPER, token), innerDigest(`${PEPPER}x`, token), 'keyed by the pepper');
  });
});
