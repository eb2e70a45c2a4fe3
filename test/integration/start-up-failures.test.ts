// A start-up that cannot succeed (bad DATABASE_URL, database unreachable, data folder not writable,
// database not migrated, port in use) says why in one line and exits with 1: the migration
// (scripts/migrate.ts) and the host (example-app/src/main.ts) alike, never with a stack trace.
// Runs once, on SQLite (scripts/run-tests.mjs): each case brings its own database or none.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runEntry, type Finished } from '../helpers/example-start.js';
import { createTestDatabase } from '../helpers/database.js';

const MIGRATE = path.join('scripts', 'migrate.ts');
const MAIN = path.join('example-app', 'src', 'main.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'api-access-fail-'));
const secrets = { API_ACCESS_PEPPER: 'p'.repeat(43), SESSION_SECRET: 's'.repeat(43), DATA_DIR: path.join(dir, 'data') };

/** A port nothing listens on: one the system gave a listener that is closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function assertOneLineFailure(run: Finished, prefix: string, reason: RegExp): void {
  const all = `${run.stdout}${run.stderr}`;
  assert.equal(run.code, 1, all);
  const errorLines = run.stderr.split('\n').filter((line) => line.trim() !== '');
  assert.equal(errorLines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.ok(errorLines[0]!.startsWith(prefix), errorLines[0]);
  assert.match(errorLines[0]!, reason);
  assert.doesNotMatch(all, /^\s+at /m, 'no stack trace');
}

describe('a start-up that cannot succeed says why in one line and exits with 1', { concurrency: true }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [entry, prefix] of [
    [MIGRATE, '[migrate] Cannot migrate: '],
    [MAIN, '[example-app] Cannot start: '],
  ] as const) {
    const who = entry === MIGRATE ? 'the migration' : 'the host';

    it(`${who}: a DATABASE_URL of another database`, async () => {
      const run = await runEntry(entry, { ...secrets, DATABASE_URL: 'mysql://app:secret@localhost:3306/app' });
      assertOneLineFailure(run, prefix, /DATABASE_URL must be file:PATH \(SQLite\) or postgresql:\/\/.* it has mysql:/);
    });

    it(`${who}: a PostgreSQL database that is unreachable`, async () => {
      const port = await closedPort();
      const run = await runEntry(entry, { ...secrets, DATABASE_URL: `postgresql://app@127.0.0.1:${port}/app` });
      assertOneLineFailure(run, prefix, new RegExp(`the database at 127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\)`));
    });
  }

  it('the host: a data folder it cannot write the generated secrets to', async () => {
    const db = createTestDatabase();
    const dataDir = path.join(dir, 'read-only');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o555);
    // root writes anywhere: the host then runs as an unprivileged user.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    try {
      const run = await runEntry(MAIN, { DATABASE_URL: db.url, DATA_DIR: dataDir, API_ACCESS_PEPPER: '', SESSION_SECRET: '' }, asNobody);
      assertOneLineFailure(
        run,
        '[example-app] Cannot start: ',
        new RegExp(`cannot open ${dataDir}/api_access_pepper.* \\(EACCES\\): the data folder must be writable`),
      );
    } finally {
      db.remove();
    }
  });

  it('the host: a database that was never migrated', async () => {
    const run = await runEntry(MAIN, { ...secrets, DATABASE_URL: `file:${path.join(dir, 'never-migrated.db')}` });
    assertOneLineFailure(run, '[example-app] Cannot start: ', /does not exist.*npm run db:migrate/);
  });

  it('the host: a port in use', async () => {
    const db = createTestDatabase();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const { port } = taken.address() as { port: number };
    try {
      const run = await runEntry(MAIN, { ...secrets, DATABASE_URL: db.url, PORT: String(port) });
      assertOneLineFailure(run, '[example-app] Cannot start: ', new RegExp(`port ${port} is in use: stop what uses it, or set PORT to a free port`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      db.remove();
    }
  });
});
