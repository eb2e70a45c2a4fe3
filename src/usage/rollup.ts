import { COUNTER_COLUMNS, LATENCY_OFFSET, latencyIndex, outcomeIndex } from '../core/usage/columns.js';
import { DAY_MS, dayOf } from '../core/usage/day.js';

export interface TokenDayCounts {
  tokenId: string;
  day: string;
  /** One number per COUNTER_COLUMNS. */
  counts: number[];
}

export interface DayCounts {
  day: string;
  counts: number[];
}

/**
 * The usage of one batch of request-log rows: per token and UTC day, and per day over all
 * tokens. The writer adds each row of a batch and upserts the sums with the rows, in the same
 * transaction: one upsert row per token and day a batch, however many requests it holds.
 */
export class UsageRollup {
  private readonly tokenDays = new Map<string, TokenDayCounts>();
  private readonly days = new Map<string, DayCounts>();
  private lastDayNumber = NaN;
  private lastDay = '';

  get size(): number {
    return this.tokenDays.size;
  }

  add(tokenId: string, createdAtMs: number, status: number, durationMs: number): void {
    const dayNumber = Math.floor(createdAtMs / DAY_MS);
    if (dayNumber !== this.lastDayNumber) {
      this.lastDayNumber = dayNumber;
      this.lastDay = dayOf(createdAtMs);
    }
    const day = this.lastDay;
    const key = `${tokenId}\n${day}`;
    let tokenDay = this.tokenDays.get(key);
    if (tokenDay === undefined) {
      tokenDay = { tokenId, day, counts: new Array<number>(COUNTER_COLUMNS.length).fill(0) };
      this.tokenDays.set(key, tokenDay);
    }
    let total = this.days.get(day);
    if (total === undefined) {
      total = { day, counts: new Array<number>(COUNTER_COLUMNS.length).fill(0) };
      this.days.set(day, total);
    }
    const outcome = outcomeIndex(status);
    const latency = LATENCY_OFFSET + latencyIndex(durationMs);
    tokenDay.counts[outcome]!++;
    tokenDay.counts[latency]!++;
    total.counts[outcome]!++;
    total.counts[latency]!++;
  }

  /**
   * In key order: two writers upserting overlapping token-days (two hosts on one PostgreSQL
   * database) then take the row locks in the same order and never deadlock.
   */
  tokenDayRows(): TokenDayCounts[] {
    return [...this.tokenDays.values()].sort((a, b) => (a.tokenId < b.tokenId ? -1 : a.tokenId > b.tokenId ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }

  dayRows(): DayCounts[] {
    return [...this.days.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }
}
