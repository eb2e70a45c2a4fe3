import supertest from 'supertest';
import type { Actor, ApiAccessPluginOptions } from 'adminjs-api-access';
import { createExampleApp, type ExampleApp, type ExampleAppOptions } from '../../example-app/src/app.js';
import { seed, SEEDED_SIGN_INS } from '../../example-app/src/seed.js';
import { TestClock } from './clock.js';
import { createHostDatabase, type TestDatabase } from './database.js';
import { MemoryLogger } from './logger.js';

export const TEST_PEPPER = 'test-pepper-0123456789-abcdefghijklmnopqrstuvwxyz';

export interface TestHost {
  host: ExampleApp;
  db: TestDatabase;
  clock: TestClock;
  logger: MemoryLogger;
  request: supertest.Agent;
  /** The seeded super admin, holding the token-admin grant. */
  superAdmin: Actor;
  /** The seeded ordinary admin. */
  admin: Actor;
  roles: { onboarding: string; securityAudit: string; vaultSummary: string };
  /** Signs in through the AdminJS login form and returns an agent that keeps the session cookie. */
  signIn(email: string, password: string): Promise<supertest.Agent>;
  close(): Promise<void>;
}

export interface TestHostOptions {
  apiAccess?: Partial<Omit<ApiAccessPluginOptions, 'prisma' | 'users' | 'pepper' | 'componentLoader'>>;
  /** Seed the two admins, three roles and three tokens (default true). */
  seed?: boolean;
  /**
   * The admin's request guard (default: non-browser clients allowed, as supertest sends neither
   * Sec-Fetch-Site nor Origin; a browser's cross-site POST is refused either way).
   */
  adminRequests?: ExampleAppOptions['adminRequests'];
}

/** The example host on a fresh database, seeded, with a movable clock and a captured log. */
export async function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const db = await createHostDatabase();
  const clock = new TestClock();
  const logger = new MemoryLogger();
  const host = await createExampleApp({
    databaseUrl: db.url,
    pepper: TEST_PEPPER,
    sessionSecret: 'test-session-secret-0123456789-abcdefghijklmnop',
    clock: clock.now,
    logger,
    apiAccess: { verification: { lastUsedFlushMs: 100 }, requestLog: { flushIntervalMs: 20 }, ...options.apiAccess },
    adminRequests: options.adminRequests ?? { allowNonBrowserClients: true },
  });
  if (options.seed !== false) await seed(host.prisma, host.apiAccess, host.startupLock);
  const users = await host.prisma.adminUser.findMany();
  const byEmail = (email: string) => users.find((u) => u.email === email);
  const toActor = (email: string): Actor => {
    const user = byEmail(email);
    return user ? { id: user.id, email: user.email, isSuperAdmin: user.role === 'super_admin' } : { id: 'none', email, isSuperAdmin: false };
  };
  const roles = await host.prisma.apiRole.findMany();
  const roleId = (name: string) => roles.find((r) => r.name === name)?.id ?? 'missing';
  const request = supertest.agent(host.app);
  return {
    host,
    db,
    clock,
    logger,
    request,
    superAdmin: toActor(SEEDED_SIGN_INS[0].email),
    admin: toActor(SEEDED_SIGN_INS[1].email),
    roles: { onboarding: roleId('Onboarding & Adoption'), securityAudit: roleId('Security Audit'), vaultSummary: roleId('Vault Summary') },
    async signIn(email, password) {
      const agent = supertest.agent(host.app);
      await agent.post('/admin/login').type('form').send({ email, password }).expect(302);
      return agent;
    },
    async close() {
      await host.close();
      await db.remove();
    },
  };
}
