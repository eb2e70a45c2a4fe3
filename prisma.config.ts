// Prisma's Rust engines cannot be downloaded everywhere, so the CLI runs on the JavaScript
// schema engine through the same driver adapter the app uses at runtime.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { sqliteUrl } from './example-app/src/database-url.js';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => new PrismaBetterSQLite3({ url: sqliteUrl() }),
});
