import type { TokenView } from '../core/types.js';

/** The flat params AdminJS shows for a token: built from the safe view, so no hash can slip in. */
export function tokenParams(token: TokenView): Record<string, unknown> {
  return {
    id: token.id,
    name: token.name,
    description: token.description,
    type: token.type === 'api_key' ? 'API key' : token.type,
    status: token.status,
    enabled: token.enabled,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    neverExpires: token.expiresAt === null,
    maskedToken: token.maskedToken,
    lastFour: token.lastFour,
    tags: token.tags.join(', '),
    roles: token.roles.map((r) => r.name).join(', '),
    roleIds: token.roles.map((r) => r.id).join(','),
    scopes: token.scopes.join(' '),
    allowedIps: token.allowedIps.join(', '),
    ownerId: token.ownerId,
    ownerEmail: token.ownerEmail,
    createdById: token.createdById,
    createdByEmail: token.createdByEmail,
    createdAt: token.createdAt.toISOString(),
    updatedAt: token.updatedAt.toISOString(),
    secretIssuedAt: token.secretIssuedAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: token.lastUsedIp,
    previousSecretExpiresAt: token.previousSecretExpiresAt?.toISOString() ?? null,
  };
}
