import type { Prisma, PrismaClient } from '@prisma/client';
import type { LeakReportRecord } from '../core/store.js';

/** The columns of a leak report the rest of the system sees: never its secret's hash. */
export const leakReportSelect = {
  id: true,
  tokenId: true,
  tokenName: true,
  url: true,
  source: true,
  reporter: true,
  action: true,
  reportedAt: true,
} as const satisfies Prisma.ApiTokenLeakReportSelect;

/** Tokens with one of these secrets, current or previous (a rotation's grace period). */
export const bySecret = (hashes: readonly string[]): Prisma.ApiTokenWhereInput => ({
  OR: [{ secretHash: { in: [...hashes] } }, { previousSecretHash: { in: [...hashes] } }],
});

export function findLeakReport(db: PrismaClient | Prisma.TransactionClient, secretHash: string): Promise<LeakReportRecord | null> {
  return db.apiTokenLeakReport.findUnique({ where: { secretHash }, select: leakReportSelect });
}
