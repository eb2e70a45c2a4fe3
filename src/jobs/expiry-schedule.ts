/**
 * When a token's expiry notices are due: pure date arithmetic, no database, so that the rule
 * lives in one place and is unit-tested on its edges.
 */

export const DAY_MS = 86_400_000;

/** The notices of one expiry, in the order they fall due. */
export const NOTICE_KINDS = ['30d', '7d', '1d', 'expired'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** How long before the expiry each notice falls due. */
export const NOTICE_LEAD_MS: Readonly<Record<NoticeKind, number>> = Object.freeze({
  '30d': 30 * DAY_MS,
  '7d': 7 * DAY_MS,
  '1d': DAY_MS,
  expired: 0,
});

/**
 * How long after the expiry the "has expired" notice may still go out. Without a bound, the
 * first run on a database full of long-expired tokens (jobs switched on late, a host down for
 * weeks) would mail about every one of them; past a week the news is stale.
 */
export const EXPIRED_NOTICE_WINDOW_MS = 7 * DAY_MS;

/** The earliest notice: tokens expiring later than this from now need nothing yet. */
export const NOTICE_HORIZON_MS = NOTICE_LEAD_MS['30d'];

export function noticeDueAt(expiresAt: Date, kind: NoticeKind): Date {
  return new Date(expiresAt.getTime() - NOTICE_LEAD_MS[kind]);
}

export interface ExpiringTokenDates {
  expiresAt: Date;
  /**
   * When the current expiry was set: the token's `secretIssuedAt` (create and regenerate set both
   * at once). A notice whose moment came before it is not "still ahead" and is never sent.
   */
  seriesStart: Date;
}

/**
 * The one notice a token should get at `now`, or null.
 *
 * It is the latest notice whose moment has come. Earlier ones that never went out (the job was
 * not running, SMTP was down the whole time) are superseded rather than sent late: a "30 days
 * left" mail with five days left would mislead. A notice whose moment is not after the series
 * start is skipped, so a token created (or regenerated) with 20 days left never gets the
 * 30-day mail, and one created with exactly 30 days does not get it the moment it is created.
 */
export function dueNotice(token: ExpiringTokenDates, now: Date): NoticeKind | null {
  const nowMs = now.getTime();
  for (let i = NOTICE_KINDS.length - 1; i >= 0; i--) {
    const kind = NOTICE_KINDS[i]!;
    const dueMs = noticeDueAt(token.expiresAt, kind).getTime();
    if (dueMs > nowMs) continue;
    if (dueMs <= token.seriesStart.getTime()) return null;
    if (kind === 'expired' && nowMs - token.expiresAt.getTime() >= EXPIRED_NOTICE_WINDOW_MS) return null;
    return kind;
  }
  return null;
}
