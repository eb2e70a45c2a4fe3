/** Longer Authorization headers are refused unread: a token is a few dozen characters. */
export const MAX_AUTHORIZATION_LENGTH = 512;

const SCHEME = 'bearer';
const SPACE = 0x20;

/** What JavaScript's \s matches. */
function isWhitespace(code: number): boolean {
  if (code <= SPACE) return code === SPACE || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * The credential of an `Authorization: Bearer <token>` header (RFC 6750 2.1): the scheme in any
 * case, one or more spaces, one run of non-whitespace characters, optional trailing spaces; null
 * for anything else, or for a header longer than MAX_AUTHORIZATION_LENGTH.
 *
 * Exactly what /^Bearer +(\S+) *$/i accepts, read in one pass: it runs on every API request, and
 * the regular expression's match array and extra strings cost more than the check itself.
 */
export function bearerCredential(header: string): string | null {
  const length = header.length;
  if (length > MAX_AUTHORIZATION_LENGTH || length <= SCHEME.length + 1) return null;
  for (let i = 0; i < SCHEME.length; i++) {
    // OR 0x20 lower-cases an ASCII letter, and only 'B' and 'b' (for example) give 'b'.
    if ((header.charCodeAt(i) | 0x20) !== SCHEME.charCodeAt(i)) return null;
  }
  let start = SCHEME.length;
  if (header.charCodeAt(start) !== SPACE) return null;
  while (start < length && header.charCodeAt(start) === SPACE) start++;
  let end = start;
  while (end < length && !isWhitespace(header.charCodeAt(end))) end++;
  if (end === start) return null;
  for (let i = end; i < length; i++) {
    if (header.charCodeAt(i) !== SPACE) return null;
  }
  return header.slice(start, end);
}
