import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expiryMessage, formatExpiry, timeLeft } from '../../src/jobs/expiry-message.js';
import { uniqueAddresses } from '../../src/jobs/expiry-notifier.js';

const DAY = 86_400_000;
const EXPIRES = new Date('2030-06-30T12:34:56.000Z');
const URL = 'https://example.com/admin/resources/ApiToken/records/tok_1/show';

describe('expiry messages', () => {
  it('state the expiry in UTC, to the minute', () => {
    assert.equal(formatExpiry(EXPIRES), '2030-06-30 12:34 UTC');
  });

  it('say how long is really left, from the clock rather than the notice kind', () => {
    assert.equal(timeLeft(EXPIRES, new Date(EXPIRES.getTime() - 30 * DAY)), 'in 30 days');
    assert.equal(timeLeft(EXPIRES, new Date(EXPIRES.getTime() - 30 * DAY + 3_600_000)), 'in 30 days');
    assert.equal(timeLeft(EXPIRES, new Date(EXPIRES.getTime() - 5 * DAY)), 'in 5 days');
    assert.equal(timeLeft(EXPIRES, new Date(EXPIRES.getTime() - DAY)), 'in 1 day');
    assert.equal(timeLeft(EXPIRES, new Date(EXPIRES.getTime() - 3_600_000)), 'in less than a day');
  });

  it('name the token, its expiry and its page, in text and HTML', () => {
    const now = new Date(EXPIRES.getTime() - 7 * DAY);
    const message = expiryMessage({ id: 'tok_1', name: 'CI deploys', expiresAt: EXPIRES }, '7d', now, URL);
    assert.equal(message.subject, 'API token "CI deploys" expires in 7 days');
    for (const body of [message.text, message.html]) {
      assert.ok(body.includes('CI deploys'));
      assert.ok(body.includes('2030-06-30 12:34 UTC'));
      assert.ok(body.includes(URL));
    }
    assert.match(message.html, /<a href="https:\/\/example\.com\/admin\/resources\/ApiToken\/records\/tok_1\/show">/);
  });

  it('say that an expired token is refused now', () => {
    const message = expiryMessage({ id: 'tok_1', name: 'CI deploys', expiresAt: EXPIRES }, 'expired', EXPIRES, URL);
    assert.equal(message.subject, 'API token "CI deploys" has expired');
    assert.match(message.text, /expired on 2030-06-30 12:34 UTC\. Requests that use it are now refused\./);
  });

  it('escape the name in HTML, where it is user input', () => {
    const name = '<img src=x onerror=alert(1)> & "friends"';
    const message = expiryMessage({ id: 'tok_1', name, expiresAt: EXPIRES }, '1d', new Date(EXPIRES.getTime() - DAY), URL);
    assert.ok(!message.html.includes('<img'));
    assert.ok(message.html.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;friends&quot;'));
    assert.ok(message.text.includes(name), 'plain text carries it as it is');
  });
});

describe('uniqueAddresses', () => {
  it('drops blanks and case-insensitive duplicates, keeping the first spelling', () => {
    assert.deepEqual(uniqueAddresses(['Ann@Example.com', ' ann@example.com ', '', 'bob@example.com', '  ']), ['Ann@Example.com', 'bob@example.com']);
  });
});
