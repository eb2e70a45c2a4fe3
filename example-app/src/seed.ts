import type { PrismaClient } from '@prisma/client';
import type { ApiAccess, Actor } from 'adminjs-api-access';
import { SCOPES } from './sample-api.js';
import type { StartupLock } from './startup-lock.js';
import { ADMIN, hashPassword, SUPER_ADMIN } from './users.js';

/** Sign-ins of the example host. Printed at start-up: this is a demo, not a production setup. */
export const SEEDED_SIGN_INS = [
  { email: 'super@example.com', password: 'super-admin-demo', role: SUPER_ADMIN, name: 'Sam Super' },
  { email: 'admin@example.com', password: 'admin-demo', role: ADMIN, name: 'Ada Admin' },
] as const;

/** The three roles of the first seed document (Enpass Business API). */
export const SEEDED_ROLES = [
  { name: 'Onboarding & Adoption', description: 'License usage, onboarding progress, and adoption metrics', scopes: [SCOPES.onboarding] },
  { name: 'Security Audit', description: 'Organization-wide security health and risk summaries', scopes: [SCOPES.securityAudit] },
  { name: 'Vault Summary', description: 'Metadata and security health for individual vaults', scopes: [SCOPES.vaultSummary] },
] as const;

export interface SeedResult {
  seeded: boolean;
}

/**
 * Seeds an empty database: two admins, the three roles, and a few tokens made through the
 * token service (so each has its audit event). Their secrets are thrown away: nobody can
 * use them, they only show what the screens look like with data.
 *
 * Under the start-up lock, so that of several processes starting together on one empty
 * database exactly one seeds it; the others wait for it, then find admins and seed nothing.
 */
export async function seed(prisma: PrismaClient, apiAccess: ApiAccess, lock: StartupLock): Promise<SeedResult> {
  return lock(() => seedEmpty(prisma, apiAccess));
}

async function seedEmpty(prisma: PrismaClient, apiAccess: ApiAccess): Promise<SeedResult> {
  if ((await prisma.adminUser.count()) > 0) return { seeded: false };
  const users = [];
  for (const user of SEEDED_SIGN_INS) {
    users.push(
      await prisma.adminUser.create({
        data: { email: user.email, name: user.name, role: user.role, passwordHash: await hashPassword(user.password) },
      }),
    );
  }
  const superAdmin = users[0]!;
  const actor: Actor = { id: superAdmin.id, email: superAdmin.email, isSuperAdmin: true };
  await apiAccess.service.grantTokenAdmin(actor, superAdmin.id);
  const roles = [];
  for (const role of SEEDED_ROLES) roles.push(await apiAccess.service.createRole(actor, role));
  const [onboarding, security, vault] = roles;
  const tokens = [
    {
      name: 'GRC dashboard',
      description: 'Nightly pull into the compliance dashboard',
      tags: ['grc', 'prod'],
      roleIds: [security!.id],
      expiry: { type: 'days', days: 90 },
    },
    {
      name: 'Adoption report',
      description: 'Weekly adoption metrics for the CS team',
      tags: ['reporting'],
      roleIds: [onboarding!.id],
      expiry: { type: 'days', days: 30 },
    },
    {
      name: 'Vault health sync',
      description: 'Feeds vault health into the SIEM',
      tags: ['siem', 'prod'],
      roleIds: [vault!.id, security!.id],
      expiry: { type: 'never' },
    },
  ] as const;
  for (const token of tokens) await apiAccess.service.create(actor, token);
  return { seeded: true };
}
