import type { ResourceWithOptions } from 'adminjs';
import type { PrismaClient } from '@prisma/client';
import { grantActions } from '../actions/grant-actions.js';
import { leakActions, type LeakComponents } from '../actions/leak-actions.js';
import { requestLogActions } from '../actions/request-log-actions.js';
import { roleActions } from '../actions/role-actions.js';
import { TOKEN_SORTABLE, tokenActions, type TokenComponents } from '../actions/token-actions.js';
import { datamodelModel } from '../datamodel.js';
import type { AccessLevel, PluginContext } from '../plugin/context.js';
import type { ListQueryRules } from '../plugin/list-query.js';
import { freshAccessFeature } from './access-feature.js';
import type { ResourceOptions } from 'adminjs';
import { overviewActions, tokenUsageAction, type UsageComponents } from '../actions/usage-actions.js';
import { REQUEST_LOG_PERIODS } from '../core/request-logs/period.js';
import { REQUEST_LOG_CSV_PATH } from '../plugin/request-log-csv.js';
import { OverviewResource } from './overview-resource.js';

/** Fields that must never reach AdminJS: left out of the resource's model altogether. */
export const TOKEN_SECRET_FIELDS = ['secretHash', 'previousSecretHash'] as const;

const READ_ONLY = { new: false, edit: false, delete: false, bulkDelete: false } as const;
const denied = { isAccessible: false, isVisible: false };

function resource(prisma: PrismaClient, model: string, omit: readonly string[] = []) {
  return { model: datamodelModel(model, omit), client: prisma };
}

type Actions = NonNullable<ResourceOptions['actions']>;

/** A resource whose actions all pass the fresh access check first (see freshAccessFeature). */
function guardedResource(
  ctx: PluginContext,
  level: AccessLevel,
  { resource, options }: { resource: unknown; options: ResourceOptions & { actions: Actions } },
  listRules?: ListQueryRules,
): ResourceWithOptions {
  return { resource, options, features: [freshAccessFeature(ctx, level, options.actions, listRules)] };
}

/** Shows the API base URL and best practice above the list and show pages. */
function withGuidance(actions: Actions, component: string): Actions {
  const out: Record<string, Record<string, unknown> | undefined> = { ...actions };
  for (const name of ['list', 'show']) {
    const action = out[name];
    if (action && action.isAccessible !== false && !action.component) out[name] = { ...action, component };
  }
  return out as Actions;
}

/** The plugin's AdminJS resources, in the "API Access" navigation group. */
export function buildResources(ctx: PluginContext, prisma: PrismaClient, components: TokenComponents & UsageComponents & LeakComponents): ResourceWithOptions[] {
  const guide = (actions: Actions): Actions => withGuidance(actions, components.guided);
  const navigation = { name: ctx.options.navigation?.name ?? 'API Access', icon: ctx.options.navigation?.icon ?? 'Key' };
  const superAdminOnly = ({ currentAdmin }: { currentAdmin?: unknown }) => ctx.isSuperAdmin(currentAdmin as never);
  const readOnlyActions = (isAccessible: typeof superAdminOnly) => ({
    list: { isAccessible },
    show: { isAccessible },
    search: { isAccessible },
    ...Object.fromEntries(Object.keys(READ_ONLY).map((name) => [name, denied])),
  });
  const virtual = (extra: Record<string, unknown> = {}) => ({ type: 'string' as const, isSortable: false, ...extra });

  return [
    guardedResource(ctx, 'superAdmin', {
      resource: new OverviewResource(ctx.resourceIds.overview),
      options: { id: ctx.resourceIds.overview, navigation, actions: overviewActions(ctx, components) },
    }),
    guardedResource(ctx, 'feature', {
      resource: resource(prisma, 'ApiToken', TOKEN_SECRET_FIELDS),
      options: {
        id: ctx.resourceIds.token,
        navigation,
        titleProperty: 'name',
        sort: { sortBy: 'createdAt', direction: 'desc' },
        listProperties: ['name', 'id', 'description', 'tags', 'type', 'expiresAt', 'status', 'lastUsedAt', 'createdByEmail', 'ownerEmail'],
        showProperties: [
          'leakReport', 'name', 'id', 'maskedToken', 'status', 'description', 'tags', 'roles', 'scopes', 'allowedIps', 'ownerEmail',
          'createdByEmail', 'createdAt', 'secretIssuedAt', 'lastUsedAt', 'lastUsedIp', 'expiresAt', 'previousSecretExpiresAt', 'usage',
        ],
        // The owner by e-mail (a part of it, any case), or by id (exact, as a link would carry it).
        filterProperties: ['status', 'roles', 'tags', 'ownerEmail', 'ownerId', 'name', 'expiresAt'],
        editProperties: [],
        properties: {
          status: virtual({
            components: { list: components.tokenValue, show: components.tokenValue },
            availableValues: [
              { value: 'active', label: 'Active' },
              { value: 'expired', label: 'Expired' },
              { value: 'disabled', label: 'Disabled' },
            ],
          }),
          maskedToken: virtual(),
          // The traffic chart (the token's `usage` action), on the detail page only.
          usage: virtual({ isVisible: { list: false, show: true, edit: false, filter: false }, components: { show: components.tokenUsage } }),
          // The "reported leaked" banner, drawn only when the token has a leak report.
          leakReport: virtual({ components: { show: components.leakBanner } }),
          tags: virtual(),
          roles: virtual({ components: { filter: components.roleFilter } }),
          scopes: virtual(),
          type: { isSortable: false },
          allowedIps: virtual(),
          ownerEmail: { isSortable: false },
          createdByEmail: { isSortable: false },
          expiresAt: { components: { list: components.tokenValue, show: components.tokenValue } },
          previousSecretExpiresAt: { description: 'During a rotation grace period, when the previous secret stops working' },
          description: { isSortable: false },
          id: { isSortable: false, components: { list: components.tokenValue } },
        },
        actions: { ...tokenActions(ctx, components), usage: tokenUsageAction(ctx), ...leakActions(ctx, components) },
      },
    }, { sortable: TOKEN_SORTABLE }),
    guardedResource(ctx, 'superAdmin', {
      resource: resource(prisma, 'ApiRole'),
      options: {
        id: ctx.resourceIds.role,
        navigation,
        titleProperty: 'name',
        listProperties: ['name', 'description', 'scopes', 'updatedAt'],
        editProperties: ['name', 'description', 'scopes'],
        properties: { scopes: { type: 'string', isArray: true, description: 'e.g. vault-summary:read' } },
        actions: guide(roleActions(ctx)),
      },
    }),
    guardedResource(ctx, 'superAdmin', {
      resource: resource(prisma, 'ApiTokenRole'),
      options: {
        id: ctx.resourceIds.assignment,
        navigation,
        listProperties: ['token', 'role', 'assignedByEmail', 'assignedAt'],
        sort: { sortBy: 'assignedAt', direction: 'desc' },
        actions: guide(readOnlyActions(superAdminOnly)),
      },
    }),
    guardedResource(ctx, 'feature', {
      resource: resource(prisma, 'ApiRequestLog'),
      options: {
        id: ctx.resourceIds.requestLog,
        navigation,
        sort: { sortBy: 'createdAt', direction: 'desc' },
        listProperties: ['createdAt', 'tokenName', 'method', 'path', 'status', 'ip', 'durationMs'],
        filterProperties: ['tokenId', 'createdAt'],
        // Newest first, always: the list is not sortable by its other columns.
        properties: {
          id: { isVisible: false },
          durationMs: { description: 'Milliseconds', isSortable: false },
          ...Object.fromEntries(['tokenName', 'method', 'path', 'ip', 'userAgent'].map((p) => [p, { isSortable: false }])),
          // Filtered by a token found by its name (the token resource's search, under its access
          // rules), not by an id typed in; named in the filter even when opened from a link.
          tokenId: { isSortable: false, type: 'reference', reference: ctx.resourceIds.token, components: { filter: components.tokenFilter } },
          status: { description: 'The HTTP status sent; 499: the connection closed before the response was sent', isSortable: false },
          // Ready-made periods (counted back from the server's now) or a custom range.
          createdAt: { components: { filter: components.periodFilter }, custom: { periods: REQUEST_LOG_PERIODS.map(({ value, label }) => ({ value, label })) } },
        },
        actions: guide(requestLogActions(ctx, { list: components.requestLogList, csvPath: REQUEST_LOG_CSV_PATH })),
      },
    }, { sortable: ['createdAt'], periods: REQUEST_LOG_PERIODS.map((p) => p.value) }),
    guardedResource(ctx, 'superAdmin', {
      resource: resource(prisma, 'ApiAuditEvent'),
      options: {
        id: ctx.resourceIds.audit,
        navigation,
        sort: { sortBy: 'createdAt', direction: 'desc' },
        listProperties: ['createdAt', 'actorEmail', 'action', 'tokenName'],
        filterProperties: ['action', 'actorEmail', 'tokenId', 'createdAt'],
        // As on the request logs: the token found by its name; the event page links to the token.
        properties: { tokenId: { type: 'reference', reference: ctx.resourceIds.token, components: { filter: components.tokenFilter } } },
        actions: guide(readOnlyActions(superAdminOnly)),
      },
    }),
    guardedResource(ctx, 'superAdmin', {
      resource: resource(prisma, 'ApiTokenAdminGrant'),
      options: {
        id: ctx.resourceIds.grant,
        navigation,
        listProperties: ['userEmail', 'grantedAt'],
        editProperties: ['userId'],
        properties: { userId: { description: 'A super admin, chosen from your users' } },
        actions: guide(grantActions(ctx, components.grantForm)),
      },
    }),
  ];
}
