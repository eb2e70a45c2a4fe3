-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApiTokenLeakReport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "secretHash" TEXT NOT NULL,
    "tokenId" TEXT NOT NULL,
    "tokenName" TEXT NOT NULL,
    "url" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL,
    "reporter" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reportedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ownerId" TEXT NOT NULL DEFAULT '',
    "ownerEmail" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT NOT NULL DEFAULT '',
    "createdByEmail" TEXT NOT NULL DEFAULT '',
    "mailSentAt" DATETIME,
    "mailClaimedAt" DATETIME,
    "mailClaimId" TEXT,
    "mailAttempts" INTEGER NOT NULL DEFAULT 0,
    "mailLastError" TEXT,
    "mailGivenUpAt" DATETIME
);
INSERT INTO "new_ApiTokenLeakReport" ("action", "id", "reportedAt", "reporter", "secretHash", "source", "tokenId", "tokenName", "url") SELECT "action", "id", "reportedAt", "reporter", "secretHash", "source", "tokenId", "tokenName", "url" FROM "ApiTokenLeakReport";
DROP TABLE "ApiTokenLeakReport";
ALTER TABLE "new_ApiTokenLeakReport" RENAME TO "ApiTokenLeakReport";
CREATE UNIQUE INDEX "ApiTokenLeakReport_secretHash_key" ON "ApiTokenLeakReport"("secretHash");
CREATE INDEX "ApiTokenLeakReport_tokenId_reportedAt_idx" ON "ApiTokenLeakReport"("tokenId", "reportedAt");
CREATE INDEX "ApiTokenLeakReport_mailSentAt_reportedAt_idx" ON "ApiTokenLeakReport"("mailSentAt", "reportedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Reports made before this migration were e-mailed when made, or the failure logged: the jobs do
-- not send them again.
UPDATE "ApiTokenLeakReport" SET "mailGivenUpAt" = CURRENT_TIMESTAMP, "mailLastError" = 'reported before leak e-mails were retried';
