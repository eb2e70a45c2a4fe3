// Last-used bookkeeping as the middleware feeds it (UsageTracker): the latest use of each token
// waits in memory and a flush writes them all, many tokens to a transaction. On SQLite the
// transactions are counted at the driver adapter, below Prisma; the PostgreSQL run checks the rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PrismaClient } from '@prisma/client';
import { TOKENS_PER_STATEMENT, UsageTracker } from '../../src/core/usage-tracker.js';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { countingSqliteAdapter, type QueryCounter } from '../helpers/counting-adapter.js';
import { createHostDatabase } from '../helpers/database.js';
import { prismaStore } from '../../src/store/prisma-store.js';

const TOKENS = 1_200;
const BASE = Date.UTC(2026, 10, 23, 9, 0, 0);

describe('last-used bookkeeping (UsageTracker)', () => {
  it(`writes the last use of ${TOKENS} tokens in statements of at most ${TOKENS_PER_STATEMENT}, one a transaction, each token with its own time and address`, async () => {
    const db = await createHostDatabase();
    const counter: QueryCounter = { count: 0, transactions: 0 };
    const prisma = db.provider === 'postgres' ? createPrismaClient(db.url) : new PrismaClient({ adapter: countingSqliteAdapter(db.url, counter) });
    const errors: unknown[] = [];
    const tracker = new UsageTracker(prismaStore(prisma), 3_600_000, (error) => errors.push(error));
    try {
      const ids = Array.from({ length: TOKENS }, (_, i) => `usage-${String(i).padStart(5, '0')}`);
      await prisma.apiToken.createMany({
        data: ids.map((id, i) => ({
          id,
          name: `usage token ${i}`,
          secretHash: `hash-${id}`,
          lastFour: '0000',
          allowedIps: [],
          ownerId: 'owner',
          ownerEmail: 'owner@example.com',
          createdById: 'owner',
          createdByEmail: 'owner@example.com',
        })),
      });
      const edited = new Map((await prisma.apiToken.findMany({ select: { id: true, updatedAt: true } })).map((row) => [row.id, row.updatedAt.getTime()]));
      // Each token used twice: only its latest use is written.
      for (const [i, id] of ids.entries()) tracker.record(id, new Date(BASE + i * 1_000), '198.51.100.1');
      for (const [i, id] of ids.entries()) tracker.record(id, new Date(BASE + i * 1_000 + 500), `203.0.113.${i % 250}`);
      // A token deleted before the flush is skipped, and does not undo the others.
      tracker.record('usage-deleted', new Date(BASE), '203.0.113.1');
      counter.transactions = 0;
      counter.count = 0;
      await tracker.flush();
      assert.deepEqual(errors, []);
      if (db.provider !== 'postgres') {
        const chunks = Math.ceil((TOKENS + 1) / TOKENS_PER_STATEMENT);
        assert.equal(counter.transactions, chunks, 'transactions for one flush');
        // One UPDATE a transaction, whatever the number of tokens in it: a few statements a
        // transaction (its own bookkeeping included), not one a token (1,203 before).
        assert.ok(counter.count <= 3 * chunks, `statements for one flush: ${counter.count}`);
      }
      const rows = await prisma.apiToken.findMany({ select: { id: true, lastUsedAt: true, lastUsedIp: true }, orderBy: { id: 'asc' } });
      assert.equal(rows.length, TOKENS);
      rows.forEach((row, i) => {
        assert.equal(row.lastUsedAt?.getTime(), BASE + i * 1_000 + 500, row.id);
        assert.equal(row.lastUsedIp, `203.0.113.${i % 250}`, row.id);
      });
      // Use is not an edit: the time of the last change stays as it was.
      const after = await prisma.apiToken.findMany({ select: { id: true, updatedAt: true } });
      for (const row of after) assert.equal(row.updatedAt.getTime(), edited.get(row.id), `${row.id} updatedAt`);
      // Nothing new: a flush writes nothing.
      counter.transactions = 0;
      await tracker.flush();
      assert.equal(counter.transactions, 0);
    } finally {
      await tracker.close();
      await prisma.$disconnect();
      await db.remove();
    }
  });
});
