import type { Prisma } from '@prisma/client';
import type { TokenRecord } from '../core/store.js';
import type { RoleView } from '../core/types.js';

/** What every token read loads: the row, its tags and its roles. */
export const tokenInclude = {
  tags: { orderBy: { tag: 'asc' } },
  roles: { include: { role: true }, orderBy: { assignedAt: 'asc' } },
} satisfies Prisma.ApiTokenInclude;

type TokenRow = Prisma.ApiTokenGetPayload<{ include: typeof tokenInclude }>;

/** The strings of a JSON array column; anything else is an empty list. */
export function jsonStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function roleRecord(role: { id: string; name: string; description: string; scopes: Prisma.JsonValue }): RoleView {
  return { id: role.id, name: role.name, description: role.description, scopes: jsonStringArray(role.scopes) };
}

export function tokenRecord(row: TokenRow): TokenRecord {
  const { tags, roles, allowedIps, ...columns } = row;
  return { ...columns, allowedIps: jsonStringArray(allowedIps), tags: tags.map((t) => t.tag), roles: roles.map((a) => roleRecord(a.role)) };
}
