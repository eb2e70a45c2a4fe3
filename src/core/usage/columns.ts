// The usage rollups' counters, defined once: the columns of "ApiTokenUsageDay" and "ApiUsageDay"
// beyond their keys, how a request is counted in them, and the latency buckets. The rollup
// writer, its upsert statements and the usage queries all follow from these lists.

/** Requests by outcome. A request is counted in exactly one. */
export const OUTCOMES = ['ok', 'clientError', 'serverError', 'refused', 'aborted'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The status a request is logged with when its connection closed before the response finished. */
export const ABORTED_STATUS = 499;

/**
 * ok: answered below 400 (2xx, and the rare 1xx/3xx); refused: 401 or 403, a refusal made with
 * the token (outside its allowed addresses, or without a scope); aborted: 499, the client went
 * away first; clientError: any other 4xx; serverError: 5xx.
 */
export function outcomeIndex(status: number): number {
  if (status < 400) return 0;
  if (status === 401 || status === 403) return 3;
  if (status === ABORTED_STATUS) return 4;
  return status < 500 ? 1 : 2;
}

/**
 * Upper bounds of the latency buckets, ms: a request of d ms is counted in the first bucket with
 * d <= bound, or in the last, open one ("msMore"). Fixed, so that days add up; a 1-2-5 series
 * (as Prometheus's defaults) keeps a percentile read from them within its bucket's bounds.
 */
export const LATENCY_BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export const LATENCY_COLUMNS: readonly string[] = [...LATENCY_BOUNDS_MS.map((ms) => `ms${ms}`), 'msMore'];

export function latencyIndex(durationMs: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && durationMs > LATENCY_BOUNDS_MS[i]!) i++;
  return i;
}

/** Every counter column, in the order the rollup's arrays and statements use. */
export const COUNTER_COLUMNS: readonly string[] = [...OUTCOMES, ...LATENCY_COLUMNS];

/** Where the latency counters start in a counter array. */
export const LATENCY_OFFSET = OUTCOMES.length;

/** Per token and UTC day. */
export const TOKEN_DAY_TABLE = 'ApiTokenUsageDay';
/** Per UTC day, every token together (what the overview's chart of all traffic reads). */
export const DAY_TABLE = 'ApiUsageDay';
