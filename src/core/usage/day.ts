export const DAY_MS = 86_400_000;

/** The UTC day of a time, as the rollups key it: `YYYY-MM-DD`. */
export function dayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** The `count` UTC days ending with the day of `now`, oldest first. */
export function lastDays(now: Date, count: number): string[] {
  const today = Math.floor(now.getTime() / DAY_MS);
  return Array.from({ length: count }, (_, i) => dayOf((today - count + 1 + i) * DAY_MS));
}
