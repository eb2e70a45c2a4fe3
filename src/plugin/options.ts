import type { ComponentLoader, CurrentAdmin } from 'adminjs';
import { z } from 'zod';
import type { ApiAccessOptions } from '../api-access-options.js';
import { optionsError } from '../core/policy.js';

/** What apiAccessPlugin adds to createApiAccess's options; ApiAccessPluginOptions is derived from it. */
export const pluginOptionsSchema = z.object({
  /** The host's ComponentLoader: the plugin registers its screens on it. */
  componentLoader: z.custom<ComponentLoader>((v) => typeof (v as ComponentLoader | undefined)?.add === 'function', "must be the host's AdminJS ComponentLoader"),
  /**
   * Says from the session whether the signed-in admin is a super admin. Used to show or hide
   * the section; every action still re-reads the admin through `users` on the server.
   */
  isSuperAdmin: z.custom<(currentAdmin: CurrentAdmin | undefined) => boolean>((v) => typeof v === 'function', 'must be a function (currentAdmin) => boolean'),
  /** The session's user id (default: currentAdmin.id). */
  adminId: z.custom<(currentAdmin: CurrentAdmin) => string | undefined>((v) => typeof v === 'function', 'must be a function').optional(),
  /** Shown on every screen, e.g. "https://example.com/api/v1". */
  apiBaseUrl: z.string().min(1, 'is required').max(2000).refine((v) => /^(https?:\/\/|\/)/.test(v), 'must be an http(s) URL or a path starting with /'),
  /** The AdminJS navigation group (default "API Access", icon "Key"). */
  navigation: z.object({ name: z.string().min(1).max(100), icon: z.string().max(50).optional() }).optional(),
  /** Lists candidate token owners for token admins' create form. */
  listUsers: z.custom<() => Promise<Array<{ id: string; email: string }>>>((v) => typeof v === 'function', 'must be a function').optional(),
});

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
