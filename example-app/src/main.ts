import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExampleApp, type ExampleApp } from './app.js';
import { databaseUrl } from './database-url.js';
import { loadOrCreateSecret } from './local-secret.js';
import { notificationsFromEnv } from './notifications.js';
import { seed, SEEDED_SIGN_INS } from './seed.js';
import { startFailure } from './start-failure.js';

// DATA_DIR: where the generated secrets, the default SQLite file and the e-mail outbox live.
const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'data'));
const log = (message: string) => console.log(`[example-app] ${message}`);

/** Says why the host cannot start, in one line, and exits with 1. */
async function fail(error: unknown, host?: ExampleApp): Promise<never> {
  console.error(`[example-app] Cannot start: ${startFailure(error)}`);
  await host?.close().catch(() => undefined);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) await fail(new Error(`PORT must be a port number (0-65535), got "${process.env.PORT}".`));

let host: ExampleApp | undefined;
try {
  host = await createExampleApp({
    databaseUrl: databaseUrl(),
    pepper: loadOrCreateSecret('API_ACCESS_PEPPER', dataDir, log),
    sessionSecret: loadOrCreateSecret('SESSION_SECRET', dataDir, log),
    apiBaseUrl: process.env.PUBLIC_API_URL ?? `http://localhost:${port}/api/v1`,
    // Behind a proxy, the panel's origin as browsers see it: the admin accepts POSTs from there only.
    ...(process.env.PUBLIC_ADMIN_URL ? { adminRequests: { publicOrigin: new URL(process.env.PUBLIC_ADMIN_URL).origin } } : {}),
    apiAccess: {
      notifications: notificationsFromEnv({ dataDir, adminUrl: process.env.PUBLIC_ADMIN_URL ?? `http://localhost:${port}/admin`, log }),
    },
  });
  const { seeded } = await seed(host.prisma, host.apiAccess, host.startupLock);
  if (seeded) log('Seeded an empty database with two admins, three roles and three tokens.');
  // Expiry e-mails and request-log retention, now and then every JOBS_INTERVAL_MS (default 15 minutes).
  host.apiAccess.startJobs(process.env.JOBS_INTERVAL_MS ? { intervalMs: Number(process.env.JOBS_INTERVAL_MS) } : {});
} catch (error) {
  await fail(error, host);
}
const running = host!;

const server: Server = await new Promise<Server>((resolve) => {
  const listening = running.app.listen(port, () => resolve(listening));
  listening.once('error', (error: NodeJS.ErrnoException) => {
    void fail(error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: stop what uses it, or set PORT to a free port.`) : error, running);
  });
});
const address = server.address();
const base = `http://localhost:${typeof address === 'object' && address ? address.port : port}`;
log(`Admin panel:  ${base}/admin`);
log(`Sample API:   ${base}/api/v1 (health, whoami, onboarding, security-audit, vaults)`);
for (const user of SEEDED_SIGN_INS) log(`Sign in as ${user.role === 'super_admin' ? 'super admin' : 'admin      '}: ${user.email} / ${user.password}`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: shutting down, stopping the jobs and writing buffered request logs...`);
  server.close();
  server.closeAllConnections?.();
  await running.close();
  log('Stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
