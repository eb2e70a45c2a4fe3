import type { TokenStatus } from './types.js';

/** Disabled wins over expired: a disabled token needs an admin, an expired one a regenerate. */
export function tokenStatus(token: { enabled: boolean; expiresAt: Date | null }, now: Date): TokenStatus {
  if (!token.enabled) return 'disabled';
  if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** The Prisma filter for tokens in one status at `now`: must agree with tokenStatus. */
export function statusWhere(status: TokenStatus, now: Date) {
  switch (status) {
    case 'disabled':
      return { enabled: false };
    case 'expired':
      return { enabled: true, expiresAt: { lte: now } };
    case 'active':
      return { enabled: true, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  }
}
