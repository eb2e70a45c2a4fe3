// Background writes (request-log batches, last-used flushes, retention batches) each run in a
// transaction of their own. On SQLite the Prisma adapter has one connection: a write sent while
// another transaction is open on it ran inside that transaction and was undone when it rolled
// back, while the writer counted it as written. A one-element $transaction([...]) batch did not
// prevent it (Prisma sends it without BEGIN). Real databases, SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Prisma, PrismaClient } from '@prisma/client';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { inOwnTransaction } from '../../src/store/own-transaction.js';
import { RetiredSecretAudit } from '../../src/core/retired-secret-audit.js';
import { UsageTracker } from '../../src/core/usage-tracker.js';
import { RequestLogWriter } from '../../src/request-log/writer.js';
import { RequestLogRetention } from '../../src/jobs/request-log-retention.js';
import Database from 'better-sqlite3';
import { createHostDatabase, onPostgres } from '../helpers/database.js';
import { prismaStore } from '../../src/store/prisma-store.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const DAY_MS = 86_400_000;

/** Runs `write` while another transaction is open, then rolls that one back. */
async function whileAnotherTransactionRollsBack(prisma: PrismaClient, write: () => Promise<unknown>): Promise<void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const other = prisma
    .$transaction(
      async (tx) => {
        await tx.$executeRaw(Prisma.sql`UPDATE "ApiToken" SET "name" = "name" WHERE "id" = 'none'`);
        await held;
        throw new Error('rolled back on purpose');
      },
      { timeout: 20_000 },
    )
    .then(
      () => null,
      (error: Error) => error,
    );
  await sleep(50); // the other transaction is open
  const written = write();
  await sleep(100);
  release();
  assert.equal((await other)?.message, 'rolled back on purpose');
  await written;
}

async function withDatabase(run: (prisma: PrismaClient) => Promise<void>): Promise<void> {
  const db = await createHostDatabase();
  const prisma = createPrismaClient(db.url);
  try {
    await run(prisma);
  } finally {
    await prisma.$disconnect();
    await db.remove();
  }
}

/**
 * A database with token x1 whose write lock (SQLite) or x1's row lock (PostgreSQL) another process
 * holds for 200 ms from the start of `run`; on SQLite `run`'s client gives up waiting after 50 ms.
 */
async function withLockedDatabase(run: (prisma: PrismaClient, released: Promise<unknown>) => Promise<void>): Promise<void> {
  const db = await createHostDatabase();
  const prisma = onPostgres() ? createPrismaClient(db.url) : new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: db.url, timeout: 50 }) });
  const otherPrisma = onPostgres() ? createPrismaClient(db.url) : null;
  const otherFile = onPostgres() ? null : new Database(db.file);
  try {
    await insertToken(prisma, 'x1');
    let released: Promise<unknown>;
    if (otherFile) {
      otherFile.exec('BEGIN IMMEDIATE');
      released = sleep(200).then(() => otherFile.exec('COMMIT'));
    } else {
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      released = otherPrisma!.$transaction(async (tx) => {
        await tx.$queryRaw(Prisma.sql`SELECT "id" FROM "ApiToken" WHERE "id" = 'x1' FOR UPDATE`);
        locked();
        await sleep(200);
      });
      await isLocked;
    }
    await run(prisma, released);
  } finally {
    otherFile?.close();
    await otherPrisma?.$disconnect();
    await prisma.$disconnect();
    await db.remove();
  }
}

async function insertToken(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.apiToken.create({
    data: {
      id,
      name: id,
      secretHash: `hash-${id}`,
      lastFour: '0000',
      allowedIps: [],
      ownerId: 'owner',
      ownerEmail: 'owner@example.com',
      createdById: 'owner',
      createdByEmail: 'owner@example.com',
    },
  });
}

describe('background writes are not undone by another transaction rolling back', () => {
  it('request-log rows written through Prisma stay written', async () => {
    await withDatabase(async (prisma) => {
      const errors: unknown[] = [];
      const writer = new RequestLogWriter(prisma, { batchSize: 100, flushIntervalMs: 60_000, maxBuffered: 1_000, onError: (error) => errors.push(error) });
      try {
        for (let i = 0; i < 3; i++) {
          writer.write({
            tokenId: 't1',
            tokenName: 'one',
            method: 'GET',
            path: '/v',
            status: 200,
            ip: '127.0.0.1',
            userAgent: '',
            durationMs: i,
            createdAt: new Date(NOW),
          });
        }
        await whileAnotherTransactionRollsBack(prisma, () => writer.flush());
        assert.deepEqual(writer.stats, { buffered: 0, written: 3, dropped: 0 });
        assert.equal(await prisma.apiRequestLog.count(), 3);
        assert.deepEqual(errors, []);
      } finally {
        await writer.close();
      }
    });
  });

  it('a last-used flush stays written, one token or many', async () => {
    await withDatabase(async (prisma) => {
      for (const id of ['u1', 'u2', 'u3']) await insertToken(prisma, id);
      const errors: unknown[] = [];
      const tracker = new UsageTracker(prismaStore(prisma), 3_600_000, (error) => errors.push(error));
      try {
        tracker.record('u1', new Date(NOW), '203.0.113.1');
        await whileAnotherTransactionRollsBack(prisma, () => tracker.flush());
        tracker.record('u2', new Date(NOW + 1), '203.0.113.2');
        tracker.record('u3', new Date(NOW + 2), '203.0.113.3');
        await whileAnotherTransactionRollsBack(prisma, () => tracker.flush());
        const rows = await prisma.apiToken.findMany({ orderBy: { id: 'asc' }, select: { lastUsedAt: true, lastUsedIp: true } });
        assert.deepEqual(
          rows.map((r) => [r.lastUsedAt?.getTime(), r.lastUsedIp]),
          [
            [NOW, '203.0.113.1'],
            [NOW + 1, '203.0.113.2'],
            [NOW + 2, '203.0.113.3'],
          ],
        );
        assert.deepEqual(errors, []);
      } finally {
        await tracker.close();
      }
    });
  });

  it('request logs deleted by retention stay deleted', async () => {
    await withDatabase(async (prisma) => {
      const old = new Date(NOW - 100 * DAY_MS);
      await prisma.apiRequestLog.createMany({
        data: Array.from({ length: 5 }, (_, i) => ({
          tokenId: 't1',
          tokenName: 'one',
          method: 'GET',
          path: '/v',
          status: 200,
          ip: '',
          userAgent: '',
          durationMs: i,
          createdAt: old,
        })),
      });
      const retention = new RequestLogRetention({
        prisma,
        clock: () => new Date(NOW),
        logger: { info: () => {}, warn: () => {}, error: () => {} },
        retentionDays: 90,
        batchSize: 2,
        pauseMs: 0,
      });
      await whileAnotherTransactionRollsBack(prisma, () => retention.run());
      assert.equal(await prisma.apiRequestLog.count(), 0);
    });
  });

  it('inOwnTransaction runs again when another process wrote between its read and its write', async () => {
    const db = await createHostDatabase();
    const prisma = createPrismaClient(db.url);
    // The other process: its own connection to the same database.
    const otherPrisma = onPostgres() ? createPrismaClient(db.url) : null;
    const otherFile = onPostgres() ? null : new Database(db.file);
    const otherWrites = async (id: string) => {
      if (otherPrisma) await insertToken(otherPrisma, id);
      else otherFile!.prepare(`UPDATE "ApiToken" SET "name" = ? WHERE "id" = 'x1'`).run(id);
    };
    try {
      await insertToken(prisma, 'x1');
      let attempts = 0;
      await inOwnTransaction(prisma, async (tx) => {
        attempts++;
        await tx.apiToken.count();
        if (attempts === 1) await otherWrites('x2');
        await tx.$executeRaw(Prisma.sql`UPDATE "ApiToken" SET "description" = 'written' WHERE "id" = 'x1'`);
      });
      assert.equal((await prisma.apiToken.findUniqueOrThrow({ where: { id: 'x1' } })).description, 'written');
      // SQLite refuses the first attempt's write (SQLITE_BUSY_SNAPSHOT, at once); PostgreSQL's
      // READ COMMITTED lets it through.
      assert.equal(attempts, onPostgres() ? 1 : 2);
    } finally {
      otherFile?.close();
      await otherPrisma?.$disconnect();
      await prisma.$disconnect();
      await db.remove();
    }
  });

  it('inOwnTransaction runs again when the database stayed locked past the busy timeout (a raw statement: P2010)', async () => {
    await withLockedDatabase(async (prisma, released) => {
      let attempts = 0;
      await inOwnTransaction(prisma, async (tx) => {
        attempts++;
        await tx.$executeRaw(Prisma.sql`UPDATE "ApiToken" SET "description" = 'written' WHERE "id" = 'x1'`);
      });
      await released;
      assert.equal((await prisma.apiToken.findUniqueOrThrow({ where: { id: 'x1' } })).description, 'written');
      // SQLite gives up after its busy timeout (P2010 with SQLITE_BUSY): run again until the lock
      // is gone. PostgreSQL's UPDATE waits for the row's lock.
      if (onPostgres()) assert.equal(attempts, 1);
      else assert.ok(attempts >= 2, `attempts: ${attempts}`);
    });
  });

  it("a retired secret's audit event is written though the database stayed locked past the busy timeout", async () => {
    await withLockedDatabase(async (prisma, released) => {
      const errors: unknown[] = [];
      const audit = new RetiredSecretAudit(
        prismaStore(prisma),
        () => new Date(NOW),
        (error) => errors.push(error),
      );
      assert.equal(audit.report({ tokenId: 'x1', tokenName: 'x1', ip: '203.0.113.7', graceEndedAt: null }), true);
      await audit.flush();
      await released;
      assert.deepEqual(errors, []);
      const events = await prisma.apiAuditEvent.findMany({ where: { action: 'token.rotated_secret_used' } });
      assert.equal(events.length, 1);
      assert.equal(events[0]!.tokenId, 'x1');
    });
  });

  it('inOwnTransaction opens a transaction even for one statement', async () => {
    await withDatabase(async (prisma) => {
      await insertToken(prisma, 'x1');
      await whileAnotherTransactionRollsBack(prisma, () =>
        inOwnTransaction(prisma, (tx) => tx.$executeRaw(Prisma.sql`UPDATE "ApiToken" SET "name" = 'renamed' WHERE "id" = 'x1'`)),
      );
      assert.equal((await prisma.apiToken.findUniqueOrThrow({ where: { id: 'x1' } })).name, 'renamed');
    });
  });
});
