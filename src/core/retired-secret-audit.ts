import type { TokenStore } from './store.js';
import type { Actor, Clock } from './types.js';

/** Whom the audit log names when no admin acted: a client of the host's API. */
export const API_CLIENT_ACTOR: Actor = Object.freeze({ id: 'api-client', email: 'API client', isSuperAdmin: false });

/** A rotated-out secret presented after its grace period ended. Never the secret or its hash. */
export interface RetiredSecretUse {
  tokenId: string;
  tokenName: string;
  ip: string | undefined;
  /** When the grace period ended; null when the rotation recorded no end. */
  graceEndedAt: Date | null;
}

export interface RetiredSecretAuditOptions {
  /** At most one event per token per this interval, per process (default one minute). */
  intervalMs?: number;
  /** Tokens remembered for the interval; past that the oldest are forgotten (default 10,000). */
  maxTracked?: number;
}

/**
 * Records in the audit log that a rotated-out secret was presented after its grace period, as
 * GitLab does: token id and name, the client's address and when. A client replaying the secret
 * cannot flood the table: at most one event per token per interval per process. Writes happen
 * off the request path; a failed write is reported and allowed again on the next presentation.
 */
export class RetiredSecretAudit {
  private readonly recordedAt = new Map<string, number>();
  private readonly writes = new Set<Promise<void>>();
  private readonly intervalMs: number;
  private readonly maxTracked: number;

  constructor(
    private readonly store: Pick<TokenStore, 'recordAudit'>,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
    options: RetiredSecretAuditOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.maxTracked = options.maxTracked ?? 10_000;
  }

  /** True when an event is being written, false when one was written for this token too recently. */
  report(use: RetiredSecretUse): boolean {
    const now = this.clock().getTime();
    const last = this.recordedAt.get(use.tokenId);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.remember(use.tokenId, now);
    const write = this.store
      .recordAudit({
        actor: API_CLIENT_ACTOR,
        action: 'token.rotated_secret_used',
        token: { id: use.tokenId, name: use.tokenName },
        details: { ip: use.ip ?? 'unknown', graceEndedAt: use.graceEndedAt?.toISOString() ?? null },
        at: new Date(now),
      })
      .catch((error: unknown) => {
        if (this.recordedAt.get(use.tokenId) === now) this.recordedAt.delete(use.tokenId);
        this.onError(error);
      })
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
    return true;
  }

  private remember(tokenId: string, now: number): void {
    this.recordedAt.delete(tokenId);
    if (this.recordedAt.size >= this.maxTracked) {
      for (const [id, at] of this.recordedAt) if (now - at >= this.intervalMs) this.recordedAt.delete(id);
      // Map keeps insertion order: the first key is the oldest event.
      if (this.recordedAt.size >= this.maxTracked) this.recordedAt.delete(this.recordedAt.keys().next().value as string);
    }
    this.recordedAt.set(tokenId, now);
  }

  get tracked(): number {
    return this.recordedAt.size;
  }

  /** Waits for every event being written. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes]);
  }
}
