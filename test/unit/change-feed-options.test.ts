import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiAccess, type ApiAccessOptions } from '../../src/api-access.js';
import { ApiAccessError } from '../../src/core/errors.js';
import type { UserDirectory } from '../../src/core/types.js';
import { modelsOnlyPrisma } from '../helpers/fake-prisma.js';

const prisma = modelsOnlyPrisma();
const users: UserDirectory = { findById: async () => null };
const pepper = 'a-pepper-that-is-32-characters!!';
const options = (changeFeed: unknown) => ({ prisma, pepper, users, changeFeed }) as ApiAccessOptions;

function rejected(changeFeed: unknown, mention: string): void {
  assert.throws(
    () => createApiAccess(options(changeFeed)),
    (error: unknown) => error instanceof ApiAccessError && error.code === 'INVALID_OPTIONS' && error.message.includes(mention),
  );
}

describe('the changeFeed option', () => {
  it('is off by default', async () => {
    const access = createApiAccess(options(undefined));
    assert.equal(access.changeFeed, null);
    await access.close();
  });

  it('needs a postgres:// URL and a plain channel name, and nothing else', () => {
    rejected({}, 'changeFeed.postgresUrl');
    rejected({ postgresUrl: 'file:./app.db' }, 'changeFeed.postgresUrl');
    rejected({ postgresUrl: 'mysql://h/db' }, 'changeFeed.postgresUrl');
    rejected({ postgresUrl: 'postgres://h/db', channel: 'x"; DROP TABLE "ApiToken' }, 'changeFeed.channel');
    rejected({ postgresUrl: 'postgres://h/db', channel: '1abc' }, 'changeFeed.channel');
    rejected({ postgresUrl: 'postgres://h/db', extra: true }, 'changeFeed');
  });

  it('starts with the instance and stops with close(), without a reachable server failing the host', async () => {
    // Port 1 on loopback refuses at once: the feed logs, keeps retrying in the background, and close() ends it.
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
    const access = createApiAccess({ ...options({ postgresUrl: 'postgresql://nobody@127.0.0.1:1/none' }), logger });
    assert.ok(access.changeFeed);
    const deadline = Date.now() + 5_000;
    while (warnings.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(
      warnings.some((w) => w.includes('change feed is not listening')),
      JSON.stringify(warnings),
    );
    await access.close();
  });
});
