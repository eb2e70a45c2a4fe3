import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Token string: `<prefix>_<22 random base62 chars><6 base62 chars of CRC32>`.
 * 22 base62 characters carry 130.9 bits from the OS CSPRNG. The checksum lets us refuse a
 * mistyped or made-up token without touching the database, and gives secret scanners a
 * pattern with almost no false positives.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const RANDOM_LENGTH = 22;
export const CHECKSUM_LENGTH = 6;
export const PREFIX_PATTERN = /^[a-z][a-z0-9]{1,15}$/;

export function assertValidPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new TypeError(`Token prefix "${prefix}" must be 2-16 lowercase letters or digits, starting with a letter.`);
  }
}

/** The regular expression that matches a token with this prefix, for secret scanners. */
export function tokenPattern(prefix: string): RegExp {
  assertValidPrefix(prefix);
  return new RegExp(`^${prefix}_[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);
}

/** The same pattern unanchored and global, to find tokens inside text (logs, commits, tickets). */
export function tokenScanPattern(prefix: string): RegExp {
  assertValidPrefix(prefix);
  return new RegExp(`\\b${prefix}_[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}\\b`, 'g');
}

function encodeChecksum(value: number): string {
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

function checksumOf(body: string): string {
  return encodeChecksum(crc32(body) >>> 0);
}

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    // Rejection sampling keeps every character uniform: 248 = 62 * 4.
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateToken(prefix: string): string {
  assertValidPrefix(prefix);
  const body = `${prefix}_${randomBase62(RANDOM_LENGTH)}`;
  return body + checksumOf(body);
}

const CHARSET = /^[0-9A-Za-z]+$/;

/** True when the string has this prefix, the right length and alphabet, and a matching checksum. */
export function isWellFormedToken(candidate: string, prefix: string): boolean {
  const expectedLength = prefix.length + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH;
  if (candidate.length !== expectedLength) return false;
  if (!candidate.startsWith(prefix) || candidate.charCodeAt(prefix.length) !== 95 /* _ */) return false;
  const rest = candidate.slice(prefix.length + 1);
  if (!CHARSET.test(rest)) return false;
  const body = candidate.slice(0, expectedLength - CHECKSUM_LENGTH);
  return checksumOf(body) === candidate.slice(expectedLength - CHECKSUM_LENGTH);
}

export function lastFourOf(token: string): string {
  return token.slice(-4);
}

/** What the admin screens show in place of a secret. */
export function maskToken(prefix: string, lastFour: string): string {
  return `${prefix}_${'•'.repeat(8)}${lastFour}`;
}
