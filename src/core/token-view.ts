import type { TokenRecord } from './store.js';
import { maskToken } from './token-format.js';
import { tokenStatus } from './status.js';
import type { TokenView } from './types.js';

export function toTokenView(record: TokenRecord, prefix: string, now: Date): TokenView {
  const scopes = [...new Set(record.roles.flatMap((role) => role.scopes))].sort();
  const graceActive = record.previousSecretExpiresAt !== null && record.previousSecretExpiresAt > now;
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    type: record.type,
    status: tokenStatus(record, now),
    enabled: record.enabled,
    expiresAt: record.expiresAt,
    lastFour: record.lastFour,
    maskedToken: maskToken(prefix, record.lastFour),
    tags: record.tags,
    roles: record.roles,
    scopes,
    allowedIps: record.allowedIps,
    ownerId: record.ownerId,
    ownerEmail: record.ownerEmail,
    createdById: record.createdById,
    createdByEmail: record.createdByEmail,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    secretIssuedAt: record.secretIssuedAt,
    lastUsedAt: record.lastUsedAt,
    lastUsedIp: record.lastUsedIp,
    previousSecretExpiresAt: graceActive ? record.previousSecretExpiresAt : null,
  };
}
