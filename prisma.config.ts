// Prisma's Rust engines cannot be downloaded everywhere, so the CLI runs on the JavaScript
// schema engine through the same driver adapter the app uses at runtime.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { sqliteUrl } from './example-app/src/database-url.js';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => {
    const url = sqliteUrl();
    // better-sqlite3 creates the file but not its folder, and a fresh clone has neither.
    mkdirSync(path.dirname(path.resolve(url.replace(/^file:/, ''))), { recursive: true });
    return new PrismaBetterSQLite3({ url });
  },
});
