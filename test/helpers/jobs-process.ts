// A second host in its own process, for tests of several hosts on one database: it builds the
// token system on DATABASE_URL, says "ready", and then for each line on stdin (a clock offset in
// ms from the real time) runs the expiry notifier RUNS times at once with its clock that far
// ahead, and prints the reports as one JSON line. It ends with stdin. (Two hosts must be two
// processes: SQLite's busy wait is synchronous, so two connections in one process stall each other.)
import { createInterface } from 'node:readline';
import { createApiAccess } from 'adminjs-api-access';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { AdminUsers } from '../../example-app/src/users.js';
import { TEST_PEPPER } from './host.js';

const env = process.env;
let offsetMs = 0;
const prisma = createPrismaClient(env.DATABASE_URL!);
const quiet = { info: () => undefined, warn: (...args: unknown[]) => console.error(...args), error: (...args: unknown[]) => console.error(...args) };
const apiAccess = createApiAccess({
  prisma,
  pepper: TEST_PEPPER,
  users: new AdminUsers(prisma),
  clock: () => new Date(Date.now() + offsetMs),
  logger: quiet,
  notifications: { transport: env.SMTP_URL!, from: 'API Access <api-access@example.test>', adminUrl: env.ADMIN_URL! },
});
await prisma.apiToken.count(); // connect before saying ready
console.log('ready');
const runs = Number(env.RUNS ?? 1);
for await (const line of createInterface({ input: process.stdin })) {
  offsetMs = Number(line);
  const reports = await Promise.all(Array.from({ length: runs }, () => apiAccess.notifier!.run()));
  console.log(JSON.stringify(reports));
}
await apiAccess.close();
await prisma.$disconnect();
