import path from 'node:path';
import { fileURLToPath } from 'node:url';

const exampleAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function isPostgresUrl(url: string | undefined): boolean {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** The example host's embedded database: DATABASE_URL when it is a file: URL, else example-app/data/app.db. */
export function sqliteUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL;
  if (url?.startsWith('file:')) return url;
  return `file:${path.join(exampleAppDir, 'data', 'app.db')}`;
}

/**
 * The example host's database: DATABASE_URL when it is a PostgreSQL URL, else the SQLite file of
 * sqliteUrl(). Any other DATABASE_URL is refused rather than quietly replaced by the SQLite file.
 */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL;
  if (url && !isPostgresUrl(url) && !url.startsWith('file:')) {
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? 'no scheme';
    throw new Error(`DATABASE_URL must be file:PATH (SQLite) or postgresql://USER:PASSWORD@HOST:PORT/DATABASE (PostgreSQL); it has ${scheme}.`);
  }
  return isPostgresUrl(url) ? url! : sqliteUrl(env);
}
