import type { ResourceWithOptions } from 'adminjs';
import type { PrismaClient } from '@prisma/client';
import { grantActions } from '../actions/grant-actions.js';
import { requestLogActions } from '../actions/request-log-actions.js';
import { roleActions } from '../actions/role-actions.js';
import { TOKEN_SORTABLE, tokenActions, type TokenComponents } from '../actions/token-actions.js';
import { datamodelModel } from '../datamodel.js';
import { freshAccess, type AccessLevel, type PluginContext } from '../plugin/context.js';
import { validateListQuery, type ListQueryRules } from '../plugin/list-query.js';
import { auditActionLabels } from '../plugin/locale.js';
import { DEFAULT_TOKEN_LIST_COLUMNS } from '../plugin/token-columns.js';
import { deletedTokenParams, TokenResource } from './token-resource.js';
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

/**
 * A deleted token's address opens a record that says so (see token-resource.ts): only its page
 * is open; every other record action is refused and its button left out.
 */
function onlyShowWhenDeleted(actions: Actions): Actions {
  const out: Record<string, Record<string, unknown> | undefined> = { ...actions };
  for (const [name, action] of Object.entries(out)) {
    if (!action || name === 'show' || name === 'list' || name === 'new' || name === 'search' || name === 'bulkDelete') continue;
    const live = (context: { record?: { params?: Record<string, unknown> } }) => context.record?.params?.deleted !== true;
    const wrap = (rule: unknown) =>
      rule === false ? false : (context: never) => live(context) && (typeof rule === 'function' ? Boolean((rule as (c: never) => unknown)(context)) : true);
    out[name] = { ...action, isAccessible: wrap(action.isAccessible ?? true), isVisible: wrap(action.isVisible ?? true) };
  }
  return out as Actions;
}

/** How a value is shown on the plugin's lists and detail pages (see components/Value.tsx). */
function shownAs(component: string, custom: Record<string, unknown>) {
  return { components: { list: component, show: component }, custom };
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
export function buildResources(ctx: PluginContext, prisma: PrismaClient, components: TokenComponents): ResourceWithOptions[] {
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

  const value = (custom: Record<string, unknown>) => shownAs(components.value, custom);
  const when = (extra: Record<string, unknown> = {}) => value({ kind: 'when', ...extra });

  return [
    {
      resource: new TokenResource({ model: datamodelModel('ApiToken', TOKEN_SECRET_FIELDS), client: prisma }, (id, context) => deletedTokenParams(prisma, ctx, id, context)),
      options: {
        id: ctx.resourceIds.token,
        navigation,
        titleProperty: 'name',
        sort: { sortBy: 'createdAt', direction: 'desc' },
        // What fits a laptop's list on one line each; the rest is on the detail page.
        listProperties: [...(ctx.options.tokenListColumns ?? DEFAULT_TOKEN_LIST_COLUMNS)],
        showProperties: [
          'name', 'description', 'tags', 'maskedToken', 'id', 'type', 'roles', 'scopes', 'allowedIps', 'ownerEmail',
          'status', 'expiresAt', 'previousSecretExpiresAt', 'secretIssuedAt', 'createdAt', 'createdByEmail', 'lastUsedAt', 'lastUsedIp',
        ],
        // The owner by e-mail (a part of it, any case), or by id (exact, as a link would carry it).
        filterProperties: ['status', 'roles', 'tags', 'ownerEmail', 'ownerId', 'name'],
        editProperties: [],
        properties: {
          name: value({ kind: 'text', maxWidth: 260 }),
          status: virtual({
            ...value({ kind: 'status' }),
            availableValues: [
              { value: 'active', label: 'Active' },
              { value: 'expired', label: 'Expired' },
              { value: 'disabled', label: 'Disabled' },
            ],
          }),
          maskedToken: virtual(value({ kind: 'text', monospace: true })),
          tags: virtual(value({ kind: 'list', empty: 'No tags', maxWidth: 160 })),
          roles: virtual({ ...value({ kind: 'list', empty: 'No roles', maxWidth: 280 }), components: { filter: components.roleFilter, list: components.value, show: components.value } }),
          scopes: virtual(value({ kind: 'list', empty: 'No scopes', monospace: true, maxWidth: 180, separator: ' ' })),
          type: { isSortable: false, ...value({ kind: 'text' }) },
          allowedIps: virtual(value({ kind: 'ipRanges', maxWidth: 180 })),
          ownerEmail: { isSortable: false, ...value({ kind: 'text', maxWidth: 200 }) },
          createdByEmail: { isSortable: false, ...value({ kind: 'text', maxWidth: 200 }) },
          createdAt: when({ relative: true }),
          secretIssuedAt: when({ relative: true }),
          expiresAt: when({ relative: true, empty: 'Never expires' }),
          lastUsedAt: when({ relative: true, empty: 'Never used' }),
          lastUsedIp: value({ kind: 'ip', empty: 'Not used yet' }),
          previousSecretExpiresAt: {
            description: 'During a rotation grace period, when the previous secret stops working',
            ...when({ relative: true, empty: 'No previous secret works' }),
          },
          description: { isSortable: false, ...value({ kind: 'text', empty: 'No description', maxWidth: 220 }) },
          id: { isSortable: false, ...value({ kind: 'id' }) },
        },
        actions: onlyShowWhenDeleted(guarded(ctx, 'feature', tokenActions(ctx, components), { sortable: TOKEN_SORTABLE })),
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
        properties: {
          scopes: { type: 'string', isArray: true, description: 'e.g. vault-summary:read', ...value({ kind: 'list', empty: 'No scopes', monospace: true, maxWidth: 260 }), components: { list: components.value, show: components.value } },
          name: value({ kind: 'text', maxWidth: 220 }),
          description: value({ kind: 'text', empty: 'No description', maxWidth: 320 }),
          createdAt: when(),
          updatedAt: when(),
        },
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
        properties: { assignedAt: when(), assignedByEmail: value({ kind: 'text', maxWidth: 240 }) },
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
          createdAt: when(),
          durationMs: { description: 'How long the API took to answer', isSortable: false, ...value({ kind: 'duration' }) },
          ...Object.fromEntries(['tokenName', 'method', 'path', 'ip', 'userAgent'].map((p) => [p, { isSortable: false }])),
          tokenName: { isSortable: false, ...value({ kind: 'text', maxWidth: 200 }) },
          path: { isSortable: false, ...value({ kind: 'text', maxWidth: 240, monospace: true }) },
          ip: { isSortable: false, ...value({ kind: 'ip' }) },
          userAgent: { isSortable: false, ...value({ kind: 'text', empty: 'Not sent', maxWidth: 240 }) },
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
        properties: {
          tokenId: { type: 'reference', reference: ctx.resourceIds.token, components: { filter: components.tokenFilter } },
          createdAt: when(),
          // The code written for machines ("token.deleted") is shown, and filtered, by what happened.
          action: { ...value({ kind: 'label', maxWidth: 240 }), availableValues: Object.entries(auditActionLabels).map(([code, label]) => ({ value: code, label })) },
          actorEmail: value({ kind: 'text', maxWidth: 240 }),
          tokenName: value({ kind: 'text', empty: 'No token', maxWidth: 240 }),
        },
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
        properties: { userId: { description: 'The id of a super admin' }, grantedAt: when(), userEmail: value({ kind: 'text', maxWidth: 320 }) },
        actions: guarded(ctx, 'superAdmin', guide(grantActions(ctx))),
      },
    },
  ];
}
