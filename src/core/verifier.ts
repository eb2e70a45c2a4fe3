import type { Prisma, PrismaClient } from '@prisma/client';
import { ipAllowed, parseCidrs, type ParsedCidr } from './cidr.js';
import { ApiAccessError } from './errors.js';
import type { TokenEvents } from './events.js';
import { hashToken } from './hashing.js';
import { isWellFormedToken } from './token-format.js';
import { jsonStringArray } from './token-view.js';
import type { Clock } from './types.js';
import type { RetiredSecretUse } from './retired-secret-audit.js';

/** What a verified request may know about its token: never the secret or its hash. */
export interface VerifiedToken {
  id: string;
  name: string;
  ownerId: string;
  ownerEmail: string;
  scopes: readonly string[];
}

export type VerifyFailure = 'malformed' | 'unknown' | 'disabled' | 'expired' | 'ip_not_allowed';

export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; reason: VerifyFailure; tokenId?: string };

/** Everything a verification decides on, as loaded from the database. */
interface Snapshot {
  token: VerifiedToken;
  enabled: boolean;
  expiresAt: number | null;
  /** Set when this hash is a rotated-out secret in its grace period: it stops working then. */
  graceUntil: number | null;
  ranges: ParsedCidr[];
}

interface CacheEntry {
  snapshot: Snapshot | null;
  loadedAt: number;
}

export interface VerifierOptions {
  prisma: PrismaClient;
  pepper: string;
  tokenPrefix: string;
  clock: Clock;
  events: TokenEvents;
  /** How long a verification is trusted without asking the database: the bound on cross-process revocation delay. */
  cacheTtlMs: number;
  maxCacheEntries: number;
  /** Told when a rotated-out secret is presented after its grace period, for the audit log. Must not throw. */
  onRetiredSecret?: (use: RetiredSecretUse) => void;
}

/** A row of the verification query: the token once per role (once, with null scopes, without roles). */
interface TokenRoleRow {
  id: string;
  name: string;
  ownerId: string;
  ownerEmail: string;
  enabled: unknown;
  expiresAt: unknown;
  allowedIps: unknown;
  secretHash: string;
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

function rawJson(value: unknown): Prisma.JsonValue {
  if (typeof value !== 'string') return (value ?? null) as Prisma.JsonValue;
  try {
    return JSON.parse(value) as Prisma.JsonValue;
  } catch {
    return null;
  }
}

/**
 * Checks a presented secret. A malformed one is refused without a query; a known hash is
 * served from memory for at most cacheTtlMs, and dropped at once when this process changes
 * the token. Expiry and grace are re-checked on every call, so a token that expires while
 * cached is refused on time.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly hashesByToken = new Map<string, Set<string>>();
  private readonly unsubscribe: () => void;
  /** Bumped on every change, so a load that raced a change is not cached. */
  private generation = 0;

  constructor(private readonly options: VerifierOptions) {
    this.unsubscribe = options.events.onChange(({ tokenId }) => this.forget(tokenId));
  }

  /** Drops every cached verification of a token (its current and previous secrets). */
  forget(tokenId: string): void {
    this.generation++;
    const hashes = this.hashesByToken.get(tokenId);
    if (!hashes) return;
    for (const hash of hashes) this.cache.delete(hash);
    this.hashesByToken.delete(tokenId);
  }

  /** Drops the whole cache, e.g. after losing the cross-process change feed. */
  clear(): void {
    this.generation++;
    this.cache.clear();
    this.hashesByToken.clear();
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  close(): void {
    this.unsubscribe();
    this.clear();
  }

  async verify(secret: string, ip: string | undefined): Promise<VerifyResult> {
    return this.check(secret, ip);
  }

  /**
   * verify() without a Promise when memory can answer (a malformed secret or a cached hash), so
   * that the middleware admits a cached token synchronously; a Promise when the database must be asked.
   */
  check(secret: string, ip: string | undefined): VerifyResult | Promise<VerifyResult> {
    if (!isWellFormedToken(secret, this.options.tokenPrefix)) return { ok: false, reason: 'malformed' };
    const hash = hashToken(this.options.pepper, secret);
    const now = this.options.clock().getTime();
    const entry = this.cache.get(hash);
    if (entry === undefined || now - entry.loadedAt > this.options.cacheTtlMs) {
      return this.load(hash, now).then((loaded) => this.decide(loaded, ip, now));
    }
    return this.decide(entry, ip, now);
  }

  private decide(entry: CacheEntry, ip: string | undefined, now: number): VerifyResult {
    const snapshot = entry.snapshot;
    if (snapshot === null) return { ok: false, reason: 'unknown' };
    const tokenId = snapshot.token.id;
    if (snapshot.graceUntil !== null && snapshot.graceUntil <= now) {
      this.options.onRetiredSecret?.({ tokenId, tokenName: snapshot.token.name, ip, graceEndedAt: snapshot.graceUntil > 0 ? new Date(snapshot.graceUntil) : null });
      return { ok: false, reason: 'unknown', tokenId };
    }
    if (!snapshot.enabled) return { ok: false, reason: 'disabled', tokenId };
    if (snapshot.expiresAt !== null && snapshot.expiresAt <= now) return { ok: false, reason: 'expired', tokenId };
    if (!ipAllowed(ip, snapshot.ranges)) return { ok: false, reason: 'ip_not_allowed', tokenId };
    return { ok: true, token: snapshot.token };
  }

  private async load(hash: string, now: number): Promise<CacheEntry> {
    const generation = this.generation;
    let rows: TokenRoleRow[];
    try {
      // One statement for the token and its roles' scopes: a cache miss costs one round trip
      // (Prisma's findFirst with the nested roles sends three). Standard SQL for SQLite and PostgreSQL.
      rows = await this.options.prisma.$queryRaw<TokenRoleRow[]>`
        SELECT t."id", t."name", t."ownerId", t."ownerEmail", t."enabled", t."expiresAt", t."allowedIps",
               t."secretHash", t."previousSecretExpiresAt", r."scopes"
        FROM "ApiToken" t
        LEFT JOIN "ApiTokenRole" a ON a."tokenId" = t."id"
        LEFT JOIN "ApiRole" r ON r."id" = a."roleId"
        WHERE t."secretHash" = ${hash} OR t."previousSecretHash" = ${hash}`;
    } catch (cause) {
      throw new ApiAccessError('DATABASE_UNAVAILABLE', 'The token store cannot be reached; the request was refused.', {});
    }
    const row = rows[0];
    const roleRows = row ? rows.filter((r) => r.id === row.id) : [];
    const snapshot: Snapshot | null = row
      ? {
          token: Object.freeze({
            id: row.id,
            name: row.name,
            ownerId: row.ownerId,
            ownerEmail: row.ownerEmail,
            scopes: Object.freeze([...new Set(roleRows.flatMap((r) => jsonStringArray(rawJson(r.scopes))))].sort()),
          }),
          enabled: rawBoolean(row.enabled),
          expiresAt: rawTime(row.expiresAt),
          graceUntil: row.secretHash === hash ? null : (rawTime(row.previousSecretExpiresAt) ?? 0),
          ranges: parseCidrs(jsonStringArray(rawJson(row.allowedIps))),
        }
      : null;
    const entry: CacheEntry = { snapshot, loadedAt: now };
    if (generation === this.generation) this.remember(hash, entry);
    return entry;
  }

  private remember(hash: string, entry: CacheEntry): void {
    if (this.cache.size >= this.options.maxCacheEntries) {
      // Map keeps insertion order: the first key is the oldest load.
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
    this.cache.delete(hash);
    this.cache.set(hash, entry);
    if (entry.snapshot) {
      const id = entry.snapshot.token.id;
      let hashes = this.hashesByToken.get(id);
      if (!hashes) this.hashesByToken.set(id, (hashes = new Set()));
      hashes.add(hash);
    }
  }
}
