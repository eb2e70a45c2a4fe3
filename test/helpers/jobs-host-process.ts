// A host in its own process that runs all the plugin's jobs, for tests of several hosts on one
// database: it builds the token system on DATABASE_URL with PEPPER, expiry and leak e-mails going
// to SMTP_URL, and the JSON object in OPTIONS merged into its options; says "ready"; and then for
// each line on stdin (a clock offset in ms from the real time) runs `runJobs()` once with its
// clock that far ahead and prints the report as one JSON line. It ends with stdin. (Hosts on one
// SQLite file must be processes of their own: SQLite's busy wait is synchronous, so two
// connections in one process stall each other.)
import { createInterface } from 'node:readline';
// From the source, not the package (nor test/helpers/host.ts): both load AdminJS, seconds of
// start-up that a host running only jobs does not need.
import { createApiAccess, type ApiAccessOptions } from '../../src/api-access.js';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { AdminUsers } from '../../example-app/src/users.js';

const env = process.env;
let offsetMs = 0;
const prisma = createPrismaClient(env.DATABASE_URL!);
const quiet = { info: () => undefined, warn: (...args: unknown[]) => console.error(...args), error: (...args: unknown[]) => console.error(...args) };
const apiAccess = createApiAccess({
  prisma,
  pepper: env.PEPPER!,
  users: new AdminUsers(prisma),
  clock: () => new Date(Date.now() + offsetMs),
  logger: quiet,
  notifications: { transport: env.SMTP_URL!, from: 'API Access <api-access@example.test>', adminUrl: env.ADMIN_URL! },
  ...(JSON.parse(env.OPTIONS ?? '{}') as Partial<ApiAccessOptions>),
});
await apiAccess.ready(); // connect before saying ready
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  offsetMs = Number(line);
  console.log(JSON.stringify(await apiAccess.runJobs()));
}
await apiAccess.close();
await prisma.$disconnect();
