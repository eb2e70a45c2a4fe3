// Generates the Prisma client of the repository's schema (node_modules/.prisma/client), which the
// TypeScript build, the type check, the example host and the tests all need. npm does not run
// @prisma/client's own install script (dependency install scripts are not allowed), and the
// package has no `prepare` script (npm would run it on every install of the package), so the
// build and the type check run this first.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const prisma = path.join('node_modules', 'prisma', 'build', 'index.js');
const generated = spawnSync(process.execPath, [prisma, 'generate'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (generated.status !== 0) {
  console.error('[generate] prisma generate failed (see above)');
  process.exit(generated.status ?? 1);
}
