/** What the usage screens receive from the plugin's actions (see src/actions/usage-actions.ts). */
import type { UsageDay } from '../../core/usage/usage-view.js';

export type { TokenRef, TokenUsage, UsageDay, UsageOverview, UsageTotals } from '../../core/usage/usage-view.js';
export type Outcome = Exclude<keyof UsageDay, 'day'>;

export interface OverviewLinks {
  active: string;
  expiringWithin30Days: string;
  expired: string;
  disabled: string;
  /** A token's page, with {id} where the token's id goes. */
  token: string;
  requestLogs: string;
}

/** The outcomes in the order they are stacked (bottom first), with their names and colours. */
export const OUTCOMES: ReadonlyArray<{ key: Outcome; label: string; color: string }> = [
  { key: 'ok', label: 'Succeeded (2xx, 3xx)', color: '#007D7F' },
  { key: 'clientError', label: 'Other client errors (4xx)', color: '#E0A030' },
  { key: 'serverError', label: 'Server errors (5xx)', color: '#C20012' },
  { key: 'refused', label: 'Refused (401, 403)', color: '#6B4FBB' },
  { key: 'aborted', label: 'Closed by the client (499)', color: '#9AA3AD' },
];

export function dayTotal(day: UsageDay): number {
  return OUTCOMES.reduce((sum, o) => sum + day[o.key], 0);
}

const NUMBER = new Intl.NumberFormat('en');
export const formatCount = (n: number): string => NUMBER.format(n);
export const formatRate = (rate: number): string => `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)}%`;
export const formatMs = (ms: number | null): string => (ms === null ? '–' : `${NUMBER.format(Math.round(ms))} ms`);

/** "Dec 5" for a UTC day "2026-12-05". */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
