import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueNotice, noticeDueAt } from '../../src/jobs/expiry-schedule.js';

const DAY = 86_400_000;
const EXPIRES = new Date('2030-06-30T12:00:00.000Z');
const at = (msBeforeExpiry: number) => new Date(EXPIRES.getTime() - msBeforeExpiry);
/** A token whose expiry was set 90 days before it. */
const longLived = { expiresAt: EXPIRES, seriesStart: at(90 * DAY) };

describe('dueNotice', () => {
  it('is nothing before the 30-day moment', () => {
    assert.equal(dueNotice(longLived, at(30 * DAY + 1)), null);
    assert.equal(dueNotice(longLived, at(60 * DAY)), null);
  });

  it('is each notice from its moment (inclusive) until the next one', () => {
    assert.equal(dueNotice(longLived, at(30 * DAY)), '30d');
    assert.equal(dueNotice(longLived, at(7 * DAY + 1)), '30d');
    assert.equal(dueNotice(longLived, at(7 * DAY)), '7d');
    assert.equal(dueNotice(longLived, at(DAY + 1)), '7d');
    assert.equal(dueNotice(longLived, at(DAY)), '1d');
    assert.equal(dueNotice(longLived, at(1)), '1d');
    assert.equal(dueNotice(longLived, EXPIRES), 'expired');
  });

  it('supersedes a notice that never went out by the later one, rather than sending it late', () => {
    // The job did not run between 30 and 7 days before: only the 7-day notice is due now.
    assert.equal(dueNotice(longLived, at(5 * DAY)), '7d');
  });

  it('sends "expired" for a week after the expiry, then nothing', () => {
    assert.equal(dueNotice(longLived, at(-7 * DAY + 1)), 'expired');
    assert.equal(dueNotice(longLived, at(-7 * DAY)), null);
    assert.equal(dueNotice(longLived, at(-400 * DAY)), null);
  });

  it('skips the notices whose moment came before the expiry was set (created or regenerated with less time left)', () => {
    const twentyDays = { expiresAt: EXPIRES, seriesStart: at(20 * DAY) };
    assert.equal(dueNotice(twentyDays, at(20 * DAY)), null, 'no 30-day notice at creation');
    assert.equal(dueNotice(twentyDays, at(10 * DAY)), null);
    assert.equal(dueNotice(twentyDays, at(7 * DAY)), '7d');
    assert.equal(dueNotice(twentyDays, at(0)), 'expired');
    // Exactly 30 days: its 30-day moment is its creation, not ahead of it.
    const thirtyDays = { expiresAt: EXPIRES, seriesStart: at(30 * DAY) };
    assert.equal(dueNotice(thirtyDays, at(30 * DAY)), null);
    assert.equal(dueNotice(thirtyDays, at(29 * DAY)), null);
    assert.equal(dueNotice(thirtyDays, at(7 * DAY)), '7d');
    // Less than a day left: only the "expired" notice.
    const hours = { expiresAt: EXPIRES, seriesStart: at(DAY / 2) };
    assert.equal(dueNotice(hours, at(DAY / 4)), null);
    assert.equal(dueNotice(hours, EXPIRES), 'expired');
  });

  it('computes each moment from the expiry', () => {
    assert.equal(noticeDueAt(EXPIRES, '30d').toISOString(), '2030-05-31T12:00:00.000Z');
    assert.equal(noticeDueAt(EXPIRES, '7d').toISOString(), '2030-06-23T12:00:00.000Z');
    assert.equal(noticeDueAt(EXPIRES, '1d').toISOString(), '2030-06-29T12:00:00.000Z');
    assert.equal(noticeDueAt(EXPIRES, 'expired').toISOString(), EXPIRES.toISOString());
  });
});
