// One example-host process for the multihost tests: the host on DATABASE_URL (PostgreSQL), on a
// free loopback port, printing {"port": N} once it listens. A test-only route POST /__test/op
// runs a token operation through this process's own TokenService as the seeded super admin,
// the same call the AdminJS actions make; the tests use it to act "through host A".
import express from 'express';
import { createExampleApp } from '../../example-app/src/app.js';
import { seed, SEEDED_SIGN_INS } from '../../example-app/src/seed.js';
import { TEST_PEPPER } from '../helpers/host.js';

const databaseUrl = process.env.DATABASE_URL!;
const host = await createExampleApp({
  databaseUrl,
  pepper: TEST_PEPPER,
  sessionSecret: 'test-session-secret-0123456789-abcdefghijklmnop',
  logger: { info: () => undefined, warn: (m: string) => console.error(m), error: (m: string, e?: unknown) => console.error(m, e) },
  apiAccess: {
    verification: { lastUsedFlushMs: 1_000 },
    requestLog: { enabled: false },
    // Where the test's stand-in for GitHub publishes the keys that sign leak reports.
    ...(process.env.LEAK_KEYS_URL ? { leakReports: { publicKeysUrl: process.env.LEAK_KEYS_URL } } : {}),
  },
  // The tests sign in with fetch, which sends neither Sec-Fetch-Site nor Origin.
  adminRequests: { allowNonBrowserClients: true },
});
if (process.env.SEED === '1') await seed(host.prisma, host.apiAccess, host.startupLock);
await host.apiAccess.changeFeed?.ready();

const control = express.Router();
control.use(express.json());
control.post('/op', async (req, res) => {
  const { op, id, input } = req.body as { op: string; id?: string; input?: unknown };
  const user = await host.prisma.adminUser.findUniqueOrThrow({ where: { email: SEEDED_SIGN_INS[0].email } });
  const actor = { id: user.id, email: user.email, isSuperAdmin: true };
  const service = host.apiAccess.service;
  try {
    const result =
      op === 'create'
        ? await service.create(actor, input)
        : op === 'rotate'
          ? await service.rotate(actor, id, input ?? {})
          : op === 'regenerate'
            ? await service.regenerate(actor, id, input)
            : op === 'disable'
              ? await service.disable(actor, id)
              : op === 'delete'
                ? await service.delete(actor, id)
                : op === 'actor'
                  ? actor
                  : undefined;
    res.json({ ok: true, result: result ?? null });
  } catch (error) {
    res.status(409).json({ ok: false, code: (error as { code?: string }).code ?? 'ERROR', message: error instanceof Error ? error.message : String(error) });
  }
});
const app = express();
app.use('/__test', control);
app.use(host.app);

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
const stop = async () => {
  server.close();
  server.closeAllConnections?.();
  await host.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
