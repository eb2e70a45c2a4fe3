import type { Prisma } from '@prisma/client';
import type { StoreTransaction } from '../core/store.js';
import { insertAuditEvent } from './audit.js';
import { bySecret, findLeakReport, leakReportData, leakReportSelect } from './leak-reports.js';
import { roleRecord, tokenInclude, tokenRecord } from './records.js';
import { statusWhere } from './token-list.js';

/** The store's statements inside one Prisma interactive transaction. */
export function storeTransaction(tx: Prisma.TransactionClient): StoreTransaction {
  return {
    async lockOwner(ownerId) {
      // One statement, so that two transactions creating an owner's first lock row never both
      // insert (Prisma's upsert may read first); the upsert takes a row lock that a concurrent
      // transaction for the same owner waits on. Standard SQL that SQLite and PostgreSQL both run.
      await tx.$executeRaw`INSERT INTO "ApiTokenOwnerLock" ("ownerId", "version") VALUES (${ownerId}, 1)
        ON CONFLICT ("ownerId") DO UPDATE SET "version" = "ApiTokenOwnerLock"."version" + 1`;
    },
    countActiveTokens: (ownerId, now, exceptTokenId) =>
      tx.apiToken.count({ where: { ownerId, ...statusWhere('active', now), ...(exceptTokenId ? { id: { not: exceptTokenId } } : {}) } }),
    async tokenIdByName(name) {
      return (await tx.apiToken.findUnique({ where: { name }, select: { id: true } }))?.id ?? null;
    },
    async findToken(id) {
      const row = await tx.apiToken.findUnique({ where: { id }, include: tokenInclude });
      return row ? tokenRecord(row) : null;
    },
    async insertToken(token) {
      const row = await tx.apiToken.create({
        data: {
          name: token.name,
          description: token.description,
          secretHash: token.secretHash,
          lastFour: token.lastFour,
          expiresAt: token.expiresAt,
          allowedIps: token.allowedIps,
          ownerId: token.ownerId,
          ownerEmail: token.ownerEmail,
          createdById: token.createdBy.id,
          createdByEmail: token.createdBy.email,
          createdAt: token.createdAt,
          secretIssuedAt: token.createdAt,
          tags: { create: token.tags.map((tag) => ({ tag })) },
          roles: {
            create: token.roleIds.map((roleId) => ({
              roleId,
              assignedById: token.createdBy.id,
              assignedByEmail: token.createdBy.email,
              assignedAt: token.createdAt,
            })),
          },
        },
        include: tokenInclude,
      });
      return tokenRecord(row);
    },
    async updateToken(id, changes) {
      return tokenRecord(await tx.apiToken.update({ where: { id }, data: changes, include: tokenInclude }));
    },
    async replaceTags(tokenId, tags) {
      await tx.apiTokenTag.deleteMany({ where: { tokenId } });
      await tx.apiTokenTag.createMany({ data: tags.map((tag) => ({ tokenId, tag })) });
    },
    async changeRoles(tokenId, removed, added, by, at) {
      await tx.apiTokenRole.deleteMany({ where: { tokenId, roleId: { in: [...removed] } } });
      await tx.apiTokenRole.createMany({
        data: added.map((roleId) => ({ tokenId, roleId, assignedById: by.id, assignedByEmail: by.email, assignedAt: at })),
      });
    },
    async deleteTokens(ids) {
      return (await tx.apiToken.deleteMany({ where: { id: { in: [...ids] } } })).count;
    },
    async findRoles(ids) {
      return (await tx.apiRole.findMany({ where: { id: { in: [...ids] } } })).map(roleRecord);
    },
    async findRole(id) {
      const role = await tx.apiRole.findUnique({ where: { id }, include: { tokens: { select: { tokenId: true } } } });
      return role ? { role: roleRecord(role), tokenIds: role.tokens.map((t) => t.tokenId) } : null;
    },
    async findTokenBySecret(secretHash) {
      const row = await tx.apiToken.findFirst({ where: bySecret([secretHash]), include: tokenInclude });
      return row ? tokenRecord(row) : null;
    },
    findLeakReport: (secretHash) => findLeakReport(tx, secretHash),
    insertLeakReport: (report) => tx.apiTokenLeakReport.create({ data: leakReportData(report), select: leakReportSelect }),
    async findRoleByName(name) {
      const role = await tx.apiRole.findUnique({ where: { name }, include: { tokens: { select: { tokenId: true } } } });
      return role ? { role: roleRecord(role), tokenIds: role.tokens.map((t) => t.tokenId) } : null;
    },
    async lockRole(name) {
      // A write that changes nothing: the row lock on PostgreSQL, the write lock on SQLite.
      await tx.$executeRaw`UPDATE "ApiRole" SET "description" = "description" WHERE "name" = ${name}`;
    },
    async insertRole(role, at) {
      return roleRecord(await tx.apiRole.create({ data: { ...role, createdAt: at } }));
    },
    async updateRole(id, role) {
      return roleRecord(await tx.apiRole.update({ where: { id }, data: role }));
    },
    async deleteRole(id) {
      await tx.apiRole.delete({ where: { id } });
    },
    findGrant: (userId) => tx.apiTokenAdminGrant.findUnique({ where: { userId }, select: { userId: true, userEmail: true } }),
    async insertGrant(grant) {
      await tx.apiTokenAdminGrant.create({ data: grant });
    },
    async deleteGrant(userId) {
      await tx.apiTokenAdminGrant.delete({ where: { userId } });
    },
    recordAudit: (event) => insertAuditEvent(tx, event),
  };
}
