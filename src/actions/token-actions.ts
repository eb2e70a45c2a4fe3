import { flat, type ActionContext, type ActionRequest, type ActionResponse, type ResourceOptions } from 'adminjs';
import type { ConfirmScreen } from '../components/confirm-screen.js';
import type { Actor, TokenView } from '../core/types.js';
import { errorResponse, isPost, payloadOf, recordJson, type PluginContext } from '../plugin/context.js';
import { normalizeFilters } from '../plugin/list-query.js';
import { tokenParams } from './token-params.js';
import { formInput } from './form-input.js';
import { chosenUserId, userChoices } from '../plugin/user-choices.js';
import { GUIDANCE } from './guidance.js';
import { noStore } from './secret-response.js';

type Actions = NonNullable<ResourceOptions['actions']>;

export interface TokenComponents {
  create: string;
  edit: string;
  tokenAction: string;
  /** How a value is shown in lists and on detail pages (dates, statuses, addresses, codes). */
  value: string;
  /** The token's detail page, grouped, titled with its name. */
  tokenShow: string;
  guided: string;
  /** The token list's role filter: a choice of the roles that exist. */
  roleFilter: string;
  /** The request-log and audit-trail filter by token, found by its name. */
  tokenFilter: string;
  /** The token-admin grant's form: a super admin picked from the host's users. */
  grantForm: string;
}

/** The fields the token list can be sorted by. */
export const TOKEN_SORTABLE = ['createdAt', 'name', 'expiresAt', 'lastUsedAt'] as const;
type Sortable = (typeof TOKEN_SORTABLE)[number];

function sortField(value: unknown): Sortable {
  return (TOKEN_SORTABLE as readonly string[]).includes(String(value)) ? (value as Sortable) : 'createdAt';
}

/** Everything the token screens need besides the token itself: roles, expiry choices, owners, guidance. */
async function formInfo(ctx: PluginContext, actor: Actor) {
  const { service, policy } = ctx.apiAccess;
  const resolved = await service.resolveActor(actor);
  const canChooseOwner = resolved.isSuperAdmin && resolved.isTokenAdmin;
  const owners = canChooseOwner ? await userChoices(ctx.apiAccess, ctx.options.listUsers, 'owner') : [];
  // The actor's own active tokens, so the form says "3 of 5 active tokens" before it is filled.
  const { total: activeTokens } = await service.list(actor, { status: 'active', ownerId: actor.id, perPage: 1 });
  return {
    roles: await service.listRoles(),
    expiryPresetsDays: policy.expiryPresetsDays,
    allowNeverExpires: policy.allowNeverExpires,
    maxLifetimeDays: policy.maxLifetimeDays,
    namePattern: policy.namePattern ?? null,
    namePatternHint: policy.namePatternHint ?? null,
    rotationGraceSeconds: policy.rotationGraceSeconds,
    editPolicy: policy.editPolicy,
    maxActiveTokensPerOwner: policy.maxActiveTokensPerOwner,
    activeTokens,
    canChooseOwner,
    owners,
    currentUser: { id: actor.id, email: actor.email },
    apiBaseUrl: ctx.options.apiBaseUrl,
    guidance: GUIDANCE,
  };
}

function recordId(request: ActionRequest): string {
  return String(request.params.recordId ?? '');
}

function toRecord(context: ActionContext, token: TokenView) {
  return recordJson(context, tokenParams(token));
}

/**
 * The token resource's actions. Each one resolves the actor from the database, calls one core
 * operation, and changes nothing unless the request is a POST (AdminJS opens record and bulk
 * pages with a GET).
 */
export function tokenActions(ctx: PluginContext, components: TokenComponents): Actions {
  const { service } = ctx.apiAccess;
  const isAccessible = ({ currentAdmin }: ActionContext) => ctx.canUseFeature(currentAdmin);
  const listUrl = (context: ActionContext) => context.h.resourceUrl({ resourceId: context.resource.id() });

  /** A record action whose GET shows the token and the form, and whose POST performs `run`. */
  const recordAction =
    (run: (actor: Actor, id: string, input: Record<string, unknown>) => Promise<{ token: TokenView; secret?: string; message: string }>) =>
    async (request: ActionRequest, response: unknown, context: ActionContext): Promise<ActionResponse> => {
      try {
        const actor = await ctx.actor(context);
        if (!isPost(request)) {
          const token = await service.get(actor, recordId(request));
          return { record: toRecord(context, token), form: await formInfo(ctx, actor) };
        }
        const { token, secret, message } = await run(actor, recordId(request), formInput(payloadOf(request)));
        if (secret) noStore(response);
        return { record: toRecord(context, token), ...(secret ? { secret } : {}), notice: { message, type: 'success' } };
      } catch (error) {
        return errorResponse(error);
      }
    };

  return {
    list: {
      isAccessible,
      component: components.guided,
      handler: async (request, _response, context) => {
        try {
          const actor = await ctx.actor(context);
          const query = flat.unflatten(request.query ?? {}) as Record<string, unknown>;
          const filters = (query.filters ?? {}) as Record<string, string | undefined>;
          let roleId: string | undefined;
          if (filters.roles) {
            const roles = await service.listRoles();
            roleId = roles.find((r) => r.id === filters.roles || r.name === filters.roles)?.id ?? filters.roles;
          }
          // "Expires" as a period (filters.expiresAt~~from / ~~to), as the overview links to it.
          const expires = normalizeFilters(query.filters).get('expiresAt') as { from?: string; to?: string } | undefined;
          const sortBy = sortField(query.sortBy);
          const direction = query.direction === 'asc' ? 'asc' : 'desc';
          const page = await service.list(actor, {
            ...(filters.status ? { status: filters.status } : {}),
            ...(roleId ? { roleId } : {}),
            ...(filters.tags ? { tag: filters.tags } : {}),
            ...(filters.ownerId ? { ownerId: filters.ownerId } : {}),
            ...(filters.ownerEmail ? { ownerEmail: filters.ownerEmail } : {}),
            ...(filters.name ? { search: filters.name } : {}),
            ...(expires?.from ? { expiresFrom: expires.from } : {}),
            ...(expires?.to ? { expiresTo: expires.to } : {}),
            page: Math.max(1, Number(query.page) || 1),
            perPage: Math.min(500, Math.max(1, Number(query.perPage) || 10)),
            sortBy,
            direction,
          });
          return {
            meta: { total: page.total, perPage: page.perPage, page: page.page, direction, sortBy },
            records: page.items.map((token) => toRecord(context, token)),
          };
        } catch (error) {
          return errorResponse(error, { records: [], meta: { total: 0, perPage: 10, page: 1, direction: 'desc', sortBy: 'createdAt' } });
        }
      },
    },
    search: {
      isAccessible,
      handler: async (request, _response, context) => {
        try {
          const actor = await ctx.actor(context);
          const page = await service.list(actor, { search: String(request.params.query ?? '').slice(0, 100), perPage: 50 });
          return { records: page.items.map((token) => toRecord(context, token)) };
        } catch (error) {
          return errorResponse(error, { records: [] });
        }
      },
    },
    show: {
      isAccessible,
      component: components.tokenShow,
      hideActionHeader: true,
      handler: async (request, _response, context) => {
        // A deleted token's address: the record that says so (see resources/token-resource.ts).
        if (context.record?.params.deleted === true) return { record: context.record.toJSON(context.currentAdmin) };
        try {
          const actor = await ctx.actor(context);
          return { record: toRecord(context, await service.get(actor, recordId(request))) };
        } catch (error) {
          return errorResponse(error);
        }
      },
    },
    new: {
      isAccessible,
      component: components.create,
      // The form is the page's one task: "Check text for tokens" stays on the list.
      showResourceActions: false,
      handler: async (request, response, context) => {
        try {
          const actor = await ctx.actor(context);
          if (!isPost(request)) return { form: await formInfo(ctx, actor) };
          const input = formInput(payloadOf(request));
          // A chosen owner must be one of the host's listed users before findById is asked.
          if (input.ownerId !== undefined && input.ownerId !== actor.id) input.ownerId = await chosenUserId(ctx.options.listUsers, input.ownerId, 'ownerId');
          const { token, secret } = await service.create(actor, input);
          noStore(response);
          return {
            record: toRecord(context, token),
            secret,
            notice: { message: `Token "${token.name}" created. Copy its secret now: it is shown only once.`, type: 'success' },
          };
        } catch (error) {
          return errorResponse(error);
        }
      },
    },
    edit: {
      isAccessible,
      component: components.edit,
      hideActionHeader: true,
      handler: recordAction(async (actor, id, input) => {
        const { token, secret } = await service.edit(actor, id, input);
        return {
          token,
          ...(secret ? { secret } : {}),
          message: secret ? `Token "${token.name}" saved. Its old secret no longer works: copy the new one now.` : `Token "${token.name}" saved.`,
        };
      }),
    },
    rotate: {
      actionType: 'record',
      icon: 'RefreshCw',
      isAccessible,
      component: components.tokenAction,
      hideActionHeader: true,
      custom: {
        title: 'Rotate secret',
        summary: 'New secret, same token. Its expiry, roles and id stay, and the old secret can keep working for a grace period while integrations switch.',
        question: 'Integrations must switch to the new secret.',
        button: 'Rotate secret',
        danger: false,
        input: 'graceSeconds',
      } satisfies ConfirmScreen,
      handler: recordAction(async (actor, id, input) => {
        const { token, secret } = await service.rotate(actor, id, { graceSeconds: input.graceSeconds ?? 0 });
        return { token, secret, message: `Token "${token.name}" rotated. Update your integrations with the new secret.` };
      }),
    },
    regenerate: {
      actionType: 'record',
      icon: 'Calendar',
      isAccessible,
      component: components.tokenAction,
      hideActionHeader: true,
      custom: {
        title: 'Regenerate token',
        summary:
          'New secret and a new expiry. The old secret stops working at once, with no grace period. Use it for a lost or leaked secret, or an expired token.',
        question: 'The old secret stops working the moment you confirm.',
        button: 'Regenerate token',
        danger: true,
        input: 'expiry',
      } satisfies ConfirmScreen,
      handler: recordAction(async (actor, id, input) => {
        const { token, secret } = await service.regenerate(actor, id, { expiry: input.expiry });
        return { token, secret, message: `Token "${token.name}" regenerated. The old secret no longer works.` };
      }),
    },
    disable: {
      actionType: 'record',
      icon: 'Slash',
      isAccessible,
      isVisible: ({ currentAdmin, record }) => ctx.canUseFeature(currentAdmin) && record?.params?.enabled !== false,
      component: components.tokenAction,
      hideActionHeader: true,
      custom: {
        title: 'Disable token',
        summary: 'Requests with this token are refused until you enable it again. Nothing else changes.',
        question: 'Disable it now?',
        button: 'Disable token',
        danger: true,
      } satisfies ConfirmScreen,
      handler: recordAction(async (actor, id) => {
        const token = await service.disable(actor, id);
        return { token, message: `Token "${token.name}" disabled. Requests with it are refused until you enable it.` };
      }),
    },
    enable: {
      actionType: 'record',
      icon: 'CheckCircle',
      isAccessible,
      isVisible: ({ currentAdmin, record }) => ctx.canUseFeature(currentAdmin) && record?.params?.enabled === false,
      component: components.tokenAction,
      hideActionHeader: true,
      custom: {
        title: 'Enable token',
        summary: 'Requests with this token are accepted again.',
        question: 'Enable it now?',
        button: 'Enable token',
        danger: false,
      } satisfies ConfirmScreen,
      handler: recordAction(async (actor, id) => {
        const token = await service.enable(actor, id);
        return { token, message: `Token "${token.name}" enabled.` };
      }),
    },
    delete: {
      isAccessible,
      guard: 'Delete this token? Every system using it loses access at once. This cannot be undone.',
      handler: async (request, _response, context) => {
        try {
          const actor = await ctx.actor(context);
          const token = await service.get(actor, recordId(request));
          if (!isPost(request)) return { record: toRecord(context, token) };
          await service.delete(actor, token.id);
          return {
            record: toRecord(context, token),
            redirectUrl: listUrl(context),
            notice: { message: `Token "${token.name}" deleted. Systems using it have lost access.`, type: 'success' },
          };
        } catch (error) {
          return errorResponse(error);
        }
      },
    },
    bulkDelete: {
      isAccessible,
      handler: async (request, _response, context) => {
        try {
          const actor = await ctx.actor(context);
          const ids = String(request.query?.recordIds ?? '')
            .split(',')
            .filter((id) => id.length > 0);
          const tokens = await Promise.all(ids.map((id) => service.get(actor, id)));
          const records = tokens.map((token) => toRecord(context, token));
          if (!isPost(request)) return { records };
          const { deleted } = await service.bulkDelete(actor, ids);
          return {
            records,
            redirectUrl: listUrl(context),
            notice: { message: `${deleted} tokens deleted. Systems using them have lost access.`, type: 'success' },
          };
        } catch (error) {
          return errorResponse(error, { records: [] });
        }
      },
    },
  };
}
