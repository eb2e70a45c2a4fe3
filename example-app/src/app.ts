import express, { type Express } from 'express';
import type { PrismaClient } from '@prisma/client';
import { ComponentLoader, type CurrentAdmin } from 'adminjs';
import { apiAccessPlugin, type AdminRequestGuardOptions, type ApiAccessPlugin, type ApiAccessPluginOptions, type Clock, type Logger } from 'adminjs-api-access';
import { buildAdmin } from './admin.js';
import { isPostgresUrl } from './database-url.js';
import { createPrismaClient } from './prisma.js';
import { sampleApi } from './sample-api.js';
import { securityHeaders } from './security-headers.js';
import { PrismaSessionStore } from './session-store.js';
import { startupLock, type StartupLock } from './startup-lock.js';
import { parseTrustProxy } from './trust-proxy.js';
import { AdminUsers, SUPER_ADMIN } from './users.js';
import type AdminJS from 'adminjs';

/** Where the example host takes GitHub's secret scanning reports. */
export const LEAK_REPORT_PATH = '/api/github/secret-scanning';

export interface ExampleAppOptions {
  databaseUrl: string;
  pepper: string;
  sessionSecret: string;
  clock?: Clock;
  logger?: Logger;
  /** Overrides of the plugin's options, e.g. a policy, for tests and experiments. */
  apiAccess?: Partial<Omit<ApiAccessPluginOptions, 'prisma' | 'users' | 'pepper' | 'componentLoader'>>;
  /** Shown on the admin screens (default /api/v1). */
  apiBaseUrl?: string;
  /** Express's "trust proxy" (default: TRUST_PROXY from the environment, else off). Only behind a reverse proxy: see trust-proxy.ts. */
  trustProxy?: boolean | number | string;
  /** A PrismaClient to use instead of one on databaseUrl. */
  prisma?: PrismaClient;
  /** Which state-changing admin requests are accepted (default: only the panel's own; see adminRequestGuard). */
  adminRequests?: AdminRequestGuardOptions;
}

export interface ExampleApp {
  app: Express;
  prisma: PrismaClient;
  apiAccess: ApiAccessPlugin;
  users: AdminUsers;
  admin: AdminJS;
  sessionStore: PrismaSessionStore;
  /** Serialises one-time start-up work (the seed) across processes on this database. */
  startupLock: StartupLock;
  /** Flushes request logs and last-used times, then disconnects. */
  close(): Promise<void>;
}

/** The SQLite file the host's own PrismaClient opens, if it opens one (not in memory, not PostgreSQL). */
function sqliteFile(options: ExampleAppOptions): string | null {
  if (options.prisma || !options.databaseUrl.startsWith('file:')) return null;
  const file = options.databaseUrl.slice('file:'.length);
  return file === ':memory:' ? null : file;
}

/** Where the request-log worker writes: the SQLite file, or the PostgreSQL database; none for an in-memory SQLite database. */
function logWorker(options: ExampleAppOptions, sqlite: string | null): { sqliteWorker?: { file: string }; postgresWorker?: { url: string } } {
  if (sqlite) return { sqliteWorker: { file: sqlite } };
  return isPostgresUrl(options.databaseUrl) ? { postgresWorker: { url: options.databaseUrl } } : {};
}

/** The example host: AdminJS with sign-in, the sample API behind the plugin's middleware. */
export async function createExampleApp(options: ExampleAppOptions): Promise<ExampleApp> {
  const prisma = options.prisma ?? createPrismaClient(options.databaseUrl);
  const users = new AdminUsers(prisma);
  const componentLoader = new ComponentLoader();
  const logFile = sqliteFile(options);
  // WAL (kept in the file once set): the request-log worker's writes and the admin screens' reads
  // on the host's connection then go on side by side; with the default rollback journal every log
  // batch blocks readers, and a long read blocks the log writer.
  if (logFile) await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  const apiAccess = apiAccessPlugin({
    prisma,
    pepper: options.pepper,
    users,
    componentLoader,
    isSuperAdmin: (currentAdmin?: CurrentAdmin) => currentAdmin?.role === SUPER_ADMIN,
    apiBaseUrl: options.apiBaseUrl ?? '/api/v1',
    listUsers: () => users.list(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    // Several hosts may share a PostgreSQL database: each tells the others about revoked tokens.
    ...(isPostgresUrl(options.databaseUrl) ? { changeFeed: { postgresUrl: options.databaseUrl } } : {}),
    ...options.apiAccess,
    // Request logs are written from a worker thread with its own connection to the database (the
    // SQLite file, or PostgreSQL), so that inserting them never runs on the event loop that serves the API.
    requestLog: { ...logWorker(options, logFile), ...options.apiAccess?.requestLog },
  });
  const sessionStore = new PrismaSessionStore(prisma);
  const { admin, router: adminRouter } = await buildAdmin({
    prisma,
    users,
    sessionSecret: options.sessionSecret,
    sessionStore,
    resources: apiAccess.resources,
    translations: apiAccess.translations,
    componentLoader,
    // The request-log CSV export, served with the admin session.
    routes: [apiAccess.adminRoutes()],
    // Tokens keep copies of their owner's and author's e-mail address: they follow an edit.
    onAdminUserSaved: (userId) => apiAccess.service.syncUserEmail(userId),
    ...(options.adminRequests ? { requestGuard: options.adminRequests } : {}),
  });

  const app = express();
  app.disable('x-powered-by');
  const trustProxy = parseTrustProxy(options.trustProxy ?? process.env.TRUST_PROXY);
  if (trustProxy !== false) app.set('trust proxy', trustProxy);
  app.use(securityHeaders());
  // GitHub's secret scanning partner program reports leaked tokens here (README "Leaked tokens").
  // Before any JSON body parser: the handler checks the signature over the raw body.
  app.post(LEAK_REPORT_PATH, apiAccess.leakReportHandler());
  app.use(
    '/api/v1',
    sampleApi(apiAccess, async () => void (await prisma.$queryRawUnsafe('SELECT 1'))),
  );
  app.use(admin.options.rootPath, adminRouter);
  app.get('/', (_req, res) => res.redirect(admin.options.rootPath));

  return {
    app,
    prisma,
    apiAccess,
    users,
    admin,
    sessionStore,
    startupLock: startupLock(options.databaseUrl),
    async close() {
      sessionStore.close();
      await apiAccess.close();
      if (!options.prisma) await prisma.$disconnect();
    },
  };
}
