import type { Prisma } from '@prisma/client';
import { maskToken } from './token-format.js';
import { tokenStatus } from './status.js';
import type { RoleView, TokenView } from './types.js';

/** What every token read loads: enough for a view, and never more than a view shows. */
export const tokenInclude = {
  tags: { orderBy: { tag: 'asc' } },
  roles: { include: { role: true }, orderBy: { assignedAt: 'asc' } },
} satisfies Prisma.ApiTokenInclude;

export type TokenRow = Prisma.ApiTokenGetPayload<{ include: typeof tokenInclude }>;

export function jsonStringArray(value: Prisma.JsonValue): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function roleView(role: { id: string; name: string; description: string; scopes: Prisma.JsonValue }): RoleView {
  return { id: role.id, name: role.name, description: role.description, scopes: jsonStringArray(role.scopes) };
}

export function toTokenView(row: TokenRow, prefix: string, now: Date): TokenView {
  const roles = row.roles.map((assignment) => roleView(assignment.role));
  const scopes = [...new Set(roles.flatMap((role) => role.scopes))].sort();
  const graceActive = row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    type: row.type,
    status: tokenStatus(row, now),
    enabled: row.enabled,
    expiresAt: row.expiresAt,
    lastFour: row.lastFour,
    maskedToken: maskToken(prefix, row.lastFour),
    tags: row.tags.map((t) => t.tag),
    roles,
    scopes,
    allowedIps: jsonStringArray(row.allowedIps),
    ownerId: row.ownerId,
    ownerEmail: row.ownerEmail,
    createdById: row.createdById,
    createdByEmail: row.createdByEmail,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    secretIssuedAt: row.secretIssuedAt,
    lastUsedAt: row.lastUsedAt,
    lastUsedIp: row.lastUsedIp,
    previousSecretExpiresAt: graceActive ? row.previousSecretExpiresAt : null,
  };
}
