import type { Prisma, PrismaClient } from '@prisma/client';

/** Waits this long for the connection (SQLite: for a transaction in progress to end). */
const MAX_WAIT_MS = 10_000;
const TIMEOUT_MS = 20_000;

/**
 * Runs a background write (request-log batch, last-used flush, retention batch) in a transaction
 * of its own.
 *
 * On SQLite the Prisma adapter has one connection: a statement sent while another transaction is
 * open on it (a token rotation in progress, say) runs inside that transaction and is undone if it
 * rolls back, while its caller believes it written. A one-element `$transaction([query])` batch
 * does not prevent that: Prisma sends it without BEGIN (counted at the driver adapter), so an
 * interactive transaction is used, which the adapter runs one at a time.
 */
export function inOwnTransaction<T>(prisma: PrismaClient, write: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(write, { maxWait: MAX_WAIT_MS, timeout: TIMEOUT_MS });
}
