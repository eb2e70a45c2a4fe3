import type { ComponentLoader, CurrentAdmin } from 'adminjs';
import { z } from 'zod';
import type { ApiAccessOptions } from '../api-access.js';
import { optionsError } from '../core/policy.js';
import { TOKEN_LIST_COLUMNS, type TokenListColumn } from './token-columns.js';

export interface ApiAccessPluginOptions extends ApiAccessOptions {
  /** The host's ComponentLoader: the plugin registers its screens on it. */
  componentLoader: ComponentLoader;
  /**
   * Says from the session whether the signed-in admin is a super admin. Used to show or hide
   * the section; every action still re-reads the admin through `users` on the server.
   */
  isSuperAdmin: (currentAdmin: CurrentAdmin | undefined) => boolean;
  /** The session's user id (default: currentAdmin.id). */
  adminId?: (currentAdmin: CurrentAdmin) => string | undefined;
  /** Shown on every screen, e.g. "https://example.com/api/v1". */
  apiBaseUrl: string;
  /** The AdminJS navigation group (default "API Access", icon "Key"). */
  navigation?: { name: string; icon?: string };
  /** Lists candidate token owners for token admins' create form. */
  listUsers?: () => Promise<Array<{ id: string; email: string }>>;
  /**
   * The token list's columns, in order (default: name, status, roles, expiresAt, lastUsedAt: what
   * fits a 1280-px screen; every field is on the token's detail page).
   */
  tokenListColumns?: TokenListColumn[];
}

export const pluginOptionsSchema = z.object({
  componentLoader: z.custom<ComponentLoader>((v) => typeof (v as ComponentLoader | undefined)?.add === 'function', 'must be the host\'s AdminJS ComponentLoader'),
  isSuperAdmin: z.custom<ApiAccessPluginOptions['isSuperAdmin']>((v) => typeof v === 'function', 'must be a function (currentAdmin) => boolean'),
  adminId: z.custom<NonNullable<ApiAccessPluginOptions['adminId']>>((v) => typeof v === 'function', 'must be a function').optional(),
  apiBaseUrl: z.string().min(1, 'is required').max(2000).refine((v) => /^(https?:\/\/|\/)/.test(v), 'must be an http(s) URL or a path starting with /'),
  navigation: z.object({ name: z.string().min(1).max(100), icon: z.string().max(50).optional() }).optional(),
  listUsers: z.custom<NonNullable<ApiAccessPluginOptions['listUsers']>>((v) => typeof v === 'function', 'must be a function').optional(),
  tokenListColumns: z
    .array(z.enum(TOKEN_LIST_COLUMNS, { error: `each column is one of ${TOKEN_LIST_COLUMNS.join(', ')}` }))
    .min(1, 'needs at least one column')
    .refine((columns) => new Set(columns).size === columns.length, 'names a column twice')
    .optional(),
});

export function validatePluginOptions(options: ApiAccessPluginOptions): void {
  const { componentLoader, isSuperAdmin, adminId, apiBaseUrl, navigation, listUsers, tokenListColumns } = options;
  const parsed = pluginOptionsSchema.safeParse({ componentLoader, isSuperAdmin, adminId, apiBaseUrl, navigation, listUsers, tokenListColumns });
  if (!parsed.success) throw optionsError('options', parsed.error);
}
