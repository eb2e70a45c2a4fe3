import type { Action as AdminAction, ActionContext, ActionRequest, ActionResponse, ResourceOptions } from 'adminjs';
import { apiError } from '../core/errors.js';
import { DAY_MS } from '../core/usage/day.js';
import { MONTH_DAYS } from '../core/usage/overview.js';
import { errorResponse, isPost, recordJson, type PluginContext } from '../plugin/context.js';
import { tokenParams } from './token-params.js';

type Action = Partial<AdminAction<ActionResponse>>;

/** The usage screens' components, registered with the others. */
export interface UsageComponents {
  /** The request logs' period filter: ready-made periods or a custom range. */
  periodFilter: string;
  /** The request-log list with its CSV export. */
  requestLogList: string;
  /** The token detail page's traffic chart. */
  tokenUsage: string;
  /** The overview screen. */
  overview: string;
}

function refused(method: string): ActionResponse {
  return errorResponse(apiError('usageReadWithGet', { method: method.toUpperCase() }));
}

/**
 * The token record action `usage` (GET only, the same rule as show: whoever may open the token):
 * its requests per day over the last 30 or 90 days (`?days=`), with totals, from the rollups.
 * Not a button: the detail page's chart calls it.
 */
export function tokenUsageAction(ctx: PluginContext): Action {
  return {
    actionType: 'record',
    icon: 'BarChart2',
    isVisible: false,
    isAccessible: ({ currentAdmin }: ActionContext) => ctx.canUseFeature(currentAdmin),
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      if (isPost(request)) return refused(request.method);
      try {
        const actor = await ctx.actor(context);
        // The query string gives text; which periods there are is core's rule (tokenUsage).
        const days = request.query?.days === undefined ? undefined : Number(request.query.days);
        // The token itself as show has it (AdminJS wants a record from a record action): the same rule.
        const token = await ctx.apiAccess.service.get(actor, String(request.params.recordId ?? ''));
        const usage = await ctx.apiAccess.service.tokenUsage(actor, token.id, days === undefined ? {} : { days });
        return { record: recordJson(context, tokenParams(token)), usage, days: usage.days.length };
      } catch (error) {
        return errorResponse(error);
      }
    },
  };
}

/**
 * The overview resource's one action: token counts by status (each a link to the token list so
 * filtered), unused and never-used tokens, the week's top tokens by traffic and by error rate,
 * and 30 days of all traffic. Super admins only (the resource's access level).
 */
export function overviewActions(ctx: PluginContext, components: UsageComponents): NonNullable<ResourceOptions['actions']> {
  const isAccessible = ({ currentAdmin }: ActionContext) => ctx.isSuperAdmin(currentAdmin);
  const denied = { isAccessible: false, isVisible: false };
  return {
    list: {
      isAccessible,
      showFilter: false,
      // The screen has its own heading; AdminJS's would say "List".
      hideActionHeader: true,
      component: components.overview,
      handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
        if (isPost(request)) return refused(request.method);
        try {
          const actor = await ctx.actor(context);
          const now = ctx.apiAccess.clock();
          const overview = await ctx.apiAccess.service.usageOverview(actor, { now });
          const tokens = ctx.resourceIds.token;
          const list = (search: string) => context.h.resourceUrl({ resourceId: tokens, search });
          // The same month as the overview's count of tokens expiring within it.
          const soon = new Date(now.getTime() + MONTH_DAYS * DAY_MS).toISOString();
          return {
            overview,
            links: {
              active: list('?filters.status=active'),
              expiringWithin30Days: list(`?filters.status=active&filters.expiresAt~~to=${encodeURIComponent(soon)}&sortBy=expiresAt&direction=asc`),
              expired: list('?filters.status=expired'),
              disabled: list('?filters.status=disabled'),
              // A token's page: the id goes where {id} stands.
              token: context.h.recordActionUrl({ resourceId: tokens, recordId: '{id}', actionName: 'show' }),
              requestLogs: context.h.resourceUrl({ resourceId: ctx.resourceIds.requestLog }),
            },
          };
        } catch (error) {
          return errorResponse(error);
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
