import type { Prisma, PrismaClient } from '@prisma/client';
import { dialectOf } from './dialect-of.js';

/** Waits this long for the connection (SQLite: for a transaction in progress to end). */
const MAX_WAIT_MS = 10_000;
const TIMEOUT_MS = 20_000;
/**
 * Tries in all when the database says to try again (see Dialect.isRetryable). The delays double
 * from 10 ms, so the last try comes about 1 to 2.5 s after the first: on a loaded machine another
 * host's transactions on a SQLite file can keep it busy for longer than five quick tries.
 */
const ATTEMPTS = 8;
const FIRST_RETRY_DELAY_MS = 10;

/**
 * Runs a write in a transaction of its own, run again a few times when the database asks for it
 * (its dialect's isRetryable): background writes (request-log batch, last-used flush, retention
 * batch, expiry-notice claim), and an admin's changes to tokens, roles and grants, which on a
 * database shared by several hosts can meet another host's change at the same moment. `write`
 * must be safe to run again: everything it does is in the transaction, and nothing is told
 * before it commits.
 *
 * On SQLite the Prisma adapter has one connection: a statement sent while another transaction is
 * open on it (a token rotation in progress, say) runs inside that transaction and is undone if it
 * rolls back, while its caller believes it written. A one-element `$transaction([query])` batch
 * does not prevent that: Prisma sends it without BEGIN (counted at the driver adapter), so an
 * interactive transaction is used, which the adapter runs one at a time.
 */
export async function inOwnTransaction<T>(prisma: PrismaClient, write: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  const { isRetryable } = dialectOf(prisma);
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(write, { maxWait: MAX_WAIT_MS, timeout: TIMEOUT_MS });
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      // Spread out, so that two processes that collided do not collide again.
      const delay = FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1) * (1 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
