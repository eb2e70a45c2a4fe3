-- Written by hand: Prisma's schema cannot declare a partitioned table.
-- "ApiRequestLog" becomes partitioned by range of "createdAt", one partition a UTC day named
-- ApiRequestLog_YYYYMMDD, and a default partition for rows of a day without one. The request-log
-- retention job creates the coming days' partitions and drops the days past the retention period
-- (src/request-log/postgres-partitions.ts). A partitioned table's primary key must hold the
-- partition key, so it is ("id", "createdAt"); Prisma's model keeps "id" as its identifier, which
-- stays unique (one sequence numbers every row). Existing rows move into the new table.
ALTER TABLE "ApiRequestLog" RENAME TO "ApiRequestLog_unpartitioned";
ALTER TABLE "ApiRequestLog_unpartitioned" RENAME CONSTRAINT "ApiRequestLog_pkey" TO "ApiRequestLog_unpartitioned_pkey";
ALTER INDEX "ApiRequestLog_tokenId_createdAt_idx" RENAME TO "ApiRequestLog_unpartitioned_tokenId_createdAt_idx";
ALTER INDEX "ApiRequestLog_createdAt_idx" RENAME TO "ApiRequestLog_unpartitioned_createdAt_idx";

CREATE TABLE "ApiRequestLog" (
    "id" INTEGER NOT NULL DEFAULT nextval('"ApiRequestLog_id_seq"'),
    "tokenId" TEXT NOT NULL,
    "tokenName" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "ip" TEXT NOT NULL,
    "userAgent" TEXT NOT NULL DEFAULT '',
    "durationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiRequestLog_pkey" PRIMARY KEY ("id", "createdAt")
) PARTITION BY RANGE ("createdAt");
ALTER SEQUENCE "ApiRequestLog_id_seq" OWNED BY "ApiRequestLog"."id";
CREATE INDEX "ApiRequestLog_tokenId_createdAt_idx" ON "ApiRequestLog"("tokenId", "createdAt");
CREATE INDEX "ApiRequestLog_createdAt_idx" ON "ApiRequestLog"("createdAt");
CREATE TABLE "ApiRequestLog_default" PARTITION OF "ApiRequestLog" DEFAULT;

-- A partition for each day from the oldest row kept to a week ahead (as the job keeps them).
DO $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  first date;
  d date;
BEGIN
  SELECT LEAST(COALESCE(MIN("createdAt")::date, today), today) INTO first FROM "ApiRequestLog_unpartitioned";
  FOR d IN SELECT generate_series(first, today + 7, interval '1 day')::date LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "ApiRequestLog" FOR VALUES FROM (%L) TO (%L)',
      'ApiRequestLog_' || to_char(d, 'YYYYMMDD'), d::timestamp, (d + 1)::timestamp);
  END LOOP;
END $$;

INSERT INTO "ApiRequestLog" ("id", "tokenId", "tokenName", "method", "path", "status", "ip", "userAgent", "durationMs", "createdAt")
SELECT "id", "tokenId", "tokenName", "method", "path", "status", "ip", "userAgent", "durationMs", "createdAt" FROM "ApiRequestLog_unpartitioned";
DROP TABLE "ApiRequestLog_unpartitioned";
