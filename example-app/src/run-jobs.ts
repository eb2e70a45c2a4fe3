// `npm run jobs`: runs the expiry e-mails, the retry of failed leak e-mails and the request-log
// retention once against the example host's database, with the same environment as `npm start`,
// and says what they did. Safe while the host runs: the jobs claim each e-mail in the database,
// never sending one twice.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiAccess, describeJobsReport } from 'adminjs-api-access';
import { databaseUrl } from './database-url.js';
import { loadOrCreateSecret } from './local-secret.js';
import { notificationsFromEnv } from './notifications.js';
import { createPrismaClient } from './prisma.js';
import { AdminUsers } from './users.js';

const dataDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');
const log = (message: string) => console.log(`[jobs] ${message}`);
const port = process.env.PORT ?? '3000';

const prisma = createPrismaClient(databaseUrl());
const apiAccess = createApiAccess({
  prisma,
  pepper: loadOrCreateSecret('API_ACCESS_PEPPER', dataDir, log),
  users: new AdminUsers(prisma),
  notifications: notificationsFromEnv({ dataDir, adminUrl: process.env.PUBLIC_ADMIN_URL ?? `http://localhost:${port}/admin`, log }),
  logger: {
    info: (message, ...rest) => console.log(message, ...rest),
    warn: (message, ...rest) => console.warn(message, ...rest),
    error: (message, ...rest) => console.error(message, ...rest),
  },
});

let exitCode = 0;
try {
  const report = await apiAccess.runJobs();
  for (const line of describeJobsReport(report)) log(line);
  log(`done in ${report.durationMs} ms`);
  if (report.errors.some((e) => /no such table|does not exist/i.test(e.message))) {
    log('The database has no api-access tables yet: run `npm run db:migrate` (or `npm start` once) first.');
  }
  if (report.errors.length > 0 || (report.expiryNotices?.failed ?? 0) > 0 || (report.leakMails?.failed ?? 0) > 0) exitCode = 1;
} finally {
  await apiAccess.close();
  await prisma.$disconnect();
}
process.exit(exitCode);
