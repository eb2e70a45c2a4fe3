import { randomBytes } from 'node:crypto';

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

/** Each character's base62 value by char code, -1 outside the alphabet (codes 0-127). */
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

/** CRC-32 (IEEE 802.3, zlib's), one table entry per byte value. */
const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}

/**
 * CRC-32 written out in JS rather than zlib.crc32: the format check runs it on every API request,
 * as it reads each character, with no string-to-bytes conversion, native call or allocation.
 * Start from -1, feed one byte at a time, finish with crcResult.
 */
function crcStep(crc: number, byte: number): number {
  return CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
}

function crcResult(crc: number): number {
  return (crc ^ -1) >>> 0;
}

/** CRC-32 of an ASCII string, read as bytes (the caller makes sure every character is ASCII). */
function crc32Ascii(text: string): number {
  let crc = -1;
  for (let i = 0; i < text.length; i++) crc = crcStep(crc, text.charCodeAt(i));
  return crcResult(crc);
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
  return encodeChecksum(crc32Ascii(body));
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

/**
 * True when the string has this prefix, the right length and alphabet, and a matching checksum.
 * One pass over the characters with no allocation or call: malformed and made-up tokens are
 * refused here, before any hashing or query, on every API request (the checksum is computed as
 * the characters are checked, not in a second pass).
 */
export function isWellFormedToken(candidate: string, prefix: string): boolean {
  const separator = prefix.length;
  const bodyLength = separator + 1 + RANDOM_LENGTH;
  const expectedLength = bodyLength + CHECKSUM_LENGTH;
  if (candidate.length !== expectedLength) return false;
  let crc = -1;
  for (let i = 0; i < bodyLength; i++) {
    const code = candidate.charCodeAt(i);
    if (i < separator) {
      // ASCII even for a caller's own prefix: the checksum reads each character as one byte.
      if (code !== prefix.charCodeAt(i) || code > 127) return false;
    } else if (i === separator) {
      if (code !== 95 /* _ */) return false;
    } else if (code > 127 || DIGIT[code]! < 0) {
      return false; // base62 only
    }
    crc = crcStep(crc, code);
  }
  let checksum = 0;
  for (let i = bodyLength; i < expectedLength; i++) {
    const code = candidate.charCodeAt(i);
    const digit = code > 127 ? -1 : DIGIT[code]!;
    if (digit < 0) return false;
    checksum = checksum * 62 + digit;
  }
  return checksum === crcResult(crc);
}

export function lastFourOf(token: string): string {
  return token.slice(-4);
}

/** What the admin screens show in place of a secret. */
export function maskToken(prefix: string, lastFour: string): string {
  return `${prefix}_${'•'.repeat(8)}${lastFour}`;
}
