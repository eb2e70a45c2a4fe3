import type { TokenStatus } from './types.js';

/** Disabled wins over expired: a disabled token needs an admin, an expired one a regenerate. */
export function tokenStatus(token: { enabled: boolean; expiresAt: Date | null }, now: Date): TokenStatus {
  if (!token.enabled) return 'disabled';
  if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}
