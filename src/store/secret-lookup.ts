import { Prisma, type PrismaClient } from '@prisma/client';
import type { SecretMatch } from '../core/store.js';
import { jsonStringArray } from './records.js';

/** A row of the lookup: the token once per role (once, with null scopes, without roles). */
interface TokenRoleRow {
  id: string;
  name: string;
  ownerId: string;
  ownerEmail: string;
  enabled: unknown;
  expiresAt: unknown;
  allowedIps: unknown;
  secretHash: string;
  previousSecretHash: string | null;
  previousSecretExpiresAt: unknown;
  scopes: unknown;
}

// A raw query's values arrive as each driver gives them (a Date or a string, a boolean or 0/1,
// parsed JSON or its text): normalise them the way the model query would.
function rawBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1' || value === 'true';
}

function rawTime(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const time = value instanceof Date ? value.getTime() : new Date(value as string | number).getTime();
  return Number.isNaN(time) ? null : time;
}

function rawJson(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

/**
 * The tokens whose current or previous secret has one of these hashes, each with the scopes of
 * all its roles. One statement for the tokens and their roles' scopes (Prisma's findFirst with
 * the nested roles sends three per token); standard SQL for SQLite and PostgreSQL, built as one
 * Prisma.sql and passed as an argument (PostgreSQL's separately generated client has its own Sql
 * class and would bind a fragment of this one as a value).
 */
export async function findBySecretHashes(prisma: PrismaClient, hashes: readonly string[]): Promise<SecretMatch[]> {
  const list = Prisma.join([...hashes]);
  const rows = await prisma.$queryRaw<TokenRoleRow[]>(Prisma.sql`
    SELECT t."id", t."name", t."ownerId", t."ownerEmail", t."enabled", t."expiresAt", t."allowedIps",
           t."secretHash", t."previousSecretHash", t."previousSecretExpiresAt", r."scopes"
    FROM "ApiToken" t
    LEFT JOIN "ApiTokenRole" a ON a."tokenId" = t."id"
    LEFT JOIN "ApiRole" r ON r."id" = a."roleId"
    WHERE t."secretHash" IN (${list}) OR t."previousSecretHash" IN (${list})`);
  const byToken = new Map<string, TokenRoleRow[]>();
  for (const row of rows) {
    const same = byToken.get(row.id);
    if (same) same.push(row);
    else byToken.set(row.id, [row]);
  }
  return [...byToken.values()].map((roleRows) => {
    const row = roleRows[0]!;
    return {
      id: row.id,
      name: row.name,
      ownerId: row.ownerId,
      ownerEmail: row.ownerEmail,
      enabled: rawBoolean(row.enabled),
      expiresAt: rawTime(row.expiresAt),
      allowedIps: jsonStringArray(rawJson(row.allowedIps)),
      secretHash: row.secretHash,
      previousSecretHash: row.previousSecretHash,
      previousSecretExpiresAt: rawTime(row.previousSecretExpiresAt),
      scopes: [...new Set(roleRows.flatMap((r) => jsonStringArray(rawJson(r.scopes))))].sort(),
    };
  });
}
