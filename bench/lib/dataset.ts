import Database from 'better-sqlite3';
import { generateToken, hashToken } from 'adminjs-api-access';
import { createTestDatabase } from '../../test/helpers/database.js';
import { freshPostgresDatabase, pgClient } from './postgres.js';

export const BENCH_PEPPER = 'bench-pepper-0123456789-abcdefghijklmnopqrstuvwxyz';
export const TOKEN_PREFIX = 'aat';
export const BENCH_SCOPE = 'vault-summary:read';

/** How Prisma's SQLite adapter stores a DateTime: ISO 8601 with an explicit UTC offset. */
export function sqliteDate(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/** A fresh SQLite file (WAL) with the project's real migrations applied. */
export const freshDatabase = createTestDatabase;

export function insertRole(db: Database.Database, role: { id: string; name: string; scopes: string[] }): void {
  const now = sqliteDate(new Date());
  db.prepare('INSERT INTO "ApiRole" ("id", "name", "description", "scopes", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)').run(
    role.id,
    role.name,
    '',
    JSON.stringify(role.scopes),
    now,
    now,
  );
}

export interface TokenSpec {
  count: number;
  /** Distinguishes token ids and names between calls. */
  idPrefix: string;
  ownerId: string;
  ownerEmail: string;
  /** Overrides ownerId/ownerEmail per token. */
  owner?: (i: number) => { id: string; email: string };
  roleIds: string[];
  /** Overrides roleIds per token. */
  roles?: (i: number) => string[];
  /** How many of the plaintext secrets to keep (the first ones), e.g. for a load generator. */
  keepSecrets: number;
  tags?: (i: number) => string[];
  enabled?: (i: number) => boolean;
  expiresAt?: (i: number) => Date | null;
  createdAt?: (i: number) => Date;
}

export interface InsertedTokens {
  ids: string[];
  secrets: string[];
}

/**
 * Inserts valid tokens directly (one transaction of prepared statements): real secrets from the
 * package's generator, their HMAC under the bench pepper, role assignments and tags.
 */
export function insertTokens(db: Database.Database, spec: TokenSpec): InsertedTokens {
  const insertToken = db.prepare(
    `INSERT INTO "ApiToken" ("id", "name", "description", "type", "secretHash", "lastFour", "enabled", "expiresAt", "allowedIps",
       "ownerId", "ownerEmail", "createdById", "createdByEmail", "createdAt", "updatedAt", "secretIssuedAt")
     VALUES (?, ?, ?, 'api_key', ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAssignment = db.prepare(
    'INSERT INTO "ApiTokenRole" ("id", "tokenId", "roleId", "assignedById", "assignedByEmail", "assignedAt") VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertTag = db.prepare('INSERT INTO "ApiTokenTag" ("tokenId", "tag") VALUES (?, ?)');
  const ids: string[] = [];
  const secrets: string[] = [];
  const base = Date.now();
  db.transaction(() => {
    for (let i = 0; i < spec.count; i++) {
      const id = `${spec.idPrefix}${i.toString(36).padStart(7, '0')}`;
      const secret = generateToken(TOKEN_PREFIX);
      const createdAt = sqliteDate(spec.createdAt?.(i) ?? new Date(base - (spec.count - i) * 1000));
      const expiresAt = spec.expiresAt?.(i);
      const owner = spec.owner?.(i) ?? { id: spec.ownerId, email: spec.ownerEmail };
      insertToken.run(
        id,
        `${spec.idPrefix} token ${i}`,
        `Bench token ${i}`,
        hashToken(BENCH_PEPPER, secret),
        secret.slice(-4),
        spec.enabled?.(i) === false ? 0 : 1,
        expiresAt ? sqliteDate(expiresAt) : null,
        owner.id,
        owner.email,
        owner.id,
        owner.email,
        createdAt,
        createdAt,
        createdAt,
      );
      for (const roleId of spec.roles?.(i) ?? spec.roleIds) insertAssignment.run(`${id}-${roleId}`, id, roleId, owner.id, owner.email, createdAt);
      for (const tag of spec.tags?.(i) ?? []) insertTag.run(id, tag);
      ids.push(id);
      if (i < spec.keepSecrets) secrets.push(secret);
    }
  })();
  return { ids, secrets };
}

export type Provider = 'sqlite' | 'postgres';

/** The database a figure runs on. */
export interface BenchDatabase {
  provider: Provider;
  url: string;
  /** Request-log rows, and the requests the usage rollups counted. */
  counts(): Promise<{ rows: number; tokens: number; rollupRequests: number; rollupDays: number }>;
  remove(): Promise<void>;
}

const ROLLUP_REQUESTS = `SUM("ok" + "clientError" + "serverError" + "refused" + "aborted")`;

/** A database for the API benchmarks: one role with the sample route's scope and `count` valid tokens. */
export async function apiDatabase(count: number, provider: Provider = 'sqlite'): Promise<{ db: BenchDatabase; secrets: string[]; ids: string[] }> {
  const spec: TokenSpec = { count, idPrefix: 'tk', ownerId: 'bench-owner', ownerEmail: 'owner@example.com', roleIds: ['bench-role'], keepSecrets: count };
  const role = { id: 'bench-role', name: 'Bench vault summary', scopes: [BENCH_SCOPE] };
  if (provider === 'postgres') {
    const database = await freshPostgresDatabase();
    const client = await pgClient(database.url);
    try {
      const now = new Date();
      await client.query('INSERT INTO "ApiRole" ("id", "name", "description", "scopes", "updatedAt") VALUES ($1, $2, \'\', $3, $4)', [
        role.id,
        role.name,
        JSON.stringify(role.scopes),
        now,
      ]);
      const ids: string[] = [];
      const secrets: string[] = [];
      for (let i = 0; i < count; i++) {
        const id = `tk${i.toString(36).padStart(7, '0')}`;
        const secret = generateToken(TOKEN_PREFIX);
        await client.query(
          `INSERT INTO "ApiToken" ("id", "name", "description", "secretHash", "lastFour", "allowedIps", "ownerId", "ownerEmail", "createdById", "createdByEmail", "updatedAt")
           VALUES ($1, $2, '', $3, $4, '[]', $5, $6, $5, $6, $7)`,
          [id, `tk token ${i}`, hashToken(BENCH_PEPPER, secret), secret.slice(-4), spec.ownerId, spec.ownerEmail, now],
        );
        await client.query('INSERT INTO "ApiTokenRole" ("id", "tokenId", "roleId", "assignedById", "assignedByEmail") VALUES ($1, $2, $3, $4, $5)', [
          `${id}-${role.id}`,
          id,
          role.id,
          spec.ownerId,
          spec.ownerEmail,
        ]);
        ids.push(id);
        secrets.push(secret);
      }
      return { db: { provider, url: database.url, counts: () => postgresCounts(database.url), remove: () => database.remove() }, secrets, ids };
    } finally {
      await client.end();
    }
  }
  const db = freshDatabase();
  const sqlite = new Database(db.file);
  insertRole(sqlite, role);
  const { secrets, ids } = insertTokens(sqlite, spec);
  sqlite.close();
  const counts = async () => {
    const reader = new Database(db.file, { readonly: true });
    try {
      const one = (sql: string) => Number((reader.prepare(sql).get() as { n: number | null }).n ?? 0);
      return {
        rows: one('SELECT COUNT(*) AS n FROM "ApiRequestLog"'),
        tokens: one('SELECT COUNT(DISTINCT "tokenId") AS n FROM "ApiRequestLog"'),
        rollupRequests: one(`SELECT ${ROLLUP_REQUESTS} AS n FROM "ApiTokenUsageDay"`),
        rollupDays: one(`SELECT ${ROLLUP_REQUESTS} AS n FROM "ApiUsageDay"`),
      };
    } finally {
      reader.close();
    }
  };
  return { db: { provider, url: db.url, counts, remove: async () => db.remove() }, secrets, ids };
}

async function postgresCounts(url: string): Promise<{ rows: number; tokens: number; rollupRequests: number; rollupDays: number }> {
  const client = await pgClient(url);
  try {
    const one = async (sql: string) => Number((await client.query<{ n: string | null }>(sql)).rows[0]?.n ?? 0);
    return {
      rows: await one('SELECT COUNT(*) AS n FROM "ApiRequestLog"'),
      tokens: await one('SELECT COUNT(DISTINCT "tokenId") AS n FROM "ApiRequestLog"'),
      rollupRequests: await one(`SELECT ${ROLLUP_REQUESTS} AS n FROM "ApiTokenUsageDay"`),
      rollupDays: await one(`SELECT ${ROLLUP_REQUESTS} AS n FROM "ApiUsageDay"`),
    };
  } finally {
    await client.end();
  }
}

/** Well-formed tokens (right prefix, alphabet, length and checksum) that were never issued. */
export function unknownTokens(count: number): string[] {
  return Array.from({ length: count }, () => generateToken(TOKEN_PREFIX));
}

/** Tokens with the right shape and a wrong checksum. */
export function wrongChecksumTokens(count: number): string[] {
  return unknownTokens(count).map((token) => {
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    return token.slice(0, -1) + last;
  });
}

/** Strings that are not tokens at all: wrong prefix, length or alphabet. */
export function malformedTokens(count: number): string[] {
  const shapes = [(t: string) => `xyz${t.slice(3)}`, (t: string) => t.slice(0, -2), (t: string) => `${t.slice(0, 10)}-${t.slice(11)}`];
  return unknownTokens(count).map((token, i) => shapes[i % shapes.length]!(token));
}
