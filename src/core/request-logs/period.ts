/**
 * The request-log screen's ready-made periods, each ending now: a link carrying one ("the last
 * 24 h") stays relative, and the server's clock decides where it starts.
 */
export const REQUEST_LOG_PERIODS = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
] as const;

export type RequestLogPeriod = (typeof REQUEST_LOG_PERIODS)[number]['value'];

/** When a ready-made period that ends at `now` starts; undefined for a value that names none. */
export function periodStart(value: unknown, now: Date): Date | undefined {
  const period = REQUEST_LOG_PERIODS.find((p) => p.value === value);
  return period ? new Date(now.getTime() - period.ms) : undefined;
}
