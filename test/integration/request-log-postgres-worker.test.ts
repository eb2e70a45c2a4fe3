/**
 * Request logs written from a worker thread with its own node-postgres connection
 * (requestLog.postgresWorker): every value stored as Prisma reads it back, batches in the order
 * their rows came, nothing lost while the database refuses connections, everything written by
 * close(). PostgreSQL only (scripts/run-tests.mjs runs it in the PostgreSQL run): the SQLite
 * worker's own file is request-log-worker.test.ts.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { PrismaClient } from '@prisma/client';
import { RequestLogWriter } from 'adminjs-api-access';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { createHostDatabase, onPostgres } from '../helpers/database.js';
import { queryPostgres, testPostgresUrl } from '../helpers/postgres.js';
import { logEntry as entry } from '../helpers/request-log-entry.js';

/** The application_name the worker's connection has (postgres-worker.ts). */
const WORKER_APPLICATION = 'adminjs-api-access request log';

interface Context {
  writer: RequestLogWriter;
  prisma: PrismaClient;
  errors: unknown[];
  /** The database's name on the cluster. */
  name: string;
  /** A statement run on the cluster's own database, as its superuser (for ALTER DATABASE and the like). */
  admin: (sql: string) => Promise<unknown[]>;
  /** The worker's connections to the database now. */
  workerConnections: () => Promise<number>;
}

async function withWorker(
  options: { batchSize: number; maxBuffered: number; before?: (admin: Context['admin'], name: string) => Promise<void> },
  run: (context: Context) => Promise<void>,
): Promise<void> {
  assert.ok(onPostgres(), 'this file runs in the PostgreSQL run (scripts/run-tests.mjs)');
  const db = await createHostDatabase();
  const name = new URL(db.url).pathname.slice(1);
  const admin = (sql: string) => queryPostgres(testPostgresUrl()!, sql);
  await options.before?.(admin, name);
  const prisma = createPrismaClient(db.url);
  const errors: unknown[] = [];
  const writer = new RequestLogWriter(prisma, {
    batchSize: options.batchSize,
    maxBuffered: options.maxBuffered,
    flushIntervalMs: 60_000,
    onError: (error) => errors.push(error),
    postgresWorker: { url: db.url },
  });
  const workerConnections = async () =>
    Number(
      (
        await queryPostgres<{ n: string }>(testPostgresUrl()!, 'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [
          name,
          WORKER_APPLICATION,
        ])
      )[0]!.n,
    );
  try {
    await run({ writer, prisma, errors, name, admin, workerConnections });
  } finally {
    await writer.close();
    await prisma.$disconnect();
    await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await db.remove();
  }
}

async function durationsById(prisma: PrismaClient): Promise<number[]> {
  return (await prisma.apiRequestLog.findMany({ orderBy: { id: 'asc' }, select: { durationMs: true } })).map((r) => r.durationMs);
}

/** Requests counted by the usage rollups: per token and day, and per day. */
async function rollupTotals(prisma: PrismaClient): Promise<{ tokenDays: number; days: number }> {
  const sum = (rows: Array<{ ok: number; clientError: number; serverError: number; refused: number; aborted: number }>) =>
    rows.reduce((n, r) => n + r.ok + r.clientError + r.serverError + r.refused + r.aborted, 0);
  return { tokenDays: sum(await prisma.apiTokenUsageDay.findMany()), days: sum(await prisma.apiUsageDay.findMany()) };
}

describe('request logs written from a worker thread on PostgreSQL (requestLog.postgresWorker)', () => {
  it('stores every value as Prisma reads it back: any text, and times in UTC whatever the session time zone', async () => {
    // A database whose sessions are 13 hours ahead of UTC: a time taken in the session's zone would be off by that.
    const before = (admin: Context['admin'], name: string) => admin(`ALTER DATABASE "${name}" SET timezone TO 'Pacific/Auckland'`).then(() => undefined);
    await withWorker({ batchSize: 100, maxBuffered: 1_000, before }, async ({ writer, prisma, errors }) => {
      const texts = ['"quoted"', 'back\\slash', '{braces}', 'a,b', 'NULL', '', 'é — 漢字 🚀', 'line\nbreak', "it's"];
      const base = Date.UTC(2026, 10, 23, 23, 59, 59, 7);
      for (const [i, text] of texts.entries())
        writer.write({ ...entry(i), tokenName: text, path: `/p/${text}`, userAgent: text, status: 200 + i, createdAt: new Date(base + i * 1_000) });
      await writer.flush();
      assert.deepEqual(errors, []);
      const rows = await prisma.apiRequestLog.findMany({ orderBy: { durationMs: 'asc' } });
      assert.deepEqual(
        rows.map((r) => ({
          tokenId: r.tokenId,
          tokenName: r.tokenName,
          path: r.path,
          userAgent: r.userAgent,
          status: r.status,
          createdAt: r.createdAt.getTime(),
        })),
        texts.map((text, i) => ({ tokenId: `t${i}`, tokenName: text, path: `/p/${text}`, userAgent: text, status: 200 + i, createdAt: base + i * 1_000 })),
      );
      // The rollup's days are UTC days: the first row on the 23rd, the rest past midnight on the 24th.
      const days = await prisma.apiUsageDay.findMany({ orderBy: { day: 'asc' } });
      assert.deepEqual(
        days.map((d) => [d.day, d.ok]),
        [
          ['2026-11-23', 1],
          ['2026-11-24', texts.length - 1],
        ],
      );
    });
  });

  it('writes the batches in the order their rows came, each row once', async () => {
    await withWorker({ batchSize: 10, maxBuffered: 10_000 }, async ({ writer, prisma, errors }) => {
      for (let i = 0; i < 1_005; i++) writer.write(entry(i));
      await writer.flush();
      assert.deepEqual(errors, []);
      assert.deepEqual(writer.stats, { buffered: 0, written: 1_005, dropped: 0 });
      assert.deepEqual(
        await durationsById(prisma),
        Array.from({ length: 1_005 }, (_, i) => i),
      );
      assert.deepEqual(await rollupTotals(prisma), { tokenDays: 1_005, days: 1_005 });
    });
  });

  it('while the database refuses connections (its connection cut), keeps the newest rows within maxBuffered, in order, and writes them once it can', async () => {
    await withWorker({ batchSize: 10, maxBuffered: 100 }, async ({ writer, prisma, errors, name, admin, workerConnections }) => {
      for (let i = 0; i < 5; i++) writer.write(entry(i));
      await writer.flush();
      assert.equal(await workerConnections(), 1, 'the worker is connected');
      // The outage: no new connection is let in, and the worker's is cut.
      await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND application_name = '${WORKER_APPLICATION}'`);
      for (let i = 5; i < 95; i++) writer.write(entry(i));
      await writer.flush();
      assert.ok(errors.length > 0, 'the failures are reported');
      assert.ok(
        errors.every((e) => e instanceof Error),
        `Errors: ${errors.map(String).join('; ')}`,
      );
      assert.deepEqual(writer.stats, { buffered: 90, written: 5, dropped: 0 });
      for (let i = 95; i < 250; i++) writer.write(entry(i));
      await writer.flush();
      const { buffered, dropped } = writer.stats;
      assert.ok(buffered <= 100, `at most maxBuffered rows kept (${buffered})`);
      assert.equal(buffered + dropped, 245);
      await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await writer.flush();
      assert.deepEqual(writer.stats, { buffered: 0, written: 5 + buffered, dropped });
      assert.deepEqual(
        await durationsById(prisma),
        [0, 1, 2, 3, 4, ...Array.from({ length: buffered }, (_, i) => 250 - buffered + i)],
        'the rows before the outage, then the newest rows, in the order they came',
      );
      assert.deepEqual(await rollupTotals(prisma), { tokenDays: 5 + buffered, days: 5 + buffered }, 'each written batch counted once');
    });
  });

  it('close() writes every buffered row, then closes its connection', async () => {
    await withWorker({ batchSize: 500, maxBuffered: 10_000 }, async ({ writer, prisma, errors, workerConnections }) => {
      for (let i = 0; i < 1_234; i++) writer.write(entry(i));
      await writer.close();
      assert.deepEqual(errors, []);
      assert.deepEqual(writer.stats, { buffered: 0, written: 1_234, dropped: 0 });
      assert.equal(await prisma.apiRequestLog.count(), 1_234);
      assert.deepEqual(await rollupTotals(prisma), { tokenDays: 1_234, days: 1_234 });
      // The server drops a backend a moment after its client said goodbye.
      for (let waited = 0; (await workerConnections()) > 0; waited += 20) {
        if (waited > 5_000) assert.fail('the worker left its connection open');
        await sleep(20);
      }
    });
  });
});
