-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL DEFAULT 'api_key',
    "secretHash" TEXT NOT NULL,
    "lastFour" TEXT NOT NULL,
    "previousSecretHash" TEXT,
    "previousSecretExpiresAt" DATETIME,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "expiresAt" DATETIME,
    "allowedIps" JSONB NOT NULL,
    "ownerId" TEXT NOT NULL,
    "ownerEmail" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdByEmail" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "secretIssuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "lastUsedIp" TEXT
);

-- CreateTable
CREATE TABLE "ApiTokenTag" (
    "tokenId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    PRIMARY KEY ("tokenId", "tag"),
    CONSTRAINT "ApiTokenTag_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "ApiToken" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiRole" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "scopes" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ApiTokenRole" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenId" TEXT NOT NULL,
    "roleId" TEXT NOT NULL,
    "assignedById" TEXT NOT NULL,
    "assignedByEmail" TEXT NOT NULL,
    "assignedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApiTokenRole_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "ApiToken" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApiTokenRole_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "ApiRole" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiRequestLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tokenId" TEXT NOT NULL,
    "tokenName" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "ip" TEXT NOT NULL,
    "userAgent" TEXT NOT NULL DEFAULT '',
    "durationMs" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ApiTokenExpiryNotice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "claimedAt" DATETIME,
    "claimId" TEXT,
    "sentAt" DATETIME,
    "recipients" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ApiAuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT NOT NULL,
    "actorEmail" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "tokenId" TEXT,
    "tokenName" TEXT,
    "details" JSONB NOT NULL
);

-- CreateTable
CREATE TABLE "ApiTokenAdminGrant" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "userEmail" TEXT NOT NULL,
    "grantedById" TEXT NOT NULL,
    "grantedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ApiTokenOwnerLock" (
    "ownerId" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "AdminUser" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'admin',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "lastSignInAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "sid" TEXT NOT NULL PRIMARY KEY,
    "data" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_name_key" ON "ApiToken"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_secretHash_key" ON "ApiToken"("secretHash");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_previousSecretHash_key" ON "ApiToken"("previousSecretHash");

-- CreateIndex
CREATE INDEX "ApiToken_ownerId_enabled_expiresAt_idx" ON "ApiToken"("ownerId", "enabled", "expiresAt");

-- CreateIndex
CREATE INDEX "ApiToken_expiresAt_idx" ON "ApiToken"("expiresAt");

-- CreateIndex
CREATE INDEX "ApiToken_createdAt_idx" ON "ApiToken"("createdAt");

-- CreateIndex
CREATE INDEX "ApiToken_enabled_expiresAt_idx" ON "ApiToken"("enabled", "expiresAt");

-- CreateIndex
CREATE INDEX "ApiToken_enabled_createdAt_idx" ON "ApiToken"("enabled", "createdAt");

-- CreateIndex
CREATE INDEX "ApiTokenTag_tag_idx" ON "ApiTokenTag"("tag");

-- CreateIndex
CREATE UNIQUE INDEX "ApiRole_name_key" ON "ApiRole"("name");

-- CreateIndex
CREATE INDEX "ApiTokenRole_roleId_idx" ON "ApiTokenRole"("roleId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiTokenRole_tokenId_roleId_key" ON "ApiTokenRole"("tokenId", "roleId");

-- CreateIndex
CREATE INDEX "ApiRequestLog_tokenId_createdAt_idx" ON "ApiRequestLog"("tokenId", "createdAt");

-- CreateIndex
CREATE INDEX "ApiRequestLog_createdAt_idx" ON "ApiRequestLog"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiTokenExpiryNotice_tokenId_expiresAt_kind_key" ON "ApiTokenExpiryNotice"("tokenId", "expiresAt", "kind");

-- CreateIndex
CREATE INDEX "ApiAuditEvent_tokenId_createdAt_idx" ON "ApiAuditEvent"("tokenId", "createdAt");

-- CreateIndex
CREATE INDEX "ApiAuditEvent_createdAt_idx" ON "ApiAuditEvent"("createdAt");

-- CreateIndex
CREATE INDEX "ApiAuditEvent_action_createdAt_idx" ON "ApiAuditEvent"("action", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AdminUser_email_key" ON "AdminUser"("email");

-- CreateIndex
CREATE INDEX "AdminSession_expiresAt_idx" ON "AdminSession"("expiresAt");

