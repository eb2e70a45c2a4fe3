import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tokenStatus } from '../../src/core/status.js';
import { statusWhere } from '../../src/store/token-list.js';
import type { TokenStatus } from '../../src/core/types.js';

const NOW = new Date('2030-01-15T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

describe('tokenStatus', () => {
  it('is active for an enabled token that never expires', () => {
    assert.equal(tokenStatus({ enabled: true, expiresAt: null }, NOW), 'active');
  });

  it('is active for an enabled token expiring after now, even by 1 ms', () => {
    assert.equal(tokenStatus({ enabled: true, expiresAt: at(1) }, NOW), 'active');
    assert.equal(tokenStatus({ enabled: true, expiresAt: at(365 * 86_400_000) }, NOW), 'active');
  });

  it('is expired when expiresAt equals now (the boundary counts as expired)', () => {
    assert.equal(tokenStatus({ enabled: true, expiresAt: new Date(NOW) }, NOW), 'expired');
  });

  it('is expired when expiresAt is before now', () => {
    assert.equal(tokenStatus({ enabled: true, expiresAt: at(-1) }, NOW), 'expired');
    assert.equal(tokenStatus({ enabled: true, expiresAt: new Date(0) }, NOW), 'expired');
  });

  it('is disabled whenever the token is disabled, expired or not (disabled wins)', () => {
    for (const expiresAt of [null, at(-86_400_000), new Date(NOW), at(1), at(86_400_000)]) {
      assert.equal(tokenStatus({ enabled: false, expiresAt }, NOW), 'disabled');
    }
  });

  it('follows the clock: the same token turns from active to expired as time passes', () => {
    const token = { enabled: true, expiresAt: NOW };
    assert.equal(tokenStatus(token, at(-1)), 'active');
    assert.equal(tokenStatus(token, NOW), 'expired');
    assert.equal(tokenStatus(token, at(1)), 'expired');
  });
});

/** Evaluates the small subset of Prisma where-syntax statusWhere produces, against one row. */
function matches(where: Record<string, unknown>, row: { enabled: boolean; expiresAt: Date | null }): boolean {
  return Object.entries(where).every(([key, condition]) => {
    if (key === 'OR') return (condition as Record<string, unknown>[]).some((sub) => matches(sub, row));
    const value = row[key as keyof typeof row];
    if (condition === null || typeof condition !== 'object' || condition instanceof Date) {
      return condition === null ? value === null : value === condition;
    }
    return Object.entries(condition as Record<string, Date>).every(([op, operand]) => {
      if (value === null) return false;
      const v = (value as Date).getTime();
      switch (op) {
        case 'lte':
          return v <= operand.getTime();
        case 'lt':
          return v < operand.getTime();
        case 'gt':
          return v > operand.getTime();
        case 'gte':
          return v >= operand.getTime();
        default:
          throw new Error(`unexpected operator ${op}`);
      }
    });
  });
}

describe('statusWhere', () => {
  it('agrees with tokenStatus on every boundary case: each row matches exactly its own status filter', () => {
    const statuses: TokenStatus[] = ['active', 'expired', 'disabled'];
    const rows = [true, false].flatMap((enabled) =>
      [null, at(-86_400_000), at(-1), new Date(NOW), at(1), at(86_400_000)].map((expiresAt) => ({ enabled, expiresAt })),
    );
    for (const row of rows) {
      const status = tokenStatus(row, NOW);
      for (const candidate of statuses) {
        assert.equal(
          matches(statusWhere(candidate, NOW) as Record<string, unknown>, row),
          candidate === status,
          `row ${JSON.stringify(row)} is ${status}; filter ${candidate}`,
        );
      }
    }
  });
});
