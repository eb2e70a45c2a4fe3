import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExampleApp } from './app.js';
import { databaseUrl } from './database-url.js';
import { loadOrCreateSecret } from './local-secret.js';
import { notificationsFromEnv } from './notifications.js';
import { seed, SEEDED_SIGN_INS } from './seed.js';

const dataDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');
const log = (message: string) => console.log(`[example-app] ${message}`);

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535), got "${process.env.PORT}".`);
  process.exit(1);
}

const host = await createExampleApp({
  databaseUrl: databaseUrl(),
  pepper: loadOrCreateSecret('API_ACCESS_PEPPER', dataDir, log),
  sessionSecret: loadOrCreateSecret('SESSION_SECRET', dataDir, log),
  apiBaseUrl: process.env.PUBLIC_API_URL ?? `http://localhost:${port}/api/v1`,
  apiAccess: {
    notifications: notificationsFromEnv({ dataDir, adminUrl: process.env.PUBLIC_ADMIN_URL ?? `http://localhost:${port}/admin`, log }),
  },
});
const { seeded } = await seed(host.prisma, host.apiAccess);
if (seeded) log('Seeded an empty database with two admins, three roles and three tokens.');

// Expiry e-mails and request-log retention, now and then every JOBS_INTERVAL_MS (default 15 minutes).
try {
  host.apiAccess.startJobs(process.env.JOBS_INTERVAL_MS ? { intervalMs: Number(process.env.JOBS_INTERVAL_MS) } : {});
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await host.close();
  process.exit(1);
}

const server = host.app.listen(port, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const base = `http://localhost:${actualPort}`;
  log(`Admin panel:  ${base}/admin`);
  log(`Sample API:   ${base}/api/v1 (health, whoami, onboarding, security-audit, vaults)`);
  for (const user of SEEDED_SIGN_INS) log(`Sign in as ${user.role === 'super_admin' ? 'super admin' : 'admin      '}: ${user.email} / ${user.password}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: shutting down, stopping the jobs and writing buffered request logs...`);
  server.close();
  server.closeAllConnections?.();
  await host.close();
  log('Stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
