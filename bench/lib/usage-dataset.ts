// Usage rollups for the admin-scale figures: 13 months (395 days) of daily counts. Each day a
// tenth of the tokens was used (a different tenth each day, so every token has ~40 days), and the
// busiest token every day: ~4 million ApiTokenUsageDay rows for 100,000 tokens, and the per-day
// totals over all tokens in ApiUsageDay. The counts add up: outcomes and latency buckets each sum
// to the day's requests.

export const ROLLUP_DAYS = 395;

/**
 * The INSERT … SELECT for both tables, given the dialect's expression for "the UTC day `dn` days
 * before today" as YYYY-MM-DD, and a table `bench_token (k, id)` of the tokens numbered from 0
 * (k = 0 the busiest), with indexes on id and on k % 10.
 */
export function rollupInserts(dayOf: (dn: string) => string, days: (n: number) => string): string[] {
  const requests = `CASE WHEN t.k = 0 THEN 5000 ELSE 20 + (t.k * 31 + d.dn * 17) % 200 END`;
  // A tenth of the tokens each day (by k % 10, which bench_token has an index on), and the
  // busiest token on the days that tenth does not hold it.
  const used = `SELECT t.id AS id, ${dayOf('d.dn')} AS day, ${requests} AS r FROM ${days(ROLLUP_DAYS)} d JOIN bench_token t ON t.k % 10 = d.dn % 10
                UNION ALL
                SELECT t.id, ${dayOf('d.dn')}, ${requests} FROM ${days(ROLLUP_DAYS)} d JOIN bench_token t ON t.k = 0 AND d.dn % 10 <> 0`;
  return [
    `INSERT INTO "ApiTokenUsageDay" ("tokenId", "day", "ok", "clientError", "serverError", "refused", "aborted", "ms5", "ms25", "ms100")
     SELECT id, day, r - r / 20 - r / 100 - r / 50 - r / 200, r / 20, r / 100, r / 50, r / 200, r / 2, r * 3 / 10, r - r / 2 - r * 3 / 10
     FROM (${used}) x`,
    `INSERT INTO "ApiUsageDay" ("day", "ok", "clientError", "serverError", "refused", "aborted", "ms5", "ms25", "ms100")
     SELECT "day", SUM("ok"), SUM("clientError"), SUM("serverError"), SUM("refused"), SUM("aborted"), SUM("ms5"), SUM("ms25"), SUM("ms100")
     FROM "ApiTokenUsageDay" GROUP BY "day"`,
  ];
}
