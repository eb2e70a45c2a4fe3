import { Prisma, type PrismaClient } from '@prisma/client';

/** Tokens whose last use one transaction writes: a bound on how long it holds the write lock. */
export const TOKENS_PER_TRANSACTION = 500;

interface Usage {
  at: Date;
  ip: string | null;
}

/**
 * Keeps "last used" without a write per request: the latest use of each token waits in memory
 * and is written at most once per token per flush interval (a minute by default).
 */
export class UsageTracker {
  private pending = new Map<string, Usage>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaClient,
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
    for (let start = 0; start < batch.length; start += TOKENS_PER_TRANSACTION) {
      const chunk = batch.slice(start, start + TOKENS_PER_TRANSACTION);
      try {
        // A plain UPDATE: a token deleted meanwhile is simply skipped, and `updatedAt` keeps the
        // time of the last edit (Prisma's @updatedAt would move it on every flush, so "updated"
        // would mean "used"). One transaction for many tokens (one commit; a transaction each cost
        // 1,000 commits a minute for 1,000 tokens in use), and always a transaction of its own: on
        // the SQLite adapter a lone write issued while another transaction is open joins that
        // transaction and is undone if it rolls back.
        await this.prisma.$transaction(
          chunk.map(([tokenId, usage]) =>
            this.prisma.$executeRaw(Prisma.sql`UPDATE "ApiToken" SET "lastUsedAt" = ${usage.at}, "lastUsedIp" = ${usage.ip} WHERE "id" = ${tokenId}`),
          ),
        );
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
