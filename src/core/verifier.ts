import { ipAllowed, parseCidrs, type ParsedCidr } from './cidr.js';
import { apiError } from './errors.js';
import type { TokenEvents } from './events.js';
import { innerDigest, outerDigest } from './hashing.js';
import { isWellFormedToken } from './token-format.js';
import type { SecretMatch, TokenStore } from './store.js';
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

/**
 * A refusal names the token when one was found; for ip_not_allowed (a valid token, from an address
 * its allow-list leaves out) it also gives the token, so that the request can be logged against it.
 */
export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; reason: VerifyFailure; tokenId?: string; token?: VerifiedToken };

/** Everything a verification decides on, as loaded from the database. */
interface Snapshot {
  token: VerifiedToken;
  enabled: boolean;
  expiresAt: number | null;
  /** Set when this hash is a rotated-out secret in its grace period: it stops working then. */
  graceUntil: number | null;
  ranges: ParsedCidr[];
  /** The answer for an admitted request, made once: nothing is allocated on the hot path. */
  admitted: VerifyResult;
}

/**
 * The cache is keyed by innerDigest(secret), half of the stored HMAC: one SHA-256 a request for a
 * cached token. The stored hash (the whole HMAC) is computed only to ask the database.
 */
interface CacheEntry {
  snapshot: Snapshot | null;
  loadedAt: number;
  /** Age after which a hit also reloads the entry in the background (50-80% of the TTL, spread). */
  refreshAfter: number;
  /** The last time a request presented this hash. */
  usedAt: number;
}

export interface VerifierOptions {
  /** Where tokens are looked up by their secrets' hashes. */
  store: Pick<TokenStore, 'findBySecretHashes'>;
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

/** Hashes one verification query looks up at most (two bound parameters each). */
const MAX_BATCH = 200;
/**
 * How long background refreshes wait to share a query with others: a tenth of the TTL, at most a
 * second. Refreshes start at 50-80% of the TTL, so a batch is loaded before its entries expire.
 * Each statement has a fixed cost (about 0.4 ms through Prisma on SQLite, a round trip on
 * PostgreSQL): with 1,000 tokens in use, 100 ms windows sent 6-7 statements a second, 1 s windows one.
 */
export function refreshWindowMs(cacheTtlMs: number): number {
  return Math.min(1_000, cacheTtlMs / 10);
}

interface Waiting {
  promise: Promise<CacheEntry>;
  resolve: (entry: CacheEntry) => void;
  reject: (error: unknown) => void;
}

function waiting(): Waiting {
  let resolve!: (entry: CacheEntry) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<CacheEntry>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Checks a presented secret. A malformed one is refused without a query; a known hash is
 * served from memory for at most cacheTtlMs, and dropped at once when this process changes
 * the token. Expiry and grace are re-checked on every call, so a token that expires while
 * cached is refused on time.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  /** The cache keys of each token's current and previous secrets. */
  private readonly keysByToken = new Map<string, Set<string>>();
  /** Loads in flight: concurrent misses for one hash share a single query. */
  private readonly loading = new Map<string, Promise<CacheEntry>>(); // by cache key
  /** Hashes waiting for the next query, which looks them all up at once. */
  private queue = new Map<string, Waiting>();
  private immediate = false;
  private refreshTimer: NodeJS.Timeout | null = null;
  private readonly sweepTimer: NodeJS.Timeout | null;
  private readonly unsubscribe: () => void;
  /** Bumped on every change, so a load that raced a change is not cached. */
  private generation = 0;
  /** refreshWindowMs of this TTL: how long background refreshes gather, and how often the sweep runs. */
  private readonly refreshWindow: number;

  constructor(private readonly options: VerifierOptions) {
    this.unsubscribe = options.events.onChange(({ tokenId }) => this.forget(tokenId));
    this.refreshWindow = refreshWindowMs(options.cacheTtlMs);
    // Tokens used within the last TTL are refreshed in the background in batches, so that one
    // used again after a pause shorter than the TTL is still answered from memory.
    this.sweepTimer = options.cacheTtlMs >= 1_000 ? setInterval(() => this.refreshRecent(), this.refreshWindow) : null;
    this.sweepTimer?.unref();
  }

  /**
   * Queues every entry in use that passes its refresh point before the next sweep. Queuing only
   * those already past it (with sweeps a quarter of the TTL apart) let an entry idle between two
   * sweeps go from "not yet" to expired, and its next request waited for the database: the churn
   * bench saw ~18 such statements a second. Queued at most one sweep (one refresh window) early, an
   * entry is loaded by refreshAfter + one window, at most 90% of the TTL.
   */
  private refreshRecent(): void {
    const now = this.options.clock().getTime();
    const ttl = this.options.cacheTtlMs;
    for (const [key, entry] of this.cache) {
      const age = now - entry.loadedAt;
      if (now - entry.usedAt < ttl && age + this.refreshWindow > entry.refreshAfter && age < ttl && !this.loading.has(key)) {
        this.loadShared(key, false).catch(() => {
          // Served until its TTL; then a request waits for the database (or gets 503).
        });
      }
    }
  }

  /** Drops every cached verification of a token (its current and previous secrets). */
  forget(tokenId: string): void {
    this.generation++;
    // A load that started before the change must not answer a request that comes after it.
    this.loading.clear();
    const keys = this.keysByToken.get(tokenId);
    if (!keys) return;
    for (const key of keys) this.cache.delete(key);
    this.keysByToken.delete(tokenId);
  }

  /** Drops the whole cache, e.g. after losing the cross-process change feed. */
  clear(): void {
    this.generation++;
    this.loading.clear();
    this.cache.clear();
    this.keysByToken.clear();
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  close(): void {
    this.unsubscribe();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.clear();
  }

  async verify(secret: string, ip: string | undefined): Promise<VerifyResult> {
    return this.check(secret, ip);
  }

  /**
   * verify() without a Promise when memory can answer (a malformed secret or a cached hash), so
   * that the middleware admits a cached token synchronously; a Promise when the database must be asked.
   * `at` is the time of the request, read once by a caller that also needs it.
   */
  check(secret: string, ip: string | undefined, at: Date = this.options.clock()): VerifyResult | Promise<VerifyResult> {
    const key = this.keyOf(secret);
    if (key === null) return { ok: false, reason: 'malformed' };
    return this.checkKey(key, ip, at);
  }

  /**
   * The key a secret is known by in memory (its inner digest, see hashing.ts), or null for a
   * secret that is not well-formed (wrong prefix, length, alphabet or checksum), which is refused
   * without a lookup. Computing it is most of the cost of a cached verification: a caller that
   * sees the same secret again may keep the key and call checkKey.
   */
  keyOf(secret: string): string | null {
    if (!isWellFormedToken(secret, this.options.tokenPrefix)) return null;
    return innerDigest(this.options.pepper, secret);
  }

  /** check() for a key from keyOf(). */
  checkKey(key: string, ip: string | undefined, at: Date = this.options.clock()): VerifyResult | Promise<VerifyResult> {
    const now = at.getTime();
    const entry = this.cache.get(key);
    if (entry === undefined || now - entry.loadedAt >= this.options.cacheTtlMs) {
      return this.loadShared(key, true).then((loaded) => this.decide(loaded, ip, now));
    }
    // Refresh ahead: a token in use is reloaded in the background before its entry expires, so
    // its requests never wait for the database and the entries loaded together do not all expire
    // together. The entry served is never older than the TTL.
    entry.usedAt = now;
    if (now - entry.loadedAt > entry.refreshAfter && !this.loading.has(key)) {
      this.loadShared(key, false).catch(() => {
        // The entry keeps serving until its TTL; then a request waits for the database (or gets 503).
      });
    }
    return this.decide(entry, ip, now);
  }

  /**
   * One query per key at a time: requests that miss together wait for the same load, and the
   * keys that miss in one turn of the event loop are looked up together. A background
   * refresh (`urgent` false) waits up to refreshWindow to share its query with others.
   */
  private loadShared(key: string, urgent: boolean): Promise<CacheEntry> {
    const pending = this.loading.get(key);
    if (pending) {
      if (urgent && this.queue.has(key)) this.schedule(true);
      return pending;
    }
    let queued = this.queue.get(key);
    if (!queued) {
      queued = waiting();
      this.queue.set(key, queued);
    }
    this.schedule(urgent);
    const promise = queued.promise;
    this.loading.set(key, promise);
    const done = () => {
      if (this.loading.get(key) === promise) this.loading.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  private schedule(urgent: boolean): void {
    if (urgent) {
      if (this.immediate) return;
      this.immediate = true;
      setImmediate(() => {
        this.immediate = false;
        void this.loadQueued();
      });
    } else if (!this.refreshTimer) {
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = null;
        void this.loadQueued();
      }, this.refreshWindow);
      this.refreshTimer.unref();
    }
  }

  /** Looks up what is queued now; what arrives meanwhile is scheduled by its own request. */
  private async loadQueued(): Promise<void> {
    if (this.queue.size === 0) return;
    const batch = [...this.queue].slice(0, MAX_BATCH);
    for (const [key] of batch) this.queue.delete(key);
    if (this.queue.size > 0) this.schedule(true);
    try {
      const entries = await this.load(
        batch.map(([key]) => key),
        this.options.clock().getTime(),
      );
      for (const [key, queued] of batch) queued.resolve(entries.get(key)!);
    } catch (error) {
      for (const [, queued] of batch) queued.reject(error);
    }
  }

  private decide(entry: CacheEntry, ip: string | undefined, now: number): VerifyResult {
    const snapshot = entry.snapshot;
    if (snapshot === null) return { ok: false, reason: 'unknown' };
    const tokenId = snapshot.token.id;
    if (snapshot.graceUntil !== null && snapshot.graceUntil <= now) {
      this.options.onRetiredSecret?.({
        tokenId,
        tokenName: snapshot.token.name,
        ip,
        graceEndedAt: snapshot.graceUntil > 0 ? new Date(snapshot.graceUntil) : null,
      });
      return { ok: false, reason: 'unknown', tokenId };
    }
    if (!snapshot.enabled) return { ok: false, reason: 'disabled', tokenId };
    if (snapshot.expiresAt !== null && snapshot.expiresAt <= now) return { ok: false, reason: 'expired', tokenId };
    if (!ipAllowed(ip, snapshot.ranges)) return { ok: false, reason: 'ip_not_allowed', tokenId, token: snapshot.token };
    return snapshot.admitted;
  }

  /** Loads the tokens of these cache keys (current or previous secret) with their roles' scopes. */
  private async load(keys: string[], now: number): Promise<Map<string, CacheEntry>> {
    const generation = this.generation;
    const hashes = keys.map((key) => outerDigest(this.options.pepper, key));
    let matches: SecretMatch[];
    try {
      matches = await this.options.store.findBySecretHashes(hashes);
    } catch (cause) {
      throw apiError('storeUnreachable', undefined, { cause });
    }
    const byHash = new Map<string, SecretMatch>();
    for (const match of matches) {
      byHash.set(match.secretHash, match);
      if (match.previousSecretHash !== null && !byHash.has(match.previousSecretHash)) byHash.set(match.previousSecretHash, match);
    }
    const entries = new Map<string, CacheEntry>();
    for (const [i, key] of keys.entries()) {
      const hash = hashes[i]!;
      const found = byHash.get(hash);
      let snapshot: Snapshot | null = null;
      if (found) {
        const token: VerifiedToken = Object.freeze({
          id: found.id,
          name: found.name,
          ownerId: found.ownerId,
          ownerEmail: found.ownerEmail,
          scopes: Object.freeze(found.scopes),
        });
        snapshot = {
          token,
          enabled: found.enabled,
          expiresAt: found.expiresAt,
          graceUntil: found.secretHash === hash ? null : (found.previousSecretExpiresAt ?? 0),
          ranges: parseCidrs(found.allowedIps),
          admitted: Object.freeze({ ok: true, token }),
        };
      }
      const entry: CacheEntry = { snapshot, loadedAt: now, refreshAfter: this.options.cacheTtlMs * (0.5 + 0.3 * Math.random()), usedAt: now };
      if (generation === this.generation) this.remember(key, entry);
      entries.set(key, entry);
    }
    return entries;
  }

  private remember(key: string, entry: CacheEntry): void {
    if (this.cache.size >= this.options.maxCacheEntries) {
      // Map keeps insertion order: the first key is the oldest load.
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (entry.snapshot) {
      const id = entry.snapshot.token.id;
      let keys = this.keysByToken.get(id);
      if (!keys) this.keysByToken.set(id, (keys = new Set()));
      keys.add(key);
    }
  }
}
