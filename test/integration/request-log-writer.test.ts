import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestLogWriter } from 'adminjs-api-access';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { createHostDatabase } from '../helpers/database.js';
import { logTransports, transportOptions, type LogTransportName } from '../helpers/log-transports.js';
import { logEntry as entry } from '../helpers/request-log-entry.js';

const transports = logTransports();

async function withWriter(
  transport: LogTransportName,
  options: { batchSize: number; flushIntervalMs: number; maxBuffered: number },
  run: (writer: RequestLogWriter, rows: () => Promise<number[]>) => Promise<void>,
): Promise<void> {
  const db = await createHostDatabase();
  const prisma = createPrismaClient(db.url);
  const errors: unknown[] = [];
  const writer = new RequestLogWriter(prisma, { ...options, ...transportOptions(transport, db), onError: (error) => errors.push(error) });
  try {
    await run(writer, async () =>
      (await prisma.apiRequestLog.findMany({ orderBy: { durationMs: 'asc' }, select: { durationMs: true } })).map((r) => r.durationMs),
    );
    assert.deepEqual(errors, []);
  } finally {
    await writer.close();
    await prisma.$disconnect();
    await db.remove();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

for (const transport of transports)
  describe(`request-log writer batching (${transport})`, () => {
    it('writes full batches as rows arrive and keeps a partial one for the flush interval, instead of a stream of small batches', async () => {
      await withWriter(transport, { batchSize: 10, flushIntervalMs: 60_000, maxBuffered: 1_000 }, async (writer, rows) => {
        for (let i = 0; i < 25; i++) writer.write(entry(i));
        await until(() => writer.stats.written >= 20, 'two full batches');
        // Time enough for a third insert, had the loop gone on with the 5 rows left.
        await sleep(200);
        assert.deepEqual(writer.stats, { buffered: 5, written: 20, dropped: 0 });
        assert.equal((await rows()).length, 20);
        await writer.flush();
        assert.deepEqual(writer.stats, { buffered: 0, written: 25, dropped: 0 });
        assert.deepEqual(
          await rows(),
          Array.from({ length: 25 }, (_, i) => i),
        );
      });
    });

    it('writes a partial batch once the flush interval has passed', async () => {
      await withWriter(transport, { batchSize: 100, flushIntervalMs: 50, maxBuffered: 1_000 }, async (writer, rows) => {
        for (let i = 0; i < 3; i++) writer.write(entry(i));
        assert.equal(writer.stats.written, 0);
        await until(() => writer.stats.written === 3, 'the interval flush');
        assert.deepEqual(await rows(), [0, 1, 2]);
      });
    });

    it('when the buffer is full, drops its oldest tenth at once, counts the drop, and keeps the newest rows', async () => {
      await withWriter(transport, { batchSize: 10_000, flushIntervalMs: 60_000, maxBuffered: 100 }, async (writer, rows) => {
        for (let i = 0; i < 100; i++) writer.write(entry(i));
        assert.deepEqual(writer.stats, { buffered: 100, written: 0, dropped: 0 });
        writer.write(entry(100));
        // Down to nine tenths in one step, not one row per request from here on.
        assert.deepEqual(writer.stats, { buffered: 90, written: 0, dropped: 11 });
        for (let i = 101; i < 150; i++) writer.write(entry(i));
        const { buffered, dropped } = writer.stats;
        assert.ok(buffered <= 100);
        assert.equal(buffered + dropped, 150);
        await writer.flush();
        assert.deepEqual(
          await rows(),
          Array.from({ length: buffered }, (_, i) => 150 - buffered + i),
          'the newest rows are the ones kept',
        );
      });
    });
  });
