import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ApiAccessError, createApiAccess, RequestLogWriter } from 'adminjs-api-access';
import { createExampleApp } from '../../example-app/src/app.js';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { createTestDatabase, migrationSql } from '../helpers/database.js';
import { logEntry as entry } from '../helpers/request-log-entry.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { WORKER_NICENESS } from '../../src/request-log/worker-transport.js';

/** The nice value of each thread of this process, from /proc (Linux). */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // After the command name in parentheses: state is field 3, nice field 19.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

/**
 * A writer whose worker points at a database file that does not exist yet (the database out of
 * reach); `arrive()` puts a migrated file there.
 */
async function withDatabaseLater(
  options: { batchSize: number; maxBuffered: number },
  run: (writer: RequestLogWriter, errors: unknown[], arrive: () => void, later: string) => Promise<void>,
): Promise<void> {
  const db = createTestDatabase();
  const later = path.join(db.dir, 'later.db');
  const prisma = createPrismaClient(db.url);
  const errors: unknown[] = [];
  const writer = new RequestLogWriter(prisma, {
    ...options,
    flushIntervalMs: 60_000,
    onError: (error) => errors.push(error),
    sqliteWorker: { file: later, timestampFormat: 'iso8601' },
  });
  try {
    await run(writer, errors, () => copyFileSync(db.file, later), later);
  } finally {
    await writer.close();
    await prisma.$disconnect();
    db.remove();
  }
}

describe('request logs written from a worker thread (requestLog.sqliteWorker)', () => {
  let t: TestHost;
  before(async () => {
    t = await startTestHost();
  });
  after(async () => t?.close());

  it('stores rows exactly as Prisma does, and Prisma reads them back', async () => {
    const { secret, token } = await t.host.apiAccess.service.create(t.superAdmin, {
      name: 'worker rows',
      roleIds: [t.roles.vaultSummary],
      expiry: { type: 'days', days: 30 },
    });
    for (let i = 0; i < 5; i++)
      await t.request.get('/api/v1/vaults?page=2').set('Authorization', `Bearer ${secret}`).set('User-Agent', 'worker-test').expect(200);
    await t.host.apiAccess.flush();
    const raw = new Database(t.db.file, { readonly: true });
    try {
      const rows = raw.prepare('SELECT * FROM "ApiRequestLog" WHERE "tokenId" = ?').all(token.id) as Array<Record<string, unknown>>;
      const tokenRow = raw.prepare('SELECT "createdAt" FROM "ApiToken" WHERE "id" = ?').get(token.id) as { createdAt: string };
      assert.equal(rows.length, 5);
      for (const row of rows) {
        // The same text form as the DateTime columns the Prisma adapter writes, so that ordering
        // and period filters compare like with like.
        assert.match(String(row.createdAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
        assert.equal(String(row.createdAt).length, tokenRow.createdAt.length);
        assert.equal(row.path, '/api/v1/vaults');
        assert.equal(row.userAgent, 'worker-test');
        assert.equal(row.status, 200);
      }
    } finally {
      raw.close();
    }
    const page = await t.host.apiAccess.service.listRequestLogs(t.superAdmin, { tokenId: token.id, from: new Date(Date.now() - 60_000) });
    assert.equal(page.total, 5);
    assert.ok(page.items.every((log) => log.createdAt instanceof Date && Math.abs(log.createdAt.getTime() - Date.now()) < 60_000));
  });

  it('keeps the rows when the worker cannot open the database, and writes them once it can', async () => {
    await withDatabaseLater({ batchSize: 100, maxBuffered: 1_000 }, async (writer, errors, arrive, later) => {
      for (let i = 0; i < 3; i++) writer.write(entry(i));
      await writer.flush();
      assert.deepEqual(writer.stats, { buffered: 3, written: 0, dropped: 0 });
      assert.ok(errors.length > 0, 'the failure is reported');
      const reported = errors[0];
      assert.ok(reported instanceof Error, `an Error, not ${JSON.stringify(reported)}`);
      assert.ok(reported.message.includes(later) && reported.message.includes('SQLITE_CANTOPEN'), `names the file and the cause: ${reported.message}`);
      arrive();
      await writer.flush();
      assert.deepEqual(writer.stats, { buffered: 0, written: 3, dropped: 0 });
      const raw = new Database(later, { readonly: true });
      assert.equal((raw.prepare('SELECT COUNT(*) AS n FROM "ApiRequestLog"').get() as { n: number }).n, 3);
      raw.close();
    });
  });

  it('while the database is out of reach, keeps the newest rows across batches in order, sheds the oldest, and writes the rest once it can', async () => {
    await withDatabaseLater({ batchSize: 10, maxBuffered: 100 }, async (writer, errors, arrive, later) => {
      // Full batches go out as they fill and fail (no file yet), so they come back to the front
      // while newer rows keep arriving behind them.
      for (let i = 0; i < 95; i++) writer.write(entry(i));
      await writer.flush();
      assert.ok(errors.length > 0, 'the failures are reported');
      assert.deepEqual(writer.stats, { buffered: 95, written: 0, dropped: 0 });
      for (let i = 95; i < 250; i++) writer.write(entry(i));
      await writer.flush();
      const { buffered, dropped } = writer.stats;
      assert.ok(buffered <= 100, `at most maxBuffered rows kept (${buffered})`);
      assert.equal(buffered + dropped, 250);
      arrive();
      await writer.flush();
      assert.deepEqual(writer.stats, { buffered: 0, written: buffered, dropped });
      const raw = new Database(later, { readonly: true });
      const kept = (raw.prepare('SELECT "durationMs" FROM "ApiRequestLog" ORDER BY "id"').all() as { durationMs: number }[]).map((r) => r.durationMs);
      raw.close();
      assert.deepEqual(
        kept,
        Array.from({ length: buffered }, (_, i) => 250 - buffered + i),
        'the newest rows, in the order they came',
      );
    });
  });

  it('writes batches of several statements (full chunks and a remainder) with every value in place', async () => {
    const db = createTestDatabase();
    const prisma = createPrismaClient(db.url);
    const writer = new RequestLogWriter(prisma, {
      batchSize: 1_000,
      flushIntervalMs: 60_000,
      maxBuffered: 10_000,
      onError: (error) => assert.fail(String(error)),
      sqliteWorker: { file: db.file, timestampFormat: 'iso8601' },
    });
    const base = Date.UTC(2026, 10, 23, 12, 0, 0, 7);
    try {
      // 257 rows: two chunks of one statement each and 57 single-row statements, in one batch.
      for (let i = 0; i < 257; i++) writer.write({ ...entry(i), status: 200 + (i % 5), ip: `203.0.113.${i % 250}`, createdAt: new Date(base + i) });
      await writer.flush();
      assert.deepEqual(writer.stats, { buffered: 0, written: 257, dropped: 0 });
      const rows = await prisma.apiRequestLog.findMany({ orderBy: { durationMs: 'asc' } });
      assert.equal(rows.length, 257);
      rows.forEach((row, i) => {
        assert.deepEqual(
          { tokenId: row.tokenId, tokenName: row.tokenName, status: row.status, ip: row.ip, durationMs: row.durationMs, createdAt: row.createdAt.getTime() },
          { tokenId: `t${i}`, tokenName: `token ${i}`, status: 200 + (i % 5), ip: `203.0.113.${i % 250}`, durationMs: i, createdAt: base + i },
        );
      });
    } finally {
      await writer.close();
      await prisma.$disconnect();
      db.remove();
    }
  });

  it("the example host puts its SQLite file in WAL mode, so the worker's writes and the host's reads do not block each other", async () => {
    // A file as `npm run db:migrate` leaves it: the migrations, in SQLite's default rollback-journal mode.
    const dir = mkdtempSync(path.join(tmpdir(), 'api-access-wal-'));
    const file = path.join(dir, 'host.db');
    const fresh = new Database(file);
    for (const sql of migrationSql()) fresh.exec(sql);
    assert.equal(fresh.pragma('journal_mode', { simple: true }), 'delete');
    fresh.close();
    const host = await createExampleApp({ databaseUrl: `file:${file}`, pepper: 'p'.repeat(32), sessionSecret: 's'.repeat(48) });
    try {
      const raw = new Database(file, { readonly: true });
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      raw.close();
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`runs the worker thread ${WORKER_NICENESS} nice steps below the process, and no other thread`, async () => {
    assert.equal(process.platform, 'linux', 'this test reads thread priorities from /proc');
    const base = getPriority();
    const lowered = Math.min(19, base + WORKER_NICENESS);
    assert.equal(WORKER_NICENESS, 10);
    // Other writers in this process (the test host's) may have their own lowered worker already.
    const loweredThreads = () => threadNiceness().filter((nice) => nice === lowered).length;
    const before = loweredThreads();
    const db = createTestDatabase();
    const prisma = createPrismaClient(db.url);
    const errors: unknown[] = [];
    const writer = new RequestLogWriter(prisma, {
      batchSize: 10,
      maxBuffered: 100,
      flushIntervalMs: 60_000,
      onError: (error) => errors.push(error),
      sqliteWorker: { file: db.file, timestampFormat: 'iso8601' },
    });
    try {
      writer.write(entry(1));
      await writer.flush();
      assert.deepEqual(errors, []);
      assert.equal(writer.stats.written, 1);
      assert.equal(loweredThreads(), before + 1, `one more thread (this writer's worker) at nice ${lowered}: ${threadNiceness().join(', ')}`);
      assert.equal(getPriority(), base, 'the process (its main thread) keeps its priority');
    } finally {
      await writer.close();
      await prisma.$disconnect();
      db.remove();
    }
    assert.equal(loweredThreads(), before, 'the lowered thread ends with the writer');
  });

  it('refuses an in-memory database at start-up', () => {
    const prisma = createPrismaClient('file::memory:');
    for (const file of [':memory:', 'file::memory:']) {
      assert.throws(
        () => createApiAccess({ prisma, pepper: 'p'.repeat(32), users: { findById: async () => null }, requestLog: { sqliteWorker: { file } } }),
        (error: unknown) => error instanceof ApiAccessError && error.code === 'INVALID_OPTIONS' && error.message.includes('sqliteWorker'),
      );
    }
  });
});
