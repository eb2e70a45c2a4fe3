// The HTTP server under test, run in its own process so that the load generator's CPU is not
// its CPU: a minimal Express host using the plugin by its package name, with one sample route
// open and the same route behind requireApiToken (request logging on, from a worker thread as the
// example host configures it, on SQLite and on PostgreSQL; the package's defaults otherwise).
// DATABASE_URL is a file: URL (SQLite) or a postgresql:// one.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { PrismaClient } from '@prisma/client';
import type * as Package from 'adminjs-api-access';
import { createRequire } from 'node:module';
import { countingPostgresAdapter, countingSqliteAdapter, type QueryCounter } from '../test/helpers/counting-adapter.js';
import { BENCH_PEPPER, BENCH_SCOPE } from './lib/dataset.js';
import type { ServerMessage, ServerStats } from './lib/server-process.js';

const url = process.env.DATABASE_URL;
if (!url || !process.send) throw new Error('api-server runs as a forked child with DATABASE_URL set.');

// BENCH_PACKAGE points at another build of the package (e.g. an older commit's dist/index.js)
// to compare two versions side by side; by default the package itself, by its name.
const { createApiAccess } = (await import(process.env.BENCH_PACKAGE ?? 'adminjs-api-access')) as typeof Package;

const queries: QueryCounter = { count: 0 };
const postgres = /^postgres(ql)?:\/\//.test(url);
// The PostgreSQL client is generated from the same models (scripts/generate-postgresql.mjs).
const PostgresClient = postgres
  ? (createRequire(import.meta.url)('../node_modules/.prisma/client-postgresql/index.js') as { PrismaClient: typeof PrismaClient }).PrismaClient
  : null;
const prisma = PostgresClient
  ? new PostgresClient({ adapter: countingPostgresAdapter(url, queries) })
  : new PrismaClient({ adapter: countingSqliteAdapter(url, queries) });
const warnings: string[] = [];
const apiAccess = createApiAccess({
  prisma,
  pepper: BENCH_PEPPER,
  users: { findById: async () => null },
  // As the example host configures it: request logs written from a worker thread.
  // BENCH_REQUEST_LOG=prisma writes them through prisma on the event loop, =off not at all (diagnostics).
  requestLog:
    process.env.BENCH_REQUEST_LOG === 'off'
      ? { enabled: false }
      : process.env.BENCH_REQUEST_LOG === 'prisma'
        ? {}
        : postgres
          ? { postgresWorker: { url } }
          : { sqliteWorker: { file: url } },
  logger: { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
});

// The sample API's vault summary, as example-app/src/sample-api.ts answers it.
const VAULTS = {
  vaults: [
    { id: 'v1', name: 'Engineering', items: 412, health: 'good' },
    { id: 'v2', name: 'Finance', items: 97, health: 'fair' },
  ],
};
const handled = { open: 0, protected: 0 };

const app = express();
app.disable('x-powered-by');
app.get('/open/vaults', (_req, res) => {
  handled.open++;
  res.json(VAULTS);
});
app.get('/api/vaults', apiAccess.requireApiToken({ scopes: [BENCH_SCOPE] }), (_req, res) => {
  handled.protected++;
  res.json(VAULTS);
});

await prisma.$queryRawUnsafe('SELECT 1');
queries.count = 0;

/**
 * CPU time of the event-loop thread and of all other threads together (the request-log worker,
 * V8's garbage-collection helpers), µs, from /proc (Linux; empty elsewhere): shows where the
 * server's CPU goes.
 */
function threadCpu(): { main: number; other: number } | undefined {
  try {
    const cpu = { main: 0, other: 0 };
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, in clock ticks of 10 ms
      const micros = (Number(fields[11]) + Number(fields[12])) * 10_000;
      if (tid === String(process.pid)) cpu.main += micros;
      else cpu.other += micros;
    }
    return cpu;
  } catch {
    return undefined;
  }
}

function stats(): ServerStats {
  const log = apiAccess.requestLog?.stats ?? { buffered: 0, written: 0, dropped: 0 };
  const cpu = process.cpuUsage();
  const { active, idle } = performance.eventLoopUtilization();
  return {
    eventLoop: { active, idle },
    cpuMicros: cpu.user + cpu.system,
    queries: queries.count,
    handled: { ...handled },
    requestLog: log,
    cacheSize: apiAccess.verifier.cacheSize,
    warnings: warnings.slice(0, 5),
    threads: threadCpu(),
  };
}
const send = (message: ServerMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  void send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
server.keepAliveTimeout = 30_000;

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') void send({ type: 'stats', stats: stats() });
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  // The example host's graceful shutdown: stop accepting, then write buffered request logs.
  server.close();
  server.closeAllConnections();
  void (async () => {
    await apiAccess.close();
    await prisma.$disconnect();
    await send({ type: 'closed', stats: stats() });
    process.exit(0);
  })();
});
