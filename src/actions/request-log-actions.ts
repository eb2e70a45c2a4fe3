import { flat, type ActionContext, type ResourceOptions } from 'adminjs';
import { errorResponse, recordJson, type PluginContext } from '../plugin/context.js';
import { requestLogFilterOf } from '../plugin/request-log-filters.js';

type Actions = NonNullable<ResourceOptions['actions']>;

/** Request logs, read-only, filtered by token and period, newest first; core decides whose logs one may read. */
export function requestLogActions(ctx: PluginContext, list: { list: string; csvPath: string }): Actions {
  const { service } = ctx.apiAccess;
  const isAccessible = ({ currentAdmin }: ActionContext) => ctx.canUseFeature(currentAdmin);
  const denied = { isAccessible: false, isVisible: false };
  return {
    list: {
      isAccessible,
      // The list with its CSV export, which links to csvPath inside the admin router.
      component: list.list,
      custom: { csvPath: list.csvPath },
      handler: async (request, _response, context) => {
        try {
          const actor = await ctx.actor(context);
          const query = flat.unflatten(request.query ?? {}) as Record<string, unknown>;
          // The period arrives as filters.createdAt~~last (ready-made) or ~~from / ~~to (a range).
          const page = await service.listRequestLogs(actor, {
            ...requestLogFilterOf(query.filters, ctx.apiAccess.clock()),
            page: Math.max(1, Number(query.page) || 1),
            perPage: Math.min(500, Math.max(1, Number(query.perPage) || 20)),
          });
          return {
            // totalIsEstimate: the screen says "about" (components/usage/RequestLogList.tsx).
            meta: { total: page.total, totalIsEstimate: page.totalIsEstimate, perPage: page.perPage, page: page.page, direction: 'desc', sortBy: 'createdAt' },
            // The id as its decimal string, as RequestLogResource gives it: JSON has no 64-bit integer.
            records: page.items.map((log) => recordJson(context, { ...log, id: log.id.toString(), createdAt: log.createdAt.toISOString() })),
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
