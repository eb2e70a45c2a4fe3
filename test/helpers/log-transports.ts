import type { TestDatabase } from './database.js';
import { onPostgres } from './database.js';

/** The ways request-log rows reach the database: through Prisma, or from the database's worker thread. */
export type LogTransportName = 'prisma' | 'sqlite worker' | 'postgres worker';

/** Every way of this run's database: Prisma, and the worker thread for SQLite or for PostgreSQL. */
export const logTransports = (): LogTransportName[] => (onPostgres() ? ['prisma', 'postgres worker'] : ['prisma', 'sqlite worker']);

/** The RequestLogWriter options that pick `transport` on `db`. */
export function transportOptions(
  transport: LogTransportName,
  db: TestDatabase,
): { sqliteWorker?: { file: string; timestampFormat: 'iso8601' }; postgresWorker?: { url: string } } {
  if (transport === 'sqlite worker') return { sqliteWorker: { file: db.file, timestampFormat: 'iso8601' } };
  if (transport === 'postgres worker') return { postgresWorker: { url: db.url } };
  return {};
}
