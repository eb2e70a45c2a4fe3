/** What differs between the databases the store runs on; everything else is standard SQL. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgresql';
  /** True when LIKE tells 'A' from 'a' (a case-insensitive search then needs Prisma's `mode: 'insensitive'`). */
  readonly likeIsCaseSensitive: boolean;
  /** True for an error after which a whole transaction can simply run again (it was rolled back). */
  isRetryable(error: unknown): boolean;
  /**
   * True when counting every row of a big table is a scan of all of it (PostgreSQL's MVCC), so an
   * unfiltered list, and a big list of an owner's tokens' logs, show the planner's estimate
   * instead (see store/request-logs.ts); SQLite counts from its smallest index.
   */
  readonly estimatesBigCounts: boolean;
  /** The aggregate that joins a text expression's values of a group with commas, as one text value. */
  joinWithCommas(expression: string): string;
}
