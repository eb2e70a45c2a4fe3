import { Prisma, type PrismaClient } from '@prisma/client';
import { inOwnTransaction } from './own-transaction.js';

/** Tokens whose last use one UPDATE (in a transaction of its own) writes: a bound on how long it holds the write lock. */
export const TOKENS_PER_STATEMENT = 500;

interface Usage {
  at: Date;
  ip: string | null;
}

/** UPDATE "ApiToken" SET each token's own "lastUsedAt" and "lastUsedIp", for the tokens in the chunk. */
function updateStatement(chunk: readonly (readonly [string, Usage])[]): Prisma.Sql {
  const at = Prisma.join(chunk.map(([tokenId, usage]) => Prisma.sql`WHEN ${tokenId} THEN ${usage.at}`), ' ');
  const ip = Prisma.join(chunk.map(([tokenId, usage]) => Prisma.sql`WHEN ${tokenId} THEN ${usage.ip}`), ' ');
  const ids = Prisma.join(chunk.map(([tokenId]) => tokenId));
  return Prisma.sql`UPDATE "ApiToken" SET
    "lastUsedAt" = CASE "id" ${at} ELSE "lastUsedAt" END,
    "lastUsedIp" = CASE "id" ${ip} ELSE "lastUsedIp" END
    WHERE "id" IN (${ids})`;
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
    for (let start = 0; start < batch.length; start += TOKENS_PER_STATEMENT) {
      const chunk = batch.slice(start, start + TOKENS_PER_STATEMENT);
      try {
        // One plain UPDATE for the chunk: a token deleted meanwhile is simply skipped, and
        // `updatedAt` keeps the time of the last edit (Prisma's @updatedAt would move it on every
        // flush, so "updated" would mean "used"). One statement, not one per token: through Prisma
        // each statement costs ~0.4 ms of the event loop on SQLite, so 1,000 tokens in use held it
        // for ~400 ms a minute. Each CASE ends in its own column (ELSE), which gives PostgreSQL the
        // type for the untyped parameters (timestamp, text) with no provider-specific cast. In a
        // transaction of its own (see inOwnTransaction).
        await inOwnTransaction(this.prisma, (tx) => tx.$executeRaw(updateStatement(chunk)));
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
