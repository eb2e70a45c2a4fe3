import type { ComponentLoader, CurrentAdmin } from 'adminjs';
import { z } from 'zod';
import type { ApiAccessOptions } from '../api-access-options.js';
import { optionsError } from '../core/policy.js';
import { TOKEN_LIST_COLUMNS } from './token-columns.js';

/** What apiAccessPlugin adds to createApiAccess's options; ApiAccessPluginOptions is derived from it. */
export const pluginOptionsSchema = z.object({
  /** The host's ComponentLoader: the plugin registers its screens on it. */
  componentLoader: z.custom<ComponentLoader>(
    (v) => typeof (v as ComponentLoader | undefined)?.add === 'function',
    "must be the host's AdminJS ComponentLoader",
  ),
  /**
   * Says from the session whether the signed-in admin is a super admin. Used to show or hide
   * the section; every action still re-reads the admin through `users` on the server.
   */
  isSuperAdmin: z.custom<(currentAdmin: CurrentAdmin | undefined) => boolean>((v) => typeof v === 'function', 'must be a function (currentAdmin) => boolean'),
  /**
   * Reads the signed-in admin's user id from the session (default: `currentAdmin.id`, which is
   * there when your `authenticate` returns the user's id). A string or an integer.
   */
  adminId: z
    .custom<(currentAdmin: CurrentAdmin) => string | number | bigint | null | undefined>((v) => typeof v === 'function', 'must be a function')
    .optional(),
  /** Shown on every screen, e.g. "https://example.com/api/v1". */
  apiBaseUrl: z
    .string()
    .min(1, 'is required')
    .max(2000)
    .refine((v) => /^(https?:\/\/|\/)/.test(v), 'must be an http(s) URL or a path starting with /'),
  /** The AdminJS navigation group (default "API Access", icon "Key"). */
  navigation: z.object({ name: z.string().min(1).max(100), icon: z.string().max(50).optional() }).optional(),
  /**
   * The host's users, for the user picker (a token's owner, the token-admin grant). Searchable by
   * e-mail; users who cannot be chosen are shown with the reason. Give `isSuperAdmin` and
   * `lastSignInAt` too, or the plugin asks `users.findById` for each listed user. Without it, a
   * token admin can make tokens for themselves only and cannot give the grant from the screens.
   */
  listUsers: z.custom<() => Promise<ListedUser[]>>((v) => typeof v === 'function', 'must be a function').optional(),
  /**
   * The token list's columns, in order (default: name, status, roles, expiresAt, lastUsedAt: what
   * fits a 1280-px screen; every field is on the token's detail page).
   */
  tokenListColumns: z
    .array(z.enum(TOKEN_LIST_COLUMNS, { error: `each column is one of ${TOKEN_LIST_COLUMNS.join(', ')}` }))
    .min(1, 'needs at least one column')
    .refine((columns) => new Set(columns).size === columns.length, 'names a column twice')
    .optional(),
});

/** One user as `listUsers` gives it: an id (string or integer) and an e-mail address at least. */
export interface ListedUser {
  id: string | number | bigint;
  email: string;
  isSuperAdmin?: boolean;
  lastSignInAt?: Date | null;
}

/** createApiAccess's options and the plugin's own (see pluginOptionsSchema). */
export type ApiAccessPluginOptions = ApiAccessOptions & z.input<typeof pluginOptionsSchema>;

const isPluginOption = (key: string): boolean => Object.hasOwn(pluginOptionsSchema.shape, key);

/** Checks the plugin's own options, naming every bad one; createApiAccess checks the rest. */
export function validatePluginOptions(options: ApiAccessPluginOptions): void {
  const own = Object.fromEntries(Object.entries(options).filter(([key]) => isPluginOption(key)));
  const parsed = pluginOptionsSchema.safeParse(own);
  if (!parsed.success) throw optionsError('options', parsed.error);
}

/** The options that are createApiAccess's: all but the plugin's own. */
export function coreOptionsOf(options: ApiAccessPluginOptions): ApiAccessOptions {
  return Object.fromEntries(Object.entries(options).filter(([key]) => !isPluginOption(key))) as ApiAccessOptions;
}
