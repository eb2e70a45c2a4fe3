// Preloaded into every Node process of the tests (scripts/run-tests.mjs puts it in NODE_OPTIONS,
// whose --import runs before the command line's): in a process that will load TypeScript through
// tsx, the example host's big dependencies are loaded first, by Node's own loader. Loaded later,
// through tsx, each of their modules would pass through tsx's loader hooks, which in Node 20 run
// on a thread of their own: importing AdminJS takes twice as long that way, and the tests start
// over a hundred processes that import it. Once loaded, an import of them from TypeScript is a
// cache hit. Plain JavaScript processes (npm, the Prisma CLI, a packed host), unit-test files,
// which do not load the host, and worker threads (the request-log writers; a preload runs in
// each worker as well) are left alone.
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

const usesTsx = process.execArgv.some((arg, i) => arg === 'tsx' && process.execArgv[i - 1] === '--import') || process.execArgv.includes('--import=tsx');
const unitTest = (process.argv[1] ?? '').includes(`${path.sep}test${path.sep}unit${path.sep}`);
if (isMainThread && usesTsx && !unitTest) {
  // The package itself (dist/, built before the tests), AdminJS and the rest of what the example host loads.
  const modules = [
    'adminjs-api-access',
    'adminjs',
    '@adminjs/express',
    '@adminjs/prisma',
    '@prisma/client',
    '@prisma/adapter-better-sqlite3',
    '@prisma/adapter-pg',
    'express',
    'express-session',
    'helmet',
    'nodemailer',
    'supertest',
    'zod',
  ];
  await Promise.all(modules.map((name) => import(name)));
}
