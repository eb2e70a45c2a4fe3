import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { isPostgresUrl } from './database-url.js';

/** Runs `work` while no other process of the host on the same database runs work under this lock. */
export type StartupLock = <T>(work: () => Promise<T>) => Promise<T>;

/** How long a process waits for another one's start-up work before it gives up. */
const WAIT_MS = 120_000;
const POLL_MS = 50;
const LOCK_NAME = 'adminjs-api-access example start-up';

interface PgClient {
  connect(): Promise<unknown>;
  query(text: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}
const pg = createRequire(import.meta.url)('pg') as { Client: new (options: { connectionString: string }) => PgClient };

/**
 * The lock that makes the example host's one-time start-up work (the seed) happen once when
 * several processes start together on one database; whoever waited then finds it done.
 *
 * - PostgreSQL: a session advisory lock on a connection of its own, released when the work ends
 *   or, should the process die, when its connection closes.
 * - SQLite: a write transaction (BEGIN IMMEDIATE) held on a small lock file beside the database
 *   (`<file>.startup-lock`), not on the database itself, where it would block the work's own
 *   writes; SQLite's file lock dies with its process. A busy lock is polled, never waited on in
 *   a blocking call, so that the process keeps running meanwhile.
 * - An in-memory SQLite database belongs to one process: no lock.
 */
export function startupLock(databaseUrl: string): StartupLock {
  if (isPostgresUrl(databaseUrl)) return (work) => withPgLock(databaseUrl, work);
  const file = databaseUrl.replace(/^file:/, '');
  if (file === ':memory:' || file === '') return (work) => work();
  return (work) => withSqliteLock(`${file}.startup-lock`, work);
}

async function withPgLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET lock_timeout = ${WAIT_MS}`);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_NAME]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_NAME]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withSqliteLock<T>(lockFile: string, work: () => Promise<T>): Promise<T> {
  const db = new Database(lockFile, { timeout: 0 });
  try {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      try {
        db.exec('BEGIN IMMEDIATE');
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
        if (Date.now() > deadline) throw new Error(`Another process held ${lockFile} for more than ${WAIT_MS / 1000} s; is one stuck starting up?`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
    try {
      return await work();
    } finally {
      db.exec('ROLLBACK');
    }
  } finally {
    db.close();
  }
}
