// The token system as a second host process of a test builds it: the example host's Prisma
// client and user directory on the shared database, the test pepper, no request log, silent.
import { createApiAccess, type ApiAccess, type ApiAccessOptions } from 'adminjs-api-access';
import type { PrismaClient } from '@prisma/client';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { AdminUsers } from '../../example-app/src/users.js';
import { TEST_PEPPER } from './host.js';

export function childApiAccess(url: string, options: Partial<ApiAccessOptions> = {}): { prisma: PrismaClient; apiAccess: ApiAccess } {
  const prisma = createPrismaClient(url);
  const apiAccess = createApiAccess({
    prisma,
    pepper: TEST_PEPPER,
    users: new AdminUsers(prisma),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    requestLog: { enabled: false },
    ...options,
  });
  return { prisma, apiAccess };
}
