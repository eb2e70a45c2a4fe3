import type { ComponentLoader, CurrentAdmin } from 'adminjs';
import { z } from 'zod';
import type { ApiAccessOptions } from '../api-access.js';
import { optionsError } from '../core/policy.js';

export interface ApiAccessPluginOptions extends ApiAccessOptions {
  /** The host's ComponentLoader: the plugin registers its screens on it. */
  componentLoader: ComponentLoader;
  /**
   * Says from the session whether the signed-in admin is a super admin. Used to show or hide
   * the section; every action still re-reads the admin through `users` on the server.
   */
  isSuperAdmin: (currentAdmin: CurrentAdmin | undefined) => boolean;
  /**
   * Reads the signed-in admin's user id from the session (default: `currentAdmin.id`, which is
   * there when your `authenticate` returns the user's id). A string or an integer.
   */
  adminId?: (currentAdmin: CurrentAdmin) => string | number | bigint | null | undefined;
  /** Shown on every screen, e.g. "https://example.com/api/v1". */
  apiBaseUrl: string;
  /** The AdminJS navigation group (default "API Access", icon "Key"). */
  navigation?: { name: string; icon?: string };
  /**
   * The host's users, for the user picker (a token's owner, the token-admin grant). Searchable by
   * e-mail; users who cannot be chosen are shown with the reason. Give `isSuperAdmin` and
   * `lastSignInAt` too, or the plugin asks `users.findById` for each listed user. Without it, a
   * token admin can make tokens for themselves only and cannot give the grant from the screens.
   */
  listUsers?: () => Promise<ListedUser[]>;
}

/** One user as `listUsers` gives it: an id (string or integer) and an e-mail address at least. */
export interface ListedUser {
  id: string | number | bigint;
  email: string;
  isSuperAdmin?: boolean;
  lastSignInAt?: Date | null;
}

export const pluginOptionsSchema = z.object({
  componentLoader: z.custom<ComponentLoader>((v) => typeof (v as ComponentLoader | undefined)?.add === 'function', 'must be the host\'s AdminJS ComponentLoader'),
  isSuperAdmin: z.custom<ApiAccessPluginOptions['isSuperAdmin']>((v) => typeof v === 'function', 'must be a function (currentAdmin) => boolean'),
  adminId: z.custom<NonNullable<ApiAccessPluginOptions['adminId']>>((v) => typeof v === 'function', 'must be a function').optional(),
  apiBaseUrl: z.string().min(1, 'is required').max(2000).refine((v) => /^(https?:\/\/|\/)/.test(v), 'must be an http(s) URL or a path starting with /'),
  navigation: z.object({ name: z.string().min(1).max(100), icon: z.string().max(50).optional() }).optional(),
  listUsers: z.custom<NonNullable<ApiAccessPluginOptions['listUsers']>>((v) => typeof v === 'function', 'must be a function').optional(),
});

export function validatePluginOptions(options: ApiAccessPluginOptions): void {
  const { componentLoader, isSuperAdmin, adminId, apiBaseUrl, navigation, listUsers } = options;
  const parsed = pluginOptionsSchema.safeParse({ componentLoader, isSuperAdmin, adminId, apiBaseUrl, navigation, listUsers });
  if (!parsed.success) throw optionsError('options', parsed.error);
}
