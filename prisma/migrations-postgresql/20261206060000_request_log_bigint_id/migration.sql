-- "ApiRequestLog"."id" becomes 64-bit: a 32-bit sequence runs out after 2^31 rows (under 2.5 days
-- at 10,000 requests a second), and every insert fails from then on. This is Prisma's SERIAL to
-- BIGSERIAL, written out: Prisma's own statement would re-make the primary key as ("id") alone,
-- which a table partitioned by "createdAt" cannot have (its key is ("id", "createdAt")).
-- The column's type changes on the partitioned table and every partition with it (each rewritten,
-- its indexes rebuilt, under an exclusive lock: minutes on tens of millions of rows); the
-- sequence's type and its maximum (2^31 - 1 for SERIAL's) with it, so that it counts on to 2^63 - 1.
ALTER TABLE "ApiRequestLog" ALTER COLUMN "id" TYPE BIGINT;
ALTER SEQUENCE "ApiRequestLog_id_seq" AS BIGINT;
