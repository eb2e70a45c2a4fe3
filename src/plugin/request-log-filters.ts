import { LAST_PERIOD, normalizeFilters } from './list-query.js';
import { fieldError } from '../core/errors.js';
import { periodStart, REQUEST_LOG_PERIODS } from '../core/request-logs/period.js';

/** What request logs are filtered by: the token and the time. */
const FILTERS = ['tokenId', 'createdAt'];

/**
 * The request-log screen's filters (AdminJS's `filters.*` query, as the list and the CSV export
 * get it) as core's request-log filter: the token, and the period, ready-made (from the server's
 * clock) or a custom range. A ready-made period wins over a range sent with it.
 */
export function requestLogFilterOf(rawFilters: unknown, now: Date): { tokenId?: string; from?: string; to?: string } {
  const filters = Object.fromEntries(normalizeFilters(rawFilters)) as Record<string, unknown>;
  for (const key of Object.keys(filters)) {
    if (!FILTERS.includes(key)) throw fieldError(key, 'requestLogFilterUnknown', { filters: FILTERS, key: key.slice(0, 40) });
  }
  const createdAt = (filters.createdAt ?? {}) as { from?: unknown; to?: unknown; [LAST_PERIOD]?: unknown };
  const last = createdAt[LAST_PERIOD];
  const start = periodStart(last, now);
  if (last !== undefined && last !== '' && !start) {
    throw fieldError('createdAt', 'requestLogPeriodUnknown', { param: LAST_PERIOD, periods: REQUEST_LOG_PERIODS.map((p) => p.value) });
  }
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const tokenId = text(filters.tokenId);
  const from = start ? start.toISOString() : text(createdAt.from);
  const to = start ? undefined : text(createdAt.to);
  return { ...(tokenId ? { tokenId } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
