import type { PrismaClient } from '@prisma/client';

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
    const batch = this.pending;
    this.pending = new Map();
    for (const [tokenId, usage] of batch) {
      try {
        // updateMany: a token deleted meanwhile is simply skipped. Its own transaction: on the
        // SQLite adapter a lone write issued while another transaction is open joins that
        // transaction and is undone if it rolls back.
        await this.prisma.$transaction([
          this.prisma.apiToken.updateMany({ where: { id: tokenId }, data: { lastUsedAt: usage.at, lastUsedIp: usage.ip } }),
        ]);
      } catch (error) {
        if (!this.pending.has(tokenId)) this.pending.set(tokenId, usage);
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
