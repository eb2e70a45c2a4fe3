// The real example host (AdminJS, sign-in, sessions in the database, the plugin) on a given
// database, in its own process, for the admin-screen figures.
import { createExampleApp } from '../example-app/src/app.js';
import { BENCH_PEPPER } from './lib/dataset.js';
import type { ServerMessage } from './lib/server-process.js';

const url = process.env.DATABASE_URL;
if (!url || !process.send) throw new Error('admin-host runs as a forked child with DATABASE_URL set.');
const send = (message: ServerMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

const host = await createExampleApp({
  databaseUrl: url,
  pepper: BENCH_PEPPER,
  sessionSecret: 'bench-session-secret-0123456789-abcdefghijklmnop',
  logger: { info: () => {}, warn: (...args) => console.warn(...args), error: (...args) => console.error(...args) },
});
const server = host.app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  void send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});

const stats = () => {
  const cpu = process.cpuUsage();
  return {
    cpuMicros: cpu.user + cpu.system,
    queries: 0,
    handled: {},
    requestLog: host.apiAccess.requestLog?.stats ?? { buffered: 0, written: 0, dropped: 0 },
    cacheSize: 0,
    warnings: [],
  };
};
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') void send({ type: 'stats', stats: stats() });
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void (async () => {
    await host.close();
    await send({ type: 'closed', stats: stats() });
    process.exit(0);
  })();
});
