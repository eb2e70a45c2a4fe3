import { z } from 'zod';
import { UniqueViolation, type TokenStore } from '../store.js';
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

/** How often one role is tried when another process creates it at the same moment. */
const ATTEMPTS = 8;

/** What declaring roles needs: the store, the clock, and the events that drop cached verifications. */
export interface DeclareRolesDeps {
  store: TokenStore;
  clock: Clock;
  events: TokenEvents;
}

function isAsDeclared(current: { description: string; scopes: string[] }, declared: { description: string; scopes: string[] }): boolean {
  return current.description === declared.description && JSON.stringify(current.scopes) === JSON.stringify(declared.scopes);
}

/**
 * Makes the declared roles exist as declared, by name: a missing role is created, one whose
 * description or scopes differ is updated (each with its audit event), an equal one is left
 * alone, so running it again changes nothing. Safe when several processes start together on one
 * database: the role name is unique, so of two creations one fails and runs again (and then
 * finds the role); a role to change is locked first, so of two changes the second starts from
 * the first's result; the store runs a transaction again on a write conflict.
 */
export async function declareRoles(
  deps: DeclareRolesDeps,
  roles: readonly z.output<typeof declaredRoleSchema>[],
): Promise<{ created: number; updated: number }> {
  let created = 0;
  let updated = 0;
  for (const role of roles) {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await deps.store.transaction(async (tx) => {
          const at = deps.clock();
          let current = await tx.findRoleByName(role.name);
          if (current && !isAsDeclared(current.role, role)) {
            // Another process may be changing the role at this moment: lock it and read it again,
            // so that the change and its audit event start from what is committed, and two
            // processes bringing it to the same declaration change it once.
            await tx.lockRole(role.name);
            current = await tx.findRoleByName(role.name);
          }
          if (!current) {
            await tx.insertRole(role, at);
            await tx.recordAudit({ actor: ROLES_OPTION_ACTOR, action: 'role.created', token: null, details: { role: role.name, scopes: role.scopes }, at });
            return 'created' as const;
          }
          if (isAsDeclared(current.role, role)) return 'same' as const;
          const { scopes } = current.role;
          await tx.updateRole(current.role.id, role);
          await tx.recordAudit({
            actor: ROLES_OPTION_ACTOR,
            action: 'role.edited',
            token: null,
            details: { role: role.name, scopes: [scopes, role.scopes] },
            at,
          });
          return { tokenIds: current.tokenIds };
        });
        if (outcome === 'created') created++;
        if (typeof outcome === 'object') {
          updated++;
          // The role's scopes are part of every cached verification of its tokens.
          for (const tokenId of outcome.tokenIds) deps.events.emit({ tokenId, kind: 'edited' });
        }
        break;
      } catch (error) {
        if (!(error instanceof UniqueViolation) || attempt >= ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt * (1 + Math.random())));
      }
    }
  }
  return { created, updated };
}
