import { z } from 'zod';
import type { TokenServiceDeps } from '../context.js';
import { FieldErrors, parseWith } from '../inputs.js';
import { SCOPE_PATTERN } from '../policy.js';

export const roleInputSchema = z.object({
  name: z.string({ error: 'Role name is required.' }).trim().min(1, 'Role name is required.').max(100, 'Role name must be at most 100 characters.'),
  description: z.string().max(1000, 'Description must be at most 1000 characters.').default(''),
  scopes: z
    .array(z.string().trim().regex(SCOPE_PATTERN, 'Scopes are 1-64 lowercase letters, digits and _ . : - (e.g. vault-summary:read).'), {
      error: 'Scopes must be a list.',
    })
    .min(1, 'Give the role at least one scope.')
    .max(100, 'At most 100 scopes.')
    .transform((scopes) => [...new Set(scopes)].sort()),
});

export type RoleInput = z.output<typeof roleInputSchema>;

/** A role's name, description and scopes, checked against the deployment's allowed scopes. */
export function parseRole(deps: TokenServiceDeps, raw: unknown): RoleInput {
  const role = parseWith(roleInputSchema, raw);
  const errors = new FieldErrors();
  const allowed = deps.policy.allowedScopes;
  const unknown = allowed ? role.scopes.filter((scope) => !allowed.includes(scope)) : [];
  if (unknown.length > 0) errors.add('scopes', 'unknownScopes', { scopes: unknown, allowed: allowed! });
  errors.throwIfAny();
  return role;
}
