// The shapes the usage screens read, and how rollup rows become them.
import { LATENCY_COLUMNS, OUTCOMES, type Outcome } from './columns.js';
import { percentileMs } from './histogram.js';

/** One UTC day's requests by outcome. */
export type UsageDay = { day: string } & Record<Outcome, number>;

export interface UsageTotals extends Record<Outcome, number> {
  requests: number;
  /** (clientError + serverError + refused) / requests; 0 without requests. */
  errorRate: number;
  /** From the latency histogram (see percentileMs); null without requests. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface TokenUsage {
  /** Every day of the period, oldest first, zeros where nothing was counted. */
  days: UsageDay[];
  totals: UsageTotals;
}

export interface TokenRef {
  id: string;
  name: string;
  /** ISO 8601, or null when never used. */
  lastUsedAt: string | null;
}

export interface UsageOverview {
  counts: { active: number; expiringWithin30Days: number; expired: number; disabled: number };
  /** Used before, but not in the last 30 days: longest unused first. */
  unused30Days: TokenRef[];
  /** Never used: oldest first. */
  neverUsed: TokenRef[];
  /** The last 7 days. */
  topByTraffic: Array<TokenRef & { requests: number }>;
  /** The last 7 days, among tokens with at least MIN_REQUESTS_FOR_ERROR_RATE requests. */
  topByErrorRate: Array<TokenRef & { requests: number; errorRate: number }>;
  /** The last 30 days over every token the actor sees. */
  traffic: UsageDay[];
}

/** The outcomes counted as errors in an error rate. */
export const ERROR_OUTCOMES = ['clientError', 'serverError', 'refused'] as const satisfies readonly Outcome[];

export type CountRow = Record<string, number | bigint | null>;
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

function usageDay(day: string, row: CountRow | undefined): UsageDay {
  const out = { day } as UsageDay;
  for (const outcome of OUTCOMES) out[outcome] = num(row?.[outcome]);
  return out;
}

/** Every day of `days`, with the counts of `rows` where there are some. */
export function fillDays(days: readonly string[], rows: ReadonlyArray<CountRow & { day: string }>): UsageDay[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return days.map((day) => usageDay(day, byDay.get(day)));
}

/** Sums of rollup rows (outcomes and latency histogram): totals, error rate, p50 and p95. */
export function totalsOf(rows: readonly CountRow[]): UsageTotals {
  const totals = { requests: 0, errorRate: 0, p50Ms: null, p95Ms: null } as UsageTotals;
  for (const outcome of OUTCOMES) totals[outcome] = rows.reduce((sum, row) => sum + num(row[outcome]), 0);
  totals.requests = OUTCOMES.reduce((sum, outcome) => sum + totals[outcome], 0);
  totals.errorRate = totals.requests === 0 ? 0 : ERROR_OUTCOMES.reduce((sum, o) => sum + totals[o], 0) / totals.requests;
  const histogram = LATENCY_COLUMNS.map((column) => rows.reduce((sum, row) => sum + num(row[column]), 0));
  totals.p50Ms = percentileMs(histogram, 50);
  totals.p95Ms = percentileMs(histogram, 95);
  return totals;
}

export const tokenRef = (token: { id: string; name: string; lastUsedAt: Date | null }): TokenRef => ({
  id: token.id,
  name: token.name,
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
});
