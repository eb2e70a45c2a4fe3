// Runs every test tier with Node's test runner. Tiers that need outside parts (a browser, a
// PostgreSQL server) prepare them first, so `npm test` works on a fresh machine.
// The integration tier runs twice: on SQLite (the embedded default), then on a throw-away
// PostgreSQL cluster (TEST_DATABASE=postgres), together with the multihost tier, which runs two
// host processes on one PostgreSQL database. `node scripts/run-tests.mjs unit integration` picks tiers;
// `node scripts/run-tests.mjs test/integration/x.test.ts ...` runs those files (on both databases where
// their tier runs on both).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startCluster } from './pg-cluster.mjs';

const tiers = ['unit', 'integration', 'browser', 'multihost'];
const args = process.argv.slice(2);
const pickedFiles = args.filter((arg) => arg.endsWith('.test.ts')).map((file) => path.normalize(file));
const only = args.filter((arg) => !arg.endsWith('.test.ts'));
for (const file of pickedFiles) {
  if (!existsSync(file)) {
    console.error(`[run-tests] no such test file: ${file}`);
    process.exit(1);
  }
}
const filesOf = (tier) => {
  const dir = path.join('test', tier);
  if (pickedFiles.length > 0) return pickedFiles.filter((file) => path.dirname(file) === dir);
  if (only.length > 0 && !only.includes(tier)) return [];
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => path.join(dir, name));
};
// Files whose subject is PostgreSQL itself run once, in the PostgreSQL run: the PostgreSQL
// request-log worker (its SQLite sibling is in SQLITE_ONLY).
const POSTGRES_ONLY = new Set(['request-log-postgres-worker.test.ts']);
const sqliteFiles = ['unit', 'integration', 'browser'].flatMap(filesOf).filter((file) => !POSTGRES_ONLY.has(path.basename(file)));
// Files whose subject does not depend on the database, or is SQLite itself, run once, on SQLite:
// the SQLite request-log worker; the header fuzzer and the keep-alive credential (header handling
// happens before any query); the start-up of several hosts on one SQLite file (test/multihost/
// has the PostgreSQL case); start-ups that fail (each case brings its own database, or none); the
// admin panel's request guard and headers, hostile admin forms (refused before any query), the
// example host's sessions, and a host's user-directory contract.
const SQLITE_ONLY = new Set([
  'request-log-worker.test.ts',
  'security-fuzz.test.ts',
  'connection-credential.test.ts',
  'start-up-sqlite.test.ts',
  'start-up-failures.test.ts',
  'admin-hardening.test.ts',
  'security-hostile-forms.test.ts',
  'security-sessions.test.ts',
  'host-contract.test.ts',
]);
const postgresFiles = ['integration', 'multihost'].flatMap(filesOf).filter((file) => !SQLITE_ONLY.has(path.basename(file)));
if (sqliteFiles.length + postgresFiles.length === 0) {
  console.error(`No test files found (tiers: ${tiers.join(', ')}).`);
  process.exit(1);
}
// Every test process: the example host hashes admin passwords at bcrypt's lowest cost (its
// default, 12, costs ~0.3 s of CPU a hash, and the suites seed and sign in hundreds of times).
// Every process of the tests also preloads test/helpers/preload.mjs (AdminJS and the host's other
// big dependencies loaded before tsx's loader hooks, in the processes that load TypeScript).
const preload = pathToFileURL(path.resolve('test', 'helpers', 'preload.mjs')).href;
const testEnv = {
  ...process.env,
  PASSWORD_HASH_COST: process.env.PASSWORD_HASH_COST ?? '4',
  NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${preload}`].filter(Boolean).join(' '),
};
let bundleDir = null;
if (sqliteFiles.some((file) => file.startsWith(path.join('test', 'browser') + path.sep))) {
  const browser = spawnSync(process.execPath, [path.join('scripts', 'ensure-chromium.mjs')], { stdio: 'inherit' });
  if (browser.status !== 0) process.exit(browser.status ?? 1);
  // The screens bundled once for every browser suite of this run, into a fresh folder, and served
  // as a production host serves them (NODE_ENV=production, ADMIN_JS_SKIP_BUNDLE=true): AdminJS's
  // minified bundles and React's production build, with the components bundle as a static file.
  // Development mode sends the browser 15 MB of scripts on every page load and makes each suite
  // bundle the screens again; it costs the browser tier about 40% more CPU. The drop-in host's
  // suite runs its own host in development mode, as a team trying the package would.
  if (!process.env.ADMIN_JS_TMP_DIR) {
    testEnv.NODE_ENV = 'production';
    testEnv.ADMIN_JS_SKIP_BUNDLE = 'true';
    bundleDir = mkdtempSync(path.join(os.tmpdir(), 'api-access-adminjs-'));
    testEnv.ADMIN_JS_TMP_DIR = bundleDir;
    process.on('exit', () => rmSync(bundleDir, { recursive: true, force: true }));
    const bundled = spawnSync(process.execPath, ['--import', 'tsx', path.join('test', 'helpers', 'prebundle.ts'), bundleDir], {
      stdio: 'inherit',
      env: testEnv,
    });
    if (bundled.status !== 0) process.exit(bundled.status ?? 1);
  }
}

// How many files run at once in each database's run (TEST_CONCURRENCY_SQLITE, default 3;
// TEST_CONCURRENCY_POSTGRES, default 2). The SQLite run starts with the browser suites, which
// wait on the browser as much as they compute, so a third file keeps two cores busy; the
// PostgreSQL run is all computing, one file per core.
const concurrency = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`[run-tests] ${name} must be a whole number of at least 1, not "${process.env[name]}".`);
    process.exit(1);
  }
  return value;
};

const runNodeTest = (label, files, jobs, env = testEnv) => {
  const started = Date.now();
  const { status, signal } = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${jobs}`, ...files], { stdio: 'inherit', env });
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`[run-tests] ===== ${label}: ${files.length} files, ${status === 0 ? 'passed' : `FAILED (${signal ?? `exit ${status}`})`} in ${seconds} s =====`);
  return status ?? 1;
};

// The longest files first (browser, then multihost, then integration, then unit), so that no long
// file starts last and runs alone.
const ORDER = ['browser', 'multihost', 'integration', 'unit'];
const longestFirst = (files) => [...files].sort((a, b) => ORDER.indexOf(path.basename(path.dirname(a))) - ORDER.indexOf(path.basename(path.dirname(b))));

let cluster = null;
const stop = () => {
  try {
    cluster?.stop();
  } catch (error) {
    console.error(`[run-tests] could not stop the PostgreSQL cluster in ${cluster.dir}: ${error instanceof Error ? error.message : error}`);
  }
};
if (postgresFiles.length > 0) {
  const ensure = spawnSync(process.execPath, [path.join('scripts', 'ensure-postgres.mjs')], { stdio: 'inherit' });
  if (ensure.status !== 0) process.exit(ensure.status ?? 1);
  cluster = await startCluster();
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => {
      stop();
      process.exit(130);
    });
}
let status = 0;
if (sqliteFiles.length > 0) {
  const jobs = concurrency('TEST_CONCURRENCY_SQLITE', 3);
  console.log(`[run-tests] SQLite: ${sqliteFiles.length} files, ${jobs} at a time`);
  status = runNodeTest('SQLite', longestFirst(sqliteFiles), jobs);
}
if (cluster) {
  const jobs = concurrency('TEST_CONCURRENCY_POSTGRES', 2);
  console.log(`[run-tests] PostgreSQL (${cluster.url}): ${postgresFiles.length} files, ${jobs} at a time`);
  const env = { ...testEnv, TEST_DATABASE: 'postgres', TEST_POSTGRES_URL: cluster.url, TEST_POSTGRES_DIR: cluster.dir };
  try {
    const pgStatus = runNodeTest('PostgreSQL', longestFirst(postgresFiles), jobs, env);
    if (status === 0) status = pgStatus;
  } finally {
    stop();
  }
}
process.exit(status);
