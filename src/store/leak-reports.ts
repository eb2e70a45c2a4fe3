import type { Prisma, PrismaClient } from '@prisma/client';
import type { LeakMailCursor, LeakMailQueries, LeakMailRecord, LeakReportRecord, NewLeakReport } from '../core/store.js';
import { inOwnTransaction } from './own-transaction.js';

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

/** The row of a new report: with the e-mail claimed for the reporting process when it mails. */
export function leakReportData(report: NewLeakReport): Prisma.ApiTokenLeakReportCreateInput {
  const { people, mailClaimId, ...fields } = report;
  return {
    ...fields,
    ...people,
    mailClaimId,
    mailClaimedAt: mailClaimId ? report.reportedAt : null,
    mailAttempts: mailClaimId ? 1 : 0,
  };
}

const leakMailSelect = {
  ...leakReportSelect,
  ownerId: true,
  ownerEmail: true,
  createdById: true,
  createdByEmail: true,
  mailAttempts: true,
  mailLastError: true,
} as const satisfies Prisma.ApiTokenLeakReportSelect;

type LeakMailRow = Prisma.ApiTokenLeakReportGetPayload<{ select: typeof leakMailSelect }>;

function leakMailRecord(row: LeakMailRow): LeakMailRecord {
  const { ownerId, ownerEmail, createdById, createdByEmail, mailAttempts, mailLastError, ...report } = row;
  return { ...report, people: { ownerId, ownerEmail, createdById, createdByEmail }, attempts: mailAttempts, lastError: mailLastError };
}

/** Unsent, not given up, and claimed by nobody (or by a run that died: its claim is older than the lease). */
const unclaimed = (staleBefore: Date): Prisma.ApiTokenLeakReportWhereInput => ({
  mailSentAt: null,
  mailGivenUpAt: null,
  OR: [{ mailClaimedAt: null }, { mailClaimedAt: { lt: staleBefore } }],
});

/** After the cursor in (reportedAt, id) order: stable while the rows listed change. */
const afterCursor = (after: LeakMailCursor | null): Prisma.ApiTokenLeakReportWhereInput =>
  after ? { OR: [{ reportedAt: { gt: after.reportedAt } }, { reportedAt: after.reportedAt, id: { gt: after.id } }] } : {};

const oldestFirst = [{ reportedAt: 'asc' }, { id: 'asc' }] as const satisfies Prisma.ApiTokenLeakReportOrderByWithRelationInput[];

/**
 * The leak e-mails' claims, as the expiry notices' (src/jobs/expiry-notifier.ts): each write one
 * conditional statement in a transaction of its own (see inOwnTransaction), so that on SQLite it
 * cannot join a transaction open in this process and be undone with it.
 */
export function leakMailQueries(prisma: PrismaClient): LeakMailQueries {
  return {
    async due({ since, staleBefore, after, take }) {
      const rows = await prisma.apiTokenLeakReport.findMany({
        where: { AND: [unclaimed(staleBefore), { reportedAt: { gte: since } }, afterCursor(after)] },
        select: leakMailSelect,
        orderBy: [...oldestFirst],
        take,
      });
      return rows.map(leakMailRecord);
    },
    async overdue({ before, staleBefore, after, take }) {
      const rows = await prisma.apiTokenLeakReport.findMany({
        where: { AND: [unclaimed(staleBefore), { reportedAt: { lt: before } }, afterCursor(after)] },
        select: leakMailSelect,
        orderBy: [...oldestFirst],
        take,
      });
      return rows.map(leakMailRecord);
    },
    async claim(reportId, claimId, at, { since, staleBefore }) {
      const taken = await inOwnTransaction(prisma, (tx) =>
        tx.apiTokenLeakReport.updateMany({
          where: { AND: [{ id: reportId, reportedAt: { gte: since } }, unclaimed(staleBefore)] },
          data: { mailClaimedAt: at, mailClaimId: claimId, mailAttempts: { increment: 1 } },
        }),
      );
      return taken.count === 1;
    },
    async markSent(reportId, claimId, at, note) {
      const marked = await inOwnTransaction(prisma, (tx) =>
        tx.apiTokenLeakReport.updateMany({
          where: { id: reportId, mailClaimId: claimId, mailSentAt: null },
          data: { mailSentAt: at, mailLastError: note },
        }),
      );
      return marked.count === 1;
    },
    async release(reportId, claimId, lastError) {
      await inOwnTransaction(prisma, (tx) =>
        tx.apiTokenLeakReport.updateMany({
          where: { id: reportId, mailClaimId: claimId, mailSentAt: null },
          data: { mailClaimedAt: null, mailClaimId: null, mailLastError: lastError },
        }),
      );
    },
    async giveUp(reportId, at, { before, staleBefore }, note) {
      const given = await inOwnTransaction(prisma, (tx) =>
        tx.apiTokenLeakReport.updateMany({
          where: { AND: [{ id: reportId, reportedAt: { lt: before } }, unclaimed(staleBefore)] },
          data: { mailGivenUpAt: at, mailClaimedAt: null, mailClaimId: null, mailLastError: note },
        }),
      );
      return given.count === 1;
    },
  };
}
