import { LATENCY_BOUNDS_MS } from './columns.js';

/**
 * The p-th percentile (0..100) of the durations counted in a latency histogram (one count per
 * LATENCY_COLUMNS), ms: the bucket holding that rank, interpolated linearly between its bounds
 * as Prometheus's histogram_quantile does; the open last bucket answers its lower bound. Null
 * when nothing was counted.
 */
export function percentileMs(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = (p / 100) * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count > 0 && below + count >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const upper = LATENCY_BOUNDS_MS[i];
      if (upper === undefined) return lower;
      return Math.round(lower + (upper - lower) * ((rank - below) / count));
    }
    below += count;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!;
}
