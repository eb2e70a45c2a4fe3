import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiAccess, type ApiAccessOptions } from '../../src/api-access.js';
import { ApiAccessError } from '../../src/core/errors.js';
import { generateToken } from '../../src/core/token-format.js';
import type { UserDirectory } from '../../src/core/types.js';
import { modelsOnlyPrisma } from '../helpers/fake-prisma.js';

/** The factory only stores the client; nothing here runs a query. */
const prisma = modelsOnlyPrisma();
const users: UserDirectory = { findById: async () => null };
const pepper = 'a-pepper-that-is-32-characters!!';

function options(overrides: Record<string, unknown> = {}): ApiAccessOptions {
  return { prisma, pepper, users, ...overrides } as ApiAccessOptions;
}

function assertRejected(input: unknown, ...mustMention: string[]): ApiAccessError {
  let caught: unknown;
  try {
    const access = createApiAccess(input as ApiAccessOptions);
    void access.close();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ApiAccessError, `expected ApiAccessError, got ${String(caught)}`);
  assert.equal(caught.code, 'INVALID_OPTIONS');
  assert.match(caught.message, /^Invalid adminjs-api-access options:/);
  for (const text of mustMention) {
    assert.ok(caught.message.includes(text), `message ${JSON.stringify(caught.message)} should mention ${JSON.stringify(text)}`);
  }
  return caught;
}

describe('createApiAccess option validation', () => {
  it('requires a pepper', () => {
    const { pepper: _p, ...withoutPepper } = options();
    assertRejected(withoutPepper, 'options.pepper', 'required');
    assertRejected(options({ pepper: undefined }), 'options.pepper');
    assertRejected(options({ pepper: 1234567890123456 }), 'options.pepper');
    assertRejected(options({ pepper: Buffer.from('x'.repeat(40)) }), 'options.pepper');
  });

  it('requires the pepper to be at least 32 characters', () => {
    assertRejected(options({ pepper: '' }), 'options.pepper', '32');
    assertRejected(options({ pepper: 'x'.repeat(31) }), 'options.pepper', '32');
  });

  it('rejects a bad token prefix', () => {
    for (const tokenPrefix of ['', 'a', 'AAT', 'a_b', '1ab', 'abcdefghijklmnopq', 'ab-c', 42]) {
      assertRejected(options({ tokenPrefix }), 'options.tokenPrefix');
    }
  });

  it('requires users.findById to be a function', () => {
    const { users: _u, ...withoutUsers } = options();
    assertRejected(withoutUsers, 'options.users', 'findById');
    for (const bad of [null, {}, { findById: 'x' }, { find: async () => null }, () => null]) {
      assertRejected(options({ users: bad }), 'options.users');
    }
  });

  it('requires a Prisma client with the api-access models', () => {
    const { prisma: _p, ...withoutPrisma } = options();
    assertRejected(withoutPrisma, 'options.prisma');
    for (const bad of [null, {}, 'postgres://db', { user: {} }, 42]) {
      assertRejected(options({ prisma: bad }), 'options.prisma', "the plugin's models", 'api-access.prisma');
    }
    // A client generated from a schema with only some of them is told which are missing.
    const { apiTokenOwnerLock: _lock, ...partial } = modelsOnlyPrisma() as unknown as Record<string, unknown>;
    assertRejected(options({ prisma: partial }), 'it has no ApiTokenOwnerLock.', 'npx prisma migrate dev --name api-access');
  });

  it('rejects unknown options, naming them', () => {
    assertRejected(options({ prefix: 'acme' }), '"prefix"');
    assertRejected(options({ verification: { cacheTtl: 5 } }), 'options.verification', '"cacheTtl"');
    assertRejected(options({ requestLog: { enable: false } }), 'options.requestLog', '"enable"');
  });

  it('rejects bad nested and optional options', () => {
    assertRejected(options({ allowPersonalTokens: 'yes' }), 'options.allowPersonalTokens');
    assertRejected(options({ verification: { cacheTtlMs: -1 } }), 'options.verification.cacheTtlMs');
    assertRejected(options({ verification: { lastUsedFlushMs: 99 } }), 'options.verification.lastUsedFlushMs');
    assertRejected(options({ requestLog: { batchSize: 0 } }), 'options.requestLog.batchSize');
    assertRejected(options({ requestLog: { flushIntervalMs: 9 } }), 'options.requestLog.flushIntervalMs');
    assertRejected(options({ realm: 'a"b' }), 'options.realm');
    assertRejected(options({ realm: '' }), 'options.realm');
    assertRejected(options({ realm: 'line\nbreak' }), 'options.realm');
    assertRejected(options({ clock: new Date() }), 'options.clock');
    assertRejected(options({ logger: {} }), 'options.logger');
  });

  it('takes requestLog.postgresWorker with a postgres:// URL, without sqliteWorker, and never repeats the URL in its error', async () => {
    const secretUrl = 'mysql://app:s3cret@db.internal/app';
    const error = assertRejected(options({ requestLog: { postgresWorker: { url: secretUrl } } }), 'options.requestLog.postgresWorker.url', 'postgres://');
    assert.ok(!error.message.includes('s3cret'), error.message);
    assertRejected(options({ requestLog: { postgresWorker: {} } }), 'options.requestLog.postgresWorker.url');
    assertRejected(options({ requestLog: { postgresWorker: 'postgres://h/db' } }), 'options.requestLog.postgresWorker');
    assertRejected(options({ requestLog: { postgresWorker: { url: 'postgres://h/db', pool: 2 } } }), 'options.requestLog.postgresWorker', '"pool"');
    assertRejected(
      options({ requestLog: { postgresWorker: { url: 'postgres://h/db' }, sqliteWorker: { file: 'app.db' } } }),
      'options.requestLog',
      'sqliteWorker or postgresWorker, not both',
    );
    // Taken as given: the worker connects on the first batch, not at start-up.
    const access = createApiAccess(options({ requestLog: { postgresWorker: { url: 'postgresql://app@127.0.0.1:1/app' } } }));
    await access.close();
  });

  it('passes a bad policy through as INVALID_OPTIONS naming the policy option', () => {
    assertRejected(options({ policy: { maxActiveTokensPerOwner: 0 } }), 'policy.maxActiveTokensPerOwner');
    assertRejected(options({ policy: { namePattern: '(' } }), 'policy.namePattern');
    assertRejected(options({ policy: 'strict' }), 'policy');
  });

  it('names every bad option in one error', () => {
    assertRejected({}, 'options.prisma', 'options.pepper', 'options.users');
    assertRejected(options({ pepper: 'short', tokenPrefix: 'X', users: {} }), 'options.pepper', 'options.tokenPrefix', 'options.users');
  });

  it('names bad policy options together with other bad options', () => {
    assertRejected(options({ pepper: 'short', policy: { maxActiveTokensPerOwner: 0 } }), 'options.pepper', 'policy.maxActiveTokensPerOwner');
  });

  it('refuses a logger without warn/info, as its message says', () => {
    assertRejected(options({ logger: { error: () => {} } }), 'options.logger');
  });
});

describe('createApiAccess with valid options', () => {
  it('applies defaults and exposes the token pattern for the default prefix', async () => {
    const access = createApiAccess(options());
    try {
      assert.equal(access.tokenPrefix, 'aat');
      assert.match(generateToken('aat'), access.tokenPattern);
      assert.doesNotMatch(generateToken('acme'), access.tokenPattern);
      assert.deepEqual(access.access, { allowPersonalTokens: false });
      assert.equal(access.policy.maxActiveTokensPerOwner, 5);
      assert.equal(access.prisma, prisma);
      assert.ok(access.requestLog !== null, 'request logging is on by default');
      assert.equal(typeof access.requireApiToken(), 'function');
      assert.ok(access.clock() instanceof Date);
    } finally {
      await access.close();
    }
  });

  it('accepts the minimum pepper length, a custom prefix, policy, clock and switches', async () => {
    const fixed = new Date('2030-01-01T00:00:00Z');
    const access = createApiAccess(
      options({
        pepper: 'p'.repeat(32),
        tokenPrefix: 'acme',
        allowPersonalTokens: true,
        policy: { maxActiveTokensPerOwner: 2, allowNeverExpires: false, maxLifetimeDays: 30, expiryPresetsDays: [30, 7] },
        clock: () => fixed,
        requestLog: { enabled: false },
        realm: 'Acme API',
      }),
    );
    try {
      assert.equal(access.tokenPrefix, 'acme');
      assert.match(generateToken('acme'), access.tokenPattern);
      assert.doesNotMatch(generateToken('aat'), access.tokenPattern);
      assert.deepEqual(access.access, { allowPersonalTokens: true });
      assert.equal(access.policy.maxActiveTokensPerOwner, 2);
      assert.deepEqual(access.policy.expiryPresetsDays, [7, 30]);
      assert.equal(access.clock(), fixed);
      assert.equal(access.requestLog, null);
    } finally {
      await access.close();
    }
  });
});
