// The verification cache's background refresh: tokens in use are reloaded before their entries
// expire, together, in as few statements as the refresh window allows. On SQLite the statements
// are counted at the driver adapter, below Prisma; the PostgreSQL run checks the answers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrismaClient } from '@prisma/client';
import { createApiAccess } from 'adminjs-api-access';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { generateToken } from '../../src/core/token-format.js';
import { hashToken } from '../../src/core/hashing.js';
import { refreshWindowMs } from '../../src/core/verifier.js';
import { TestClock } from '../helpers/clock.js';
import { countingSqliteAdapter, type QueryCounter } from '../helpers/counting-adapter.js';
import { createHostDatabase } from '../helpers/database.js';
import { TEST_PEPPER } from '../helpers/host.js';

const TOKENS = 40;
const TTL = 10_000;

/** Inserts `count` valid tokens straight into the table; returns their secrets. */
async function insertTokens(prisma: PrismaClient, count: number, prefix: string): Promise<string[]> {
  const secrets = Array.from({ length: count }, () => generateToken('aat'));
  await prisma.apiToken.createMany({
    data: secrets.map((secret, i) => ({
      id: `${prefix}-${String(i).padStart(3, '0')}`,
      name: `${prefix} token ${i}`,
      secretHash: hashToken(TEST_PEPPER, secret),
      lastFour: secret.slice(-4),
      allowedIps: [],
      ownerId: 'owner',
      ownerEmail: 'owner@example.com',
      createdById: 'owner',
      createdByEmail: 'owner@example.com',
    })),
  });
  return secrets;
}

interface Setup {
  access: ReturnType<typeof createApiAccess>;
  counter: QueryCounter;
  /** False on PostgreSQL, where statements are not counted (answers are still checked). */
  counted: boolean;
  secrets: string[];
  /** Verifies each secret (all at once) and asserts every one is admitted. */
  verifyAll: (secrets?: string[]) => Promise<void>;
}

/** A verifier with TOKENS tokens in a fresh database, statements counted on SQLite; closed afterwards. */
async function withVerifier(options: { ttl: number; clock?: TestClock; prefix: string }, run: (setup: Setup) => Promise<void>): Promise<void> {
  const db = await createHostDatabase();
  const counter: QueryCounter = { count: 0 };
  const prisma = db.provider === 'postgres' ? createPrismaClient(db.url) : new PrismaClient({ adapter: countingSqliteAdapter(db.url, counter) });
  const access = createApiAccess({
    prisma,
    pepper: TEST_PEPPER,
    users: { findById: async () => null },
    ...(options.clock ? { clock: options.clock.now } : {}),
    requestLog: { enabled: false },
    verification: { cacheTtlMs: options.ttl },
  });
  try {
    const secrets = await insertTokens(prisma, TOKENS, options.prefix);
    const verifyAll = async (group: string[] = secrets) => {
      for (const result of await Promise.all(group.map((secret) => access.verifier.verify(secret, '127.0.0.1')))) assert.equal(result.ok, true);
    };
    await run({ access, counter, counted: db.provider !== 'postgres', secrets, verifyAll });
  } finally {
    await access.close();
    await prisma.$disconnect();
    await db.remove();
  }
}

describe('verification cache refresh', () => {
  it(`reloads ${TOKENS} tokens in use with one statement when their hits spread over less than the refresh window`, async () => {
    const clock = new TestClock();
    await withVerifier({ ttl: TTL, clock, prefix: 'refresh' }, async ({ counter, counted, secrets, verifyAll }) => {
      await verifyAll();

      // Past the point (at most 80% of the TTL) where every entry asks to be refreshed, still within the TTL.
      clock.advance(TTL * 0.85);
      counter.count = 0;
      // The hits come in four groups over ~150 ms of real time (less than the 1 s window): each is
      // answered from memory and queues its token for the one background statement.
      assert.equal(refreshWindowMs(TTL), 1_000);
      for (let group = 0; group < 4; group++) {
        if (group > 0) await sleep(50);
        await verifyAll(secrets.slice(group * 10, group * 10 + 10));
      }
      if (counted) assert.equal(counter.count, 0, 'hits within the TTL wait for no statement');
      await sleep(refreshWindowMs(TTL) + 500);
      if (counted) assert.equal(counter.count, 1, 'one statement reloads every token used during the window');

      // Reloaded at 85% of the TTL: fresh until then plus a TTL, so these hits need no statement.
      clock.advance(TTL * 0.5);
      counter.count = 0;
      await verifyAll();
      if (counted) assert.equal(counter.count, 0, "refreshed entries answer from memory past the first load's TTL");
    });
  });

  it(`keeps ${TOKENS} tokens used once and then left idle answered from memory past their first TTL (the sweep refreshes them in time)`, async () => {
    // Real time with a short TTL: 3 s, so refresh points at 1.5-2.4 s, windows and sweeps of 300 ms.
    const ttl = 3_000;
    await withVerifier({ ttl, prefix: 'idle' }, async ({ counter, counted, verifyAll }) => {
      const loaded = Date.now();
      await verifyAll();
      // No request from here on until the first load's TTL has passed, but within a TTL of this last use.
      await sleep(200);
      await verifyAll();
      await sleep(Math.max(0, loaded + ttl + 100 - Date.now()));
      counter.count = 0;
      await verifyAll();
      // Sweeps a quarter of the TTL apart that queued only entries already past their refresh point
      // missed those whose point fell between two sweeps: with 40 tokens, some always did.
      if (counted) assert.equal(counter.count, 0, 'every entry was reloaded in the background before its TTL');
    });
  });
});
