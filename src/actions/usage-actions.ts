import type { Action as AdminAction, ActionContext, ActionRequest, ActionResponse, ResourceOptions } from 'adminjs';
import { ApiAccessError } from '../core/errors.js';
import { tokenStateOverview } from '../core/tokens/overview.js';
import type { Actor } from '../core/types.js';
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

/** One UTC day's requests by outcome. */
export type UsageDay = { day: string; ok: number; clientError: number; serverError: number; refused: number; aborted: number };

export interface TokenUsageView {
  days: UsageDay[];
  totals: Omit<UsageDay, 'day'> & { requests: number; errorRate: number; p50Ms: number | null; p95Ms: number | null };
}

export interface TokenRefView {
  id: string;
  name: string;
  lastUsedAt: string | null;
}

export interface UsageOverviewView {
  counts: { active: number; expiringWithin30Days: number; expired: number; disabled: number };
  unused30Days: TokenRefView[];
  neverUsed: TokenRefView[];
  topByTraffic: Array<TokenRefView & { requests: number }>;
  topByErrorRate: Array<TokenRefView & { requests: number; errorRate: number }>;
  /** Null while the token service keeps no usage rollups: the traffic parts then say so. */
  traffic: UsageDay[] | null;
}

/** What the usage screens read: the rollup queries of the token service. */
interface UsageReader {
  tokenUsage(actor: Actor, tokenId: unknown, options: { days: number }): Promise<TokenUsageView>;
  usageOverview(actor: Actor, options?: { now?: Date }): Promise<UsageOverviewView>;
}

/** The token service's usage queries, or null where it has none. */
function usageQueries(ctx: PluginContext): UsageReader | null {
  const service = ctx.apiAccess.service as unknown as Partial<UsageReader>;
  return typeof service.tokenUsage === 'function' && typeof service.usageOverview === 'function' ? (service as UsageReader) : null;
}

/** The overview from the rollups, or its token-table parts alone (counts, unused, never used). */
async function overviewOf(ctx: PluginContext, actor: Actor, now: Date): Promise<UsageOverviewView> {
  const queries = usageQueries(ctx);
  if (queries) return queries.usageOverview(actor, { now });
  const resolved = await ctx.apiAccess.service.resolveActor(actor);
  return { ...(await tokenStateOverview(ctx.apiAccess.prisma, resolved, now)), topByTraffic: [], topByErrorRate: [], traffic: null };
}

function usageReader(ctx: PluginContext): UsageReader {
  const service = ctx.apiAccess.service as unknown as Partial<UsageReader>;
  if (typeof service.tokenUsage !== 'function' || typeof service.usageOverview !== 'function') {
    throw new ApiAccessError('INVALID_STATE', 'Usage figures are not available in this version of the token service.');
  }
  return service as UsageReader;
}

/** The periods the token chart offers, in days. */
export const USAGE_PERIODS_DAYS = [30, 90] as const;

function refused(method: string): ActionResponse {
  return errorResponse(new ApiAccessError('INVALID_INPUT', `Usage figures are read with GET, not ${method.toUpperCase()}.`));
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
        const days = Number(request.query?.days ?? 30);
        if (!(USAGE_PERIODS_DAYS as readonly number[]).includes(days)) {
          throw ApiAccessError.field('days', 'INVALID_INPUT', `The period is ${USAGE_PERIODS_DAYS.join(' or ')} days.`);
        }
        // The token itself as show has it (AdminJS wants a record from a record action): the same rule.
        const token = await ctx.apiAccess.service.get(actor, String(request.params.recordId ?? ''));
        const usage = await usageReader(ctx).tokenUsage(actor, token.id, { days });
        return { record: recordJson(context, tokenParams(token)), usage, days };
      } catch (error) {
        return errorResponse(error);
      }
    },
  };
}

const DAY_MS = 86_400_000;

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
          const overview = await overviewOf(ctx, actor, now);
          const tokens = ctx.resourceIds.token;
          const list = (search: string) => context.h.resourceUrl({ resourceId: tokens, search });
          const soon = new Date(now.getTime() + 30 * DAY_MS).toISOString();
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
