-- AlterTable
ALTER TABLE "ApiTokenLeakReport" ADD COLUMN     "createdByEmail" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "createdById" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "mailAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "mailClaimId" TEXT,
ADD COLUMN     "mailClaimedAt" TIMESTAMP(3),
ADD COLUMN     "mailGivenUpAt" TIMESTAMP(3),
ADD COLUMN     "mailLastError" TEXT,
ADD COLUMN     "mailSentAt" TIMESTAMP(3),
ADD COLUMN     "ownerEmail" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "ownerId" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "ApiTokenLeakReport_mailSentAt_reportedAt_idx" ON "ApiTokenLeakReport"("mailSentAt", "reportedAt");

-- Reports made before this migration were e-mailed when made, or the failure logged: the jobs do
-- not send them again.
UPDATE "ApiTokenLeakReport" SET "mailGivenUpAt" = CURRENT_TIMESTAMP, "mailLastError" = 'reported before leak e-mails were retried';
