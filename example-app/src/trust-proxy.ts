/**
 * Express's "trust proxy" setting from TRUST_PROXY: off unless set. Turn it on only behind a
 * reverse proxy that sets X-Forwarded-For and X-Forwarded-Proto itself: trusted, those headers
 * decide the client address (IP allow-lists, request logs, the sign-in rate limit) and whether the
 * request came over TLS (the session cookie's Secure flag). Accepts true, a hop count ("1"), or
 * Express's list of trusted addresses ("loopback", "10.0.0.0/8, 172.16.0.0/12").
 */
export function parseTrustProxy(value: boolean | number | string | undefined): boolean | number | string {
  if (typeof value === 'boolean' || typeof value === 'number') return value;
  const text = (value ?? '').trim();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  return text;
}
