import type { ActionContext, CurrentAdmin, LocaleTranslations, ResourceWithOptions } from 'adminjs';
import { apiAccessTranslations } from './plugin/locale.js';
import { createApiAccess, type ApiAccess } from './api-access.js';
import { buildResources } from './resources/index.js';
import { registerComponents } from './plugin/components.js';
import { resolveActor, type PluginContext } from './plugin/context.js';
import { coreOptionsOf, validatePluginOptions, type ApiAccessPluginOptions } from './plugin/options.js';
import { adminRoutes, type AdminRoutesOptions } from './plugin/request-log-csv.js';
import type { RequestHandler } from 'express';

export interface ApiAccessPlugin extends ApiAccess {
  /** Add these to your AdminJS options' `resources`. */
  readonly resources: ResourceWithOptions[];
  /** English labels: merge into your AdminJS options' `locale.translations.en`. */
  readonly translations: LocaleTranslations;
  /**
   * Routes that answer with files, not AdminJS's JSON (the request-log CSV export): mount the
   * handler inside your admin router, after its session middleware (see the README).
   */
  adminRoutes(options?: AdminRoutesOptions): RequestHandler;
}

/**
 * The whole plugin in one call: the token system (service, middleware) and its AdminJS
 * resources, with the screens registered on the host's ComponentLoader.
 */
export function apiAccessPlugin(options: ApiAccessPluginOptions): ApiAccessPlugin {
  validatePluginOptions(options);
  const { componentLoader, isSuperAdmin } = options;
  const apiAccess = createApiAccess(coreOptionsOf(options));
  const superAdmin = (currentAdmin: CurrentAdmin | undefined) => Boolean(currentAdmin) && isSuperAdmin(currentAdmin);
  const ctx: PluginContext = {
    apiAccess,
    options,
    resourceIds: {
      token: 'ApiToken',
      role: 'ApiRole',
      requestLog: 'ApiRequestLog',
      audit: 'ApiAuditEvent',
      grant: 'ApiTokenAdminGrant',
      assignment: 'ApiTokenRole',
      overview: 'ApiAccessOverview',
    },
    isSuperAdmin: superAdmin,
    canUseFeature: (currentAdmin) => superAdmin(currentAdmin) || (Boolean(currentAdmin) && apiAccess.access.allowPersonalTokens),
    actor: (context: ActionContext) => resolveActor(options, apiAccess.users, apiAccess.ready, context.currentAdmin),
  };
  const resources = buildResources(ctx, options.prisma, registerComponents(componentLoader));
  return Object.assign(Object.create(null) as object, apiAccess, {
    resources,
    translations: apiAccessTranslations,
    adminRoutes: (routeOptions?: AdminRoutesOptions) => adminRoutes(ctx, routeOptions),
  }) as ApiAccessPlugin;
}
