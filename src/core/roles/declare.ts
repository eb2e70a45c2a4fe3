import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { recordAudit } from '../audit.js';
import { inOwnTransaction } from '../own-transaction.js';
import { isPrismaKnownError } from '../prisma-errors.js';
import { roleInputSchema } from './role-input.js';
import type { TokenEvents } from '../events.js';
import type { Actor, Clock } from '../types.js';

/** A role the host declares in its options: made at start-up if missing, brought up to date if changed. */
export interface DeclaredRole {
  name: string;
  description?: string;
  scopes: string[];
}

/** A declared role is checked as a role made in the screens is (name, description, scopes). */
export const declaredRoleSchema = roleInputSchema.strict();

export const declaredRolesSchema = z
  .array(declaredRoleSchema)
  .max(200)
  .refine((roles) => new Set(roles.map((r) => r.name)).size === roles.length, 'role names must be unique');

/** Who the audit trail says made or changed a declared role. */
export const ROLES_OPTION_ACTOR: Actor = { id: 'options.roles', email: 'options.roles (start-up)', isSuperAdmin: true };

/** How often one role is tried when other processes change it at the same moment. */
const ATTEMPTS = 8;

class LostRace extends Error {}

/**
 * Makes the declared roles exist as declared, by name: a missing role is created, one whose
 * description or scopes differ is updated (each with its audit event), an equal one is left
 * alone, so running it again changes nothing. Safe when several processes start together on one
 * database: the role name is unique, so of two creations one fails and runs again (and then finds
 * the role); an update applies only to the row as it was read, or runs again.
 */
export async function declareRoles(
  prisma: PrismaClient,
  roles: readonly z.output<typeof declaredRoleSchema>[],
  clock: Clock,
  events: TokenEvents,
): Promise<{ created: number; updated: number }> {
  let created = 0;
  let updated = 0;
  for (const role of roles) {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await inOwnTransaction(prisma, async (tx) => {
          const now = clock();
          const current = await tx.apiRole.findUnique({ where: { name: role.name } });
          if (!current) {
            await tx.apiRole.create({ data: { name: role.name, description: role.description, scopes: role.scopes, createdAt: now } });
            await recordAudit(tx, ROLES_OPTION_ACTOR, 'role.created', null, { role: role.name, scopes: role.scopes }, now);
            return 'created' as const;
          }
          const scopes = Array.isArray(current.scopes) ? current.scopes : [];
          if (current.description === role.description && JSON.stringify(scopes) === JSON.stringify(role.scopes)) return 'same' as const;
          const changed = await tx.apiRole.updateMany({
            where: { id: current.id, updatedAt: current.updatedAt },
            data: { description: role.description, scopes: role.scopes },
          });
          if (changed.count === 0) throw new LostRace();
          await recordAudit(tx, ROLES_OPTION_ACTOR, 'role.edited', null, { role: role.name, scopes: [scopes, role.scopes] }, now);
          const tokens = await tx.apiTokenRole.findMany({ where: { roleId: current.id }, select: { tokenId: true } });
          return { tokenIds: tokens.map((t) => t.tokenId) };
        });
        if (outcome === 'created') created++;
        if (typeof outcome === 'object') {
          updated++;
          // The role's scopes are part of every cached verification of its tokens.
          for (const tokenId of outcome.tokenIds) events.emit({ tokenId, kind: 'edited' });
        }
        break;
      } catch (error) {
        const raced = error instanceof LostRace || isPrismaKnownError(error, 'P2002');
        if (!raced || attempt >= ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt * (1 + Math.random())));
      }
    }
  }
  return { created, updated };
}
