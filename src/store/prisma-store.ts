import type { PrismaClient } from '@prisma/client';
import { UniqueViolation, type TokenStore } from '../core/store.js';
import { insertAuditEvent, lastDeletion } from './audit.js';
import { bySecret, findLeakReport, leakMailQueries, leakReportSelect } from './leak-reports.js';
import type { Dialect } from './dialect.js';
import { dialectOf } from './dialect-of.js';
import { lastUsedStatement } from './last-used.js';
import { inOwnTransaction } from './own-transaction.js';
import { isPrismaKnownError, uniqueViolationFields } from './prisma-errors.js';
import { roleRecord, tokenInclude, tokenRecord } from './records.js';
import { listRequestLogs, requestLogsBefore } from './request-logs.js';
import { findBySecretHashes } from './secret-lookup.js';
import { listTokens } from './token-list.js';
import { storeTransaction } from './transaction.js';
import { usageQueries } from './usage.js';

/**
 * The store on a PrismaClient of either database: standard SQL throughout, with what differs in
 * its dialect (sqlite/, postgres/), taken from the client when first needed.
 */
export function prismaStore(prisma: PrismaClient, dialect?: Dialect): TokenStore {
  let known = dialect;
  const dialectNow = () => (known ??= dialectOf(prisma));
  return {
    async transaction(work) {
      try {
        return await inOwnTransaction(prisma, (tx) => work(storeTransaction(tx)));
      } catch (error) {
        if (isPrismaKnownError(error, 'P2002')) throw new UniqueViolation(uniqueViolationFields(error).join(','), { cause: error });
        throw error;
      }
    },
    async findToken(id) {
      const row = await prisma.apiToken.findUnique({ where: { id }, include: tokenInclude });
      return row ? tokenRecord(row) : null;
    },
    async findTokens(ids) {
      return (await prisma.apiToken.findMany({ where: { id: { in: [...ids] } }, include: tokenInclude })).map(tokenRecord);
    },
    listTokens: (query) => listTokens(prisma, dialectNow(), query),
    async ownsToken(tokenId, ownerId) {
      return (await prisma.apiToken.count({ where: { id: tokenId, ownerId } })) > 0;
    },
    async listRoles() {
      return (await prisma.apiRole.findMany({ orderBy: { name: 'asc' } })).map(roleRecord);
    },
    async hasGrant(userId) {
      return (await prisma.apiTokenAdminGrant.findUnique({ where: { userId } })) !== null;
    },
    countGrants: () => prisma.apiTokenAdminGrant.count(),
    listRequestLogs: (query) => listRequestLogs(prisma, dialectNow(), query),
    requestLogsBefore: (scope, after, take) => requestLogsBefore(prisma, scope, after, take),
    syncUserEmail: (userId, email) =>
      // Plain UPDATEs: Prisma's updateMany would move the tokens' @updatedAt.
      inOwnTransaction(prisma, async (tx) => ({
        owned: await tx.$executeRaw`UPDATE "ApiToken" SET "ownerEmail" = ${email} WHERE "ownerId" = ${userId} AND "ownerEmail" <> ${email}`,
        created: await tx.$executeRaw`UPDATE "ApiToken" SET "createdByEmail" = ${email} WHERE "createdById" = ${userId} AND "createdByEmail" <> ${email}`,
        grant: await tx.$executeRaw`UPDATE "ApiTokenAdminGrant" SET "userEmail" = ${email} WHERE "userId" = ${userId} AND "userEmail" <> ${email}`,
      })),
    findBySecretHashes: (hashes) => findBySecretHashes(prisma, hashes),
    async writeLastUsed(uses) {
      // In a transaction of its own (see inOwnTransaction).
      await inOwnTransaction(prisma, (tx) => tx.$executeRaw(lastUsedStatement(uses)));
    },
    recordAudit: (event) => inOwnTransaction(prisma, (tx) => insertAuditEvent(tx, event)),
    lastDeletion: (tokenId) => lastDeletion(prisma, tokenId),
    usage: usageQueries(prisma, dialectNow),
    async findTokensBySecret(hashes) {
      return (await prisma.apiToken.findMany({ where: bySecret(hashes), include: tokenInclude })).map(tokenRecord);
    },
    findLeakReport: (secretHash) => findLeakReport(prisma, secretHash),
    async reportedSecrets(hashes) {
      const reports = await prisma.apiTokenLeakReport.findMany({ where: { secretHash: { in: [...hashes] } }, select: { secretHash: true } });
      return new Set(reports.map((r) => r.secretHash));
    },
    leakReportsOf: (tokenId, take) =>
      prisma.apiTokenLeakReport.findMany({ where: { tokenId }, orderBy: { reportedAt: 'desc' }, take, select: leakReportSelect }),
    leakMail: leakMailQueries(prisma),
  };
}
