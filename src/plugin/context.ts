import {
  BaseRecord,
  ForbiddenError,
  type ActionContext,
  type ActionRequest,
  type ActionResponse,
  type Before,
  type CurrentAdmin,
  type RecordJSON,
} from 'adminjs';
import { assertCanUseFeature, assertSuperAdmin } from '../core/access.js';
import { apiError, isApiAccessError } from '../core/errors.js';
import type { Actor } from '../core/types.js';
import { describeValue, normalizeUserId } from '../core/user-id.js';
import type { ApiAccess } from '../api-access.js';
import type { ApiAccessPluginOptions } from './options.js';

/** What every action of the plugin needs, built once by the plugin factory. */
export interface PluginContext {
  apiAccess: ApiAccess;
  options: ApiAccessPluginOptions;
  /** The AdminJS resource ids, for links between screens. */
  resourceIds: { token: string; role: string; requestLog: string; audit: string; grant: string; assignment: string; overview: string };
  /** The session says so (sync, for showing and hiding); core re-checks against the database. */
  canUseFeature(currentAdmin: CurrentAdmin | undefined): boolean;
  isSuperAdmin(currentAdmin: CurrentAdmin | undefined): boolean;
  /** The acting admin as the host's database says now: a disabled or demoted admin loses rights at once. */
  actor(context: ActionContext): Promise<Actor>;
}

/**
 * The acting admin, re-read through the host's `users.findById`. The session must carry the
 * admin's id (`currentAdmin.id`, or what the `adminId` option reads from it): AdminJS's own
 * examples return only `{ email }` from `authenticate`, and that has to be said precisely, since
 * signing in again changes nothing.
 */
export async function resolveActor(
  options: ApiAccessPluginOptions,
  users: ApiAccess['users'],
  ready: ApiAccess['ready'],
  currentAdmin: CurrentAdmin | undefined,
): Promise<Actor> {
  if (!currentAdmin) throw apiError('sessionEnded');
  await ready();
  const raw = options.adminId ? options.adminId(currentAdmin) : (currentAdmin as { id?: unknown }).id;
  const id = normalizeUserId(raw);
  if (id === null) {
    const source = options.adminId ? 'the adminId option' : 'currentAdmin.id';
    throw apiError(raw === undefined || raw === null || raw === '' ? 'adminIdMissing' : 'adminIdUnusable', { source, value: describeValue(raw) });
  }
  const user = await users.findById(id);
  if (!user) throw apiError('adminAccountGone');
  return { id: user.id, email: user.email, isSuperAdmin: user.isSuperAdmin };
}

/** The only way a plugin action reports failure: a notice, and field errors a form shows in place. */
export function errorResponse(error: unknown, extra: Partial<ActionResponse> = {}): ActionResponse {
  if (!isApiAccessError(error)) throw error;
  const errors = Object.fromEntries(Object.entries(error.fields).map(([field, e]) => [field, { message: e.message, type: e.code }]));
  return {
    ...extra,
    record: { ...(extra.record as RecordJSON | undefined), params: (extra.record as RecordJSON | undefined)?.params ?? {}, errors } as RecordJSON,
    notice: { message: error.message, type: 'error' },
    error: error.toJSON(),
  };
}

/** A record for AdminJS's screens built from safe, flat params (never from a database row). */
export function recordJson(context: ActionContext, params: Record<string, unknown>): RecordJSON {
  return new BaseRecord(params, context.resource).toJSON(context.currentAdmin);
}

export function isPost(request: { method: string }): boolean {
  return request.method.toLowerCase() === 'post';
}

export function payloadOf(request: { payload?: Record<string, unknown> }): Record<string, unknown> {
  return request.payload ?? {};
}

/** Who may open a resource's actions: anyone who may use the feature, or super admins only. */
export type AccessLevel = 'feature' | 'superAdmin';

/**
 * A `before` hook that re-reads the admin from the host's database and applies core's access
 * rule, so a demoted or disabled admin is refused on the next request even by AdminJS's own
 * list, show and search, which never call our handlers. It only reads: AdminJS runs `before`
 * hooks ahead of its own isAccessible check.
 */
export function freshAccess(ctx: PluginContext, level: AccessLevel): Before {
  return async (request: ActionRequest, context: ActionContext) => {
    try {
      const actor = await ctx.actor(context);
      if (level === 'superAdmin') assertSuperAdmin(actor);
      else assertCanUseFeature(actor, ctx.apiAccess.access);
    } catch (error) {
      if (isApiAccessError(error)) throw new ForbiddenError(error.message);
      throw error;
    }
    return request;
  };
}
