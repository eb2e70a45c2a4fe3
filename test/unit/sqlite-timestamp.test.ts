import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteIsoTimestamps } from '../../src/request-log/sqlite-timestamp.js';

const reference = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

describe('SqliteIsoTimestamps', () => {
  it('writes what toISOString with the offset spelled out writes, for times in order and out of it', () => {
    const timestamps = new SqliteIsoTimestamps();
    const start = Date.UTC(2026, 10, 23, 23, 59, 58, 990);
    // In order, many to a second, across seconds, minutes, a day and a year boundary.
    for (let ms = start; ms < start + 3_000; ms += 7) assert.equal(timestamps.format(ms), reference(ms));
    const newYear = Date.UTC(2026, 11, 31, 23, 59, 59, 995);
    for (let ms = newYear; ms < newYear + 20; ms++) assert.equal(timestamps.format(ms), reference(ms));
    // Out of order, and far apart.
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const ms = Date.UTC(1970, 0, 1) + (seed % 2 ** 31) * 1_000 + (seed % 1000);
      assert.equal(timestamps.format(ms), reference(ms), String(ms));
    }
  });

  it('handles times before 1970, around year 0 and past year 9999 (six-digit years) in full', () => {
    const timestamps = new SqliteIsoTimestamps();
    for (const ms of [
      -1,
      -999,
      -1000,
      -1001,
      0,
      999,
      Date.UTC(0, 0, 1) - 62_167_219_200_000 + 5,
      -62_167_219_200_001,
      253_402_300_799_999,
      253_402_300_800_000,
      253_402_300_800_123,
      8.64e15,
    ]) {
      assert.equal(timestamps.format(ms), reference(ms), String(ms));
    }
  });

  it('throws for an invalid time, as toISOString does', () => {
    assert.throws(() => new SqliteIsoTimestamps().format(Number.NaN), RangeError);
  });
});
