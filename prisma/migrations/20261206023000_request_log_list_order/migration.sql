-- A list of request logs is ordered by ("createdAt", "id"), newest first. With "id" in the index,
-- PostgreSQL reads a page straight from it (on a partitioned table, partition by partition from
-- the newest) instead of sorting every matching row; SQLite's indexes carry the rowid already.
DROP INDEX "ApiRequestLog_tokenId_createdAt_idx";
DROP INDEX "ApiRequestLog_createdAt_idx";
CREATE INDEX "ApiRequestLog_tokenId_createdAt_id_idx" ON "ApiRequestLog"("tokenId", "createdAt", "id");
CREATE INDEX "ApiRequestLog_createdAt_id_idx" ON "ApiRequestLog"("createdAt", "id");
