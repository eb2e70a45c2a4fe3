-- The overview's idle lists read the first tokens of this index in its order: those used before a
-- time, longest unused first, and those never used (NULL), oldest first, without sorting every token.
-- CreateIndex
CREATE INDEX "ApiToken_lastUsedAt_createdAt_id_idx" ON "ApiToken"("lastUsedAt", "createdAt", "id");
