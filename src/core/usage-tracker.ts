import type { LastUse, TokenStore } from './store.js';

/** Tokens whose last use one UPDATE (in a transaction of its own) writes: a bound on how long it holds the write lock. */
export const TOKENS_PER_STATEMENT = 500;

/**
 * Keeps "last used" without a write per request: the latest use of each token waits in memory
 * and is written at most once per token per flush interval (a minute by default).
 */
export class UsageTracker {
  private pending = new Map<string, LastUse>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<TokenStore, 'writeLastUsed'>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  record(tokenId: string, at: Date, ip: string | undefined): void {
    // Called on every authenticated request: update the waiting entry in place.
    const usage = this.pending.get(tokenId);
    if (usage) {
      usage.at = at;
      usage.ip = ip ?? null;
    } else {
      this.pending.set(tokenId, { at, ip: ip ?? null });
    }
  }

  async flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending = new Map();
    for (let start = 0; start < batch.length; start += TOKENS_PER_STATEMENT) {
      const chunk = batch.slice(start, start + TOKENS_PER_STATEMENT);
      try {
        // One statement and one transaction a chunk: a bound on how long the write lock is held.
        await this.store.writeLastUsed(chunk);
      } catch (error) {
        for (const [tokenId, usage] of chunk) if (!this.pending.has(tokenId)) this.pending.set(tokenId, usage);
        this.onError(error);
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
