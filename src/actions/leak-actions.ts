import type { ActionContext, ActionRequest, ActionResponse, ResourceOptions } from 'adminjs';
import type { LeakOutcome } from '../core/tokens/report-leak.js';
import { errorResponse, isPost, payloadOf, recordJson, type PluginContext } from '../plugin/context.js';
import { tokenParams } from './token-params.js';

type Actions = NonNullable<ResourceOptions['actions']>;

export interface LeakComponents {
  /** The "reported leaked" banner at the top of a token's page. */
  leakBanner: string;
  /** The "Report leaked" confirmation, asking where the token was found. */
  reportLeak: string;
  /** "Check text for tokens": paste a text, see which of your tokens it holds, revoke them. */
  checkText: string;
}

const DONE = {
  disabled: 'disabled: requests with it are refused',
  deleted: 'deleted: requests with it are refused',
  none: 'recorded; it still works until you rotate or disable it',
  'already-refused': 'recorded; it was refused already, and cannot be enabled again without a new secret',
} as const;

function recordId(request: ActionRequest): string {
  return String(request.params.recordId ?? '');
}

/** The notice after an admin's report, saying what was done. */
function outcomeMessage(outcome: LeakOutcome): string {
  if (outcome.kind === 'handled')
    return `Token "${outcome.token.name}" reported leaked and ${DONE[outcome.report.action]}. Its owner and author are told by e-mail.`;
  if (outcome.kind === 'already-reported')
    return `Token "${outcome.report.tokenName}" was reported leaked already (${outcome.report.reportedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC): nothing more was done.`;
  return 'Nothing was done.';
}

/**
 * The token resource's leak actions, all through `apiAccess.leakReports` (the path GitHub's
 * reports take too): "Report leaked" on a token, "Check text for tokens" on the list, and the
 * reports a token's page shows. Each re-reads the admin and is subject to the token access rules;
 * nothing changes unless the request is a POST.
 */
export function leakActions(ctx: PluginContext, components: LeakComponents): Actions {
  const { service, leakReports } = ctx.apiAccess;
  const isAccessible = ({ currentAdmin }: ActionContext) => ctx.canUseFeature(currentAdmin);
  const policy = () => ({ action: leakReports.action });
  return {
    reportLeak: {
      actionType: 'record',
      icon: 'AlertTriangle',
      isAccessible,
      isVisible: ({ currentAdmin, record }) => ctx.canUseFeature(currentAdmin) && record?.params?.status === 'active',
      component: components.reportLeak,
      handler: async (request, _response, context): Promise<ActionResponse> => {
        try {
          const actor = await ctx.actor(context);
          const token = await service.get(actor, recordId(request));
          const record = recordJson(context, tokenParams(token));
          if (!isPost(request)) return { record, leakPolicy: policy() };
          const payload = payloadOf(request);
          // From "Check text for tokens" the pasted text is the evidence and the last four tie
          // the report to the secret found; from the token's page the admin says where.
          const lastFour = typeof payload.lastFour === 'string' ? payload.lastFour : undefined;
          const outcome = await leakReports.reportToken(actor, token.id, { url: payload.url, lastFour, urlRequired: lastFour === undefined });
          const deleted = outcome.kind === 'handled' && outcome.report.action === 'deleted';
          return {
            record,
            leakOutcome: { kind: outcome.kind, action: outcome.kind === 'handled' ? outcome.report.action : null, deleted },
            ...(deleted ? { redirectUrl: context.h.resourceUrl({ resourceId: context.resource.id() }) } : {}),
            notice: { message: outcomeMessage(outcome), type: outcome.kind === 'handled' ? 'success' : 'info' },
          };
        } catch (error) {
          return errorResponse(error);
        }
      },
    },
    checkText: {
      actionType: 'resource',
      icon: 'Search',
      isAccessible,
      component: components.checkText,
      handler: async (request, _response, context): Promise<ActionResponse> => {
        try {
          const actor = await ctx.actor(context);
          if (!isPost(request)) return { leakPolicy: policy(), tokenPrefix: ctx.apiAccess.tokenPrefix };
          const check = await leakReports.findInText(actor, payloadOf(request).text);
          return { leakPolicy: policy(), check };
        } catch (error) {
          return errorResponse(error);
        }
      },
    },
    leakReports: {
      actionType: 'record',
      isAccessible,
      isVisible: false,
      component: false,
      handler: async (request, _response, context): Promise<ActionResponse> => {
        try {
          const actor = await ctx.actor(context);
          const token = await service.get(actor, recordId(request));
          const reports = await leakReports.reportsOf(actor, token.id);
          return { record: recordJson(context, tokenParams(token)), leakReports: reports.map((r) => ({ ...r, reportedAt: r.reportedAt.toISOString() })) };
        } catch (error) {
          return errorResponse(error);
        }
      },
    },
  };
}
