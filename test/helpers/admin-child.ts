// A second host in its own process for test/integration/admin-write-retry.test.ts: on the same
// database, it runs the admin changes the parent sends (one JSON line on stdin), all at once, and
// answers with how each ended (one JSON line on stdout).
// argv: <database url> <actor id> <actor email>
import { createInterface } from 'node:readline';
import { runChanges, type AdminChange } from './admin-changes.js';
import { childApiAccess } from './child-api-access.js';

const [url, actorId, actorEmail] = process.argv.slice(2);
if (!url || !actorId || !actorEmail) {
  console.error('admin-child: <database url> <actor id> <actor email>');
  process.exit(2);
}
const { prisma, apiAccess } = childApiAccess(url, { policy: { maxActiveTokensPerOwner: 1000 } });
const actor = { id: actorId, email: actorEmail, isSuperAdmin: true };

await prisma.$queryRawUnsafe('SELECT 1');
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const results = await runChanges(apiAccess.service, actor, JSON.parse(line) as AdminChange[]);
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
await apiAccess.close();
await prisma.$disconnect();
