import { apiError } from './errors.js';
import type { Actor } from './types.js';

export interface AccessOptions {
  /** Let ordinary admins manage their own personal tokens (default: super admins only). */
  allowPersonalTokens: boolean;
}

/** The actor as the rules see them: with the token-admin grant looked up on the server. */
export interface ResolvedActor extends Actor {
  isTokenAdmin: boolean;
}

export function canUseFeature(actor: Actor, options: AccessOptions): boolean {
  return actor.isSuperAdmin || options.allowPersonalTokens;
}

/** Own tokens for whoever may use the feature; anyone's for a super admin holding the token-admin grant. */
export function canManageTokensOf(actor: ResolvedActor, ownerId: string, options: AccessOptions): boolean {
  if (!canUseFeature(actor, options)) return false;
  if (ownerId === actor.id) return true;
  return actor.isSuperAdmin && actor.isTokenAdmin;
}

export function assertCanUseFeature(actor: Actor, options: AccessOptions): void {
  if (!canUseFeature(actor, options)) {
    throw apiError('featureForSuperAdmins');
  }
}

export function assertCanManageTokensOf(actor: ResolvedActor, ownerId: string, options: AccessOptions): void {
  assertCanUseFeature(actor, options);
  if (!canManageTokensOf(actor, ownerId, options)) {
    throw apiError('othersTokensNeedGrant');
  }
}

export function assertSuperAdmin(actor: Actor): void {
  if (!actor.isSuperAdmin) throw apiError('superAdminsOnly');
}
