// A child process for test/integration/security-fuzz.test.ts: the example host on its own SQLite
// file, listening on 127.0.0.1, with one token issued. Run with --expose-gc; over IPC it reports
// "ready" (port, and the token's secret: test-only, so that the fuzzer can make near-misses of a
// real secret), answers "memory" with the heap after a full collection, and stops on "stop".
import type { AddressInfo } from 'node:net';
import { createExampleApp } from '../../example-app/src/app.js';
import { seed } from '../../example-app/src/seed.js';
import { createTestDatabase } from './database.js';
import { TEST_PEPPER } from './host.js';

export interface ChildReady {
  type: 'ready';
  port: number;
  secret: string;
  tokenId: string;
  maxCacheEntries: number;
}

export interface ChildMemory {
  type: 'memory';
  heapUsed: number;
  rss: number;
  cacheSize: number;
  /** Lines the host logged at warn or error level: a fuzzed header must cause none. */
  problems: string[];
}

const send = (message: ChildReady | ChildMemory | { type: 'stopped' }) => process.send?.(message);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) {
  console.error('security-api-child: run me with --expose-gc as a child process with an IPC channel.');
  process.exit(2);
}

const MAX_CACHE_ENTRIES = 2_000;
const problems: string[] = [];
const note =
  (level: string) =>
  (message: string, ...rest: unknown[]) =>
    problems.push(`${level} ${message} ${rest.map(String).join(' ')}`.slice(0, 500));
const db = createTestDatabase();
const host = await createExampleApp({
  databaseUrl: db.url,
  pepper: TEST_PEPPER,
  sessionSecret: 'fuzz-session-secret-0123456789-abcdefghijklmnop',
  logger: { info: () => undefined, warn: note('warn'), error: note('error') },
  // A small verification cache, so that the fuzz fills it early and memory must then stay flat.
  apiAccess: { verification: { maxCacheEntries: MAX_CACHE_ENTRIES } },
});
await seed(host.prisma, host.apiAccess, host.startupLock);
const superAdmin = await host.prisma.adminUser.findUniqueOrThrow({ where: { email: 'super@example.com' } });
const role = await host.prisma.apiRole.findFirstOrThrow({ where: { name: 'Vault Summary' } });
const { token, secret } = await host.apiAccess.service.create(
  { id: superAdmin.id, email: superAdmin.email, isSuperAdmin: true },
  { name: 'fuzz target', roleIds: [role.id], expiry: { type: 'days', days: 30 } },
);
const server = host.app.listen(0, '127.0.0.1');
await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
send({ type: 'ready', port: (server.address() as AddressInfo).port, secret, tokenId: token.id, maxCacheEntries: MAX_CACHE_ENTRIES });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await host.close();
  db.remove();
  send({ type: 'stopped' });
  process.exit(0);
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    gc();
    gc();
    const { heapUsed, rss } = process.memoryUsage();
    send({ type: 'memory', heapUsed, rss, cacheSize: host.apiAccess.verifier.cacheSize, problems: problems.splice(0) });
  } else if (message.type === 'stop') {
    void stop();
  }
});
process.on('disconnect', () => void stop());
