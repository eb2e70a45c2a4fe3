import type { Dialect } from '../dialect.js';
import { isPrismaKnownError } from '../prisma-errors.js';

/** PostgreSQL through Prisma's pg adapter. LIKE tells case apart; P2034 is a write conflict or deadlock. */
export const postgresDialect: Dialect = {
  name: 'postgresql',
  likeIsCaseSensitive: true,
  estimatesBigCounts: true,
  joinWithCommas: (expression) => `string_agg(${expression}, ',')`,
  isRetryable: (error) => isPrismaKnownError(error, 'P2034'),
};
