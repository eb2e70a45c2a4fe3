import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApiAccess, type ApiAccessOptions } from '../../src/api-access.js';
import { ApiAccessError } from '../../src/core/errors.js';
import { outboxTransport } from '../../src/jobs/outbox-transport.js';
import type { UserDirectory } from '../../src/core/types.js';
import { modelsOnlyPrisma } from '../helpers/fake-prisma.js';

/** The factory only stores the client; nothing here runs a query. */
const prisma = modelsOnlyPrisma();
const users: UserDirectory = { findById: async () => null };
const pepper = 'a-pepper-that-is-32-characters!!';
const notifications = { transport: 'smtp://127.0.0.1:2525', from: 'API Access <no-reply@example.com>', adminUrl: 'https://example.com/admin' };

function options(overrides: Record<string, unknown> = {}): ApiAccessOptions {
  return { prisma, pepper, users, ...overrides } as ApiAccessOptions;
}

function rejected(input: ApiAccessOptions, ...mustMention: string[]): void {
  let caught: unknown;
  try {
    void createApiAccess(input).close();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ApiAccessError, `expected ApiAccessError, got ${String(caught)}`);
  assert.equal(caught.code, 'INVALID_OPTIONS');
  for (const text of mustMention) assert.ok(caught.message.includes(text), `${JSON.stringify(caught.message)} should mention ${JSON.stringify(text)}`);
}

describe('options of the jobs', () => {
  it('accept an SMTP URL, transport options, a transport object or a transporter, and default the rest', async () => {
    for (const transport of [
      'smtp://user:pass@mail.example.com:587',
      'smtps://mail.example.com',
      { host: 'mail.example.com', port: 25 },
      { streamTransport: true },
      outboxTransport('/tmp/unused'),
    ]) {
      const access = createApiAccess(options({ notifications: { ...notifications, transport } }));
      assert.ok(access.notifier, 'expiry e-mails are on');
      await access.close();
    }
    const off = createApiAccess(options());
    assert.equal(off.notifier, null, 'without the option there are no e-mails');
    assert.ok(off.retention, 'retention always runs');
    await off.close();
  });

  it('name each bad notifications option', () => {
    rejected(options({ notifications: { ...notifications, transport: 'http://mail.example.com' } }), 'options.notifications.transport', 'smtp://');
    rejected(options({ notifications: { ...notifications, transport: 42 } }), 'options.notifications.transport');
    rejected(options({ notifications: { ...notifications, from: 'nobody' } }), 'options.notifications.from', 'e-mail address');
    rejected(options({ notifications: { ...notifications, from: 'Evil <a@b.com>\r\nBcc: x@y.com' } }), 'options.notifications.from');
    rejected(options({ notifications: { ...notifications, adminUrl: '/admin' } }), 'options.notifications.adminUrl', 'absolute');
    rejected(options({ notifications: { ...notifications, recipients: ['a@b.com'] } }), 'options.notifications.recipients');
    rejected(options({ notifications: { ...notifications, claimLeaseMs: 1_000 } }), 'options.notifications.claimLeaseMs');
    rejected(options({ notifications: { ...notifications, sender: 'x' } }), 'options.notifications', '"sender"');
    const { from: _from, ...withoutFrom } = notifications;
    rejected(options({ notifications: withoutFrom }), 'options.notifications.from', 'required');
  });

  it('name a bad retention period or purge batch size', () => {
    for (const retentionDays of [0, -1, 1.5, '90', 100_000]) rejected(options({ requestLog: { retentionDays } }), 'options.requestLog.retentionDays');
    for (const purgeBatchSize of [0, 2.5, 1_000_000]) rejected(options({ requestLog: { purgeBatchSize } }), 'options.requestLog.purgeBatchSize');
  });

  it("name every bad option at once, the jobs' included", () => {
    rejected(
      options({ pepper: 'short', requestLog: { retentionDays: 0 }, notifications: { ...notifications, adminUrl: 'nope' } }),
      'options.pepper',
      'options.requestLog.retentionDays',
      'options.notifications.adminUrl',
    );
  });

  it('validate startJobs options and refuse to start after close', async () => {
    const access = createApiAccess(options());
    assert.throws(
      () => access.startJobs({ intervalMs: 0 }),
      (e: unknown) => e instanceof ApiAccessError && e.code === 'INVALID_OPTIONS' && e.message.includes('startJobs.intervalMs'),
    );
    assert.throws(
      () => access.startJobs({ every: 5 } as never),
      (e: unknown) => e instanceof ApiAccessError && e.message.includes('"every"'),
    );
    await access.close();
    assert.throws(
      () => access.startJobs(),
      (e: unknown) => e instanceof ApiAccessError && e.code === 'INVALID_STATE',
    );
    await assert.rejects(access.runJobs(), (e: unknown) => e instanceof ApiAccessError && e.code === 'INVALID_STATE');
  });
});
