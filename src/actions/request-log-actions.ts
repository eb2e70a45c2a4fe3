import { flat, type ActionContext, type ResourceOptions } from 'adminjs';
import { errorResponse, recordJson, type PluginContext } from '../plugin/context.js';
import { normalizeFilters } from '../plugin/list-query.js';

type Actions = NonNullable<ResourceOptions['actions']>;

/** Request logs, read-only, filtered by token and period, newest first; core decides whose logs one may read. */
export function requestLogActions(ctx: PluginContext): Actions {
  const { service } = ctx.apiAccess;
  const isAccessible = ({ currentAdmin }: ActionContext) => ctx.canUseFeature(currentAdmin);
  const denied = { isAccessible: false, isVisible: false };
  return {
    list: {
      isAccessible,
      handler: async (request, _response, context) => {
        try {
          const actor = await ctx.actor(context);
          const query = flat.unflatten(request.query ?? {}) as Record<string, unknown>;
          // The period filter arrives as filters.createdAt~~from from AdminJS's date picker.
          const filters = Object.fromEntries(normalizeFilters(query.filters)) as Record<string, unknown>;
          const createdAt = (filters.createdAt ?? {}) as { from?: string; to?: string };
          const page = await service.listRequestLogs(actor, {
            ...(filters.tokenId ? { tokenId: String(filters.tokenId) } : {}),
            ...(createdAt.from ? { from: createdAt.from } : {}),
            ...(createdAt.to ? { to: createdAt.to } : {}),
            page: Math.max(1, Number(query.page) || 1),
            perPage: Math.min(500, Math.max(1, Number(query.perPage) || 20)),
          });
          return {
            meta: { total: page.total, perPage: page.perPage, page: page.page, direction: 'desc', sortBy: 'createdAt' },
            records: page.items.map((log) => recordJson(context, { ...log, createdAt: log.createdAt.toISOString() })),
          };
        } catch (error) {
          return errorResponse(error, { records: [], meta: { total: 0, perPage: 20, page: 1, direction: 'desc', sortBy: 'createdAt' } });
        }
      },
    },
    show: denied,
    search: denied,
    new: denied,
    edit: denied,
    delete: denied,
    bulkDelete: denied,
  };
}
