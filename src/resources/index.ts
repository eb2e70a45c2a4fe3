import type { ResourceWithOptions } from 'adminjs';
import type { PrismaClient } from '@prisma/client';
import { grantActions } from '../actions/grant-actions.js';
import { leakActions, type LeakComponents } from '../actions/leak-actions.js';
import { requestLogActions } from '../actions/request-log-actions.js';
import { roleActions } from '../actions/role-actions.js';
import { TOKEN_SORTABLE, tokenActions, type TokenComponents } from '../actions/token-actions.js';
import { datamodelModel } from '../datamodel.js';
import { freshAccess, type AccessLevel, type PluginContext } from '../plugin/context.js';
import { validateListQuery, type ListQueryRules } from '../plugin/list-query.js';
import type { ResourceOptions } from 'adminjs';

/** Fields that must never reach AdminJS: left out of the resource's model altogether. */
export const TOKEN_SECRET_FIELDS = ['secretHash', 'previousSecretHash'] as const;

const READ_ONLY = { new: false, edit: false, delete: false, bulkDelete: false } as const;
const denied = { isAccessible: false, isVisible: false };

function resource(prisma: PrismaClient, model: string, omit: readonly string[] = []) {
  return { model: datamodelModel(model, omit), client: prisma };
}

type Actions = NonNullable<ResourceOptions['actions']>;

/**
 * Puts the fresh access check in front of every action that is not switched off, and on lists
 * the check of page, sort and filters, so that bad query parameters get a field-level error.
 */
function guarded(ctx: PluginContext, level: AccessLevel, actions: Actions, listRules: ListQueryRules = {}): Actions {
  const check = freshAccess(ctx, level);
  return Object.fromEntries(
    Object.entries(actions).map(([name, action]) => {
      if (!action || action.isAccessible === false) return [name, action];
      const before = action.before ? (Array.isArray(action.before) ? action.before : [action.before]) : [];
      const checks = name === 'list' ? [check, validateListQuery(listRules)] : [check];
      return [name, { ...action, before: [...checks, ...before] }];
    }),
  ) as Actions;
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
export function buildResources(ctx: PluginContext, prisma: PrismaClient, components: TokenComponents & LeakComponents): ResourceWithOptions[] {
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
    {
      resource: resource(prisma, 'ApiToken', TOKEN_SECRET_FIELDS),
      options: {
        id: ctx.resourceIds.token,
        navigation,
        titleProperty: 'name',
        sort: { sortBy: 'createdAt', direction: 'desc' },
        listProperties: ['name', 'id', 'description', 'tags', 'type', 'expiresAt', 'status', 'lastUsedAt', 'createdByEmail', 'ownerEmail'],
        showProperties: [
          'leakReport', 'name', 'id', 'maskedToken', 'status', 'description', 'tags', 'roles', 'scopes', 'allowedIps', 'ownerEmail',
          'createdByEmail', 'createdAt', 'secretIssuedAt', 'lastUsedAt', 'lastUsedIp', 'expiresAt', 'previousSecretExpiresAt',
        ],
        // The owner by e-mail (a part of it, any case), or by id (exact, as a link would carry it).
        filterProperties: ['status', 'roles', 'tags', 'ownerEmail', 'ownerId', 'name'],
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
        actions: guarded(ctx, 'feature', { ...tokenActions(ctx, components), ...leakActions(ctx, components) }, { sortable: TOKEN_SORTABLE }),
      },
    },
    {
      resource: resource(prisma, 'ApiRole'),
      options: {
        id: ctx.resourceIds.role,
        navigation,
        titleProperty: 'name',
        listProperties: ['name', 'description', 'scopes', 'updatedAt'],
        editProperties: ['name', 'description', 'scopes'],
        properties: { scopes: { type: 'string', isArray: true, description: 'e.g. vault-summary:read' } },
        actions: guarded(ctx, 'superAdmin', guide(roleActions(ctx))),
      },
    },
    {
      resource: resource(prisma, 'ApiTokenRole'),
      options: {
        id: ctx.resourceIds.assignment,
        navigation,
        listProperties: ['token', 'role', 'assignedByEmail', 'assignedAt'],
        sort: { sortBy: 'assignedAt', direction: 'desc' },
        actions: guarded(ctx, 'superAdmin', guide(readOnlyActions(superAdminOnly))),
      },
    },
    {
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
        },
        actions: guarded(ctx, 'feature', guide(requestLogActions(ctx)), { sortable: ['createdAt'] }),
      },
    },
    {
      resource: resource(prisma, 'ApiAuditEvent'),
      options: {
        id: ctx.resourceIds.audit,
        navigation,
        sort: { sortBy: 'createdAt', direction: 'desc' },
        listProperties: ['createdAt', 'actorEmail', 'action', 'tokenName'],
        filterProperties: ['action', 'actorEmail', 'tokenId', 'createdAt'],
        // As on the request logs: the token found by its name; the event page links to the token.
        properties: { tokenId: { type: 'reference', reference: ctx.resourceIds.token, components: { filter: components.tokenFilter } } },
        actions: guarded(ctx, 'superAdmin', guide(readOnlyActions(superAdminOnly))),
      },
    },
    {
      resource: resource(prisma, 'ApiTokenAdminGrant'),
      options: {
        id: ctx.resourceIds.grant,
        navigation,
        listProperties: ['userEmail', 'grantedAt'],
        editProperties: ['userId'],
        properties: { userId: { description: 'The id of a super admin' } },
        actions: guarded(ctx, 'superAdmin', guide(grantActions(ctx))),
      },
    },
  ];
}
