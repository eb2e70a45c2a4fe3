-- CreateTable
CREATE TABLE "ApiTokenLeakReport" (
    "id" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "tokenId" TEXT NOT NULL,
    "tokenName" TEXT NOT NULL,
    "url" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL,
    "reporter" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reportedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiTokenLeakReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiTokenLeakReport_secretHash_key" ON "ApiTokenLeakReport"("secretHash");

-- CreateIndex
CREATE INDEX "ApiTokenLeakReport_tokenId_reportedAt_idx" ON "ApiTokenLeakReport"("tokenId", "reportedAt");

