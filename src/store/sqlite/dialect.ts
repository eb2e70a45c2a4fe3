import type { Dialect } from '../dialect.js';
import { isPrismaKnownError, rawQueryDriverCode } from '../prisma-errors.js';

/**
 * SQLite through Prisma's better-sqlite3 adapter. LIKE ignores case. A transaction that read and
 * then writes after another process wrote fails at once whatever the busy timeout (its snapshot
 * is stale; on the adapter's one connection a read from elsewhere in this process can run inside
 * a transaction once it is open): the adapter reports plain SQLITE_BUSY as P1008, and the
 * extended code SQLITE_BUSY_SNAPSHOT ("database is locked") under its own name; from a raw
 * statement either comes as P2010 ("raw query failed") with the driver's code in its meta.
 */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  likeIsCaseSensitive: false,
  estimatesBigCounts: false,
  joinWithCommas: (expression) => `group_concat(${expression}, ',')`,
  isRetryable: (error) =>
    isPrismaKnownError(error, 'P1008') ||
    isPrismaKnownError(error, 'SQLITE_BUSY_SNAPSHOT') ||
    (isPrismaKnownError(error, 'P2010') && rawQueryDriverCode(error.meta)?.startsWith('SQLITE_BUSY') === true),
};
