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
import { auditActionLabels } from '../plugin/locale.js';
import { DEFAULT_TOKEN_LIST_COLUMNS } from '../plugin/token-columns.js';
import { freshAccessFeature } from './access-feature.js';
import { deletedTokenParams, TokenResource } from './token-resource.js';
import type { ResourceOptions } from 'adminjs';
import { overviewActions, tokenUsageAction, type UsageComponents } from '../actions/usage-actions.js';
import { REQUEST_LOG_PERIODS } from '../core/request-logs/period.js';
import { REQUEST_LOG_CSV_PATH } from '../plugin/request-log-csv.js';
import { OverviewResource } from './overview-resource.js';
import { RequestLogResource } from './request-log-resource.js';

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
export function buildResources(
  ctx: PluginContext,
  prisma: PrismaClient,
  components: TokenComponents & UsageComponents & LeakComponents,
): ResourceWithOptions[] {
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
    guardedResource(ctx, 'superAdmin', {
      resource: new OverviewResource(ctx.resourceIds.overview),
      options: { id: ctx.resourceIds.overview, navigation, actions: overviewActions(ctx, components) },
    }),
    guardedResource(
      ctx,
      'feature',
      {
        resource: new TokenResource({ model: datamodelModel('ApiToken', TOKEN_SECRET_FIELDS), client: prisma }, (id, context) =>
          deletedTokenParams(ctx, id, context),
        ),
        options: {
          id: ctx.resourceIds.token,
          navigation,
          titleProperty: 'name',
          sort: { sortBy: 'createdAt', direction: 'desc' },
          // What fits a laptop's list on one line each; the rest is on the detail page.
          listProperties: [...(ctx.options.tokenListColumns ?? DEFAULT_TOKEN_LIST_COLUMNS)],
          showProperties: [
            'leakReport',
            'name',
            'description',
            'tags',
            'maskedToken',
            'id',
            'type',
            'roles',
            'scopes',
            'allowedIps',
            'ownerEmail',
            'status',
            'expiresAt',
            'previousSecretExpiresAt',
            'secretIssuedAt',
            'createdAt',
            'createdByEmail',
            'lastUsedAt',
            'lastUsedIp',
            'usage',
          ],
          // The owner by e-mail (a part of it, any case), or by id (exact, as a link would carry it).
          filterProperties: ['status', 'roles', 'tags', 'ownerEmail', 'ownerId', 'name', 'expiresAt'],
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
            // The traffic chart (the token's `usage` action), on the detail page only.
            usage: virtual({ isVisible: { list: false, show: true, edit: false, filter: false }, components: { show: components.tokenUsage } }),
            // The "reported leaked" banner, drawn only when the token has a leak report.
            leakReport: virtual({ components: { show: components.leakBanner } }),
            tags: virtual(value({ kind: 'list', empty: 'No tags', maxWidth: 160 })),
            roles: virtual({
              ...value({ kind: 'list', empty: 'No roles', maxWidth: 280 }),
              components: { filter: components.roleFilter, list: components.value, show: components.value },
            }),
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
          actions: onlyShowWhenDeleted({ ...tokenActions(ctx, components), usage: tokenUsageAction(ctx), ...leakActions(ctx, components) }),
        },
      },
      { sortable: TOKEN_SORTABLE },
    ),
    guardedResource(ctx, 'superAdmin', {
      resource: resource(prisma, 'ApiRole'),
      options: {
        id: ctx.resourceIds.role,
        navigation,
        titleProperty: 'name',
        listProperties: ['name', 'description', 'scopes', 'updatedAt'],
        editProperties: ['name', 'description', 'scopes'],
        properties: {
          scopes: {
            type: 'string',
            isArray: true,
            description: 'e.g. vault-summary:read',
            ...value({ kind: 'list', empty: 'No scopes', monospace: true, maxWidth: 260 }),
            components: { list: components.value, show: components.value },
          },
          name: value({ kind: 'text', maxWidth: 220 }),
          description: value({ kind: 'text', empty: 'No description', maxWidth: 320 }),
          createdAt: when(),
          updatedAt: when(),
        },
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
        properties: { assignedAt: when(), assignedByEmail: value({ kind: 'text', maxWidth: 240 }) },
        actions: guide(readOnlyActions(superAdminOnly)),
      },
    }),
    guardedResource(
      ctx,
      'feature',
      {
        resource: new RequestLogResource({ model: datamodelModel('ApiRequestLog'), client: prisma }),
        options: {
          id: ctx.resourceIds.requestLog,
          navigation,
          sort: { sortBy: 'createdAt', direction: 'desc' },
          listProperties: ['createdAt', 'tokenName', 'method', 'path', 'status', 'ip', 'durationMs'],
          filterProperties: ['tokenId', 'createdAt'],
          // Newest first, always: the list is not sortable by its other columns.
          properties: {
            // The 64-bit id's decimal string (see RequestLogResource): a number id past 2^53 AdminJS refuses.
            id: { isVisible: false, type: 'string' },
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
            // Ready-made periods (counted back from the server's now) or a custom range.
            createdAt: {
              components: { list: components.value, show: components.value, filter: components.periodFilter },
              custom: { kind: 'when', periods: REQUEST_LOG_PERIODS.map(({ value, label }) => ({ value, label })) },
            },
          },
          actions: guide(requestLogActions(ctx, { list: components.requestLogList, csvPath: REQUEST_LOG_CSV_PATH })),
        },
      },
      { sortable: ['createdAt'], periods: REQUEST_LOG_PERIODS.map((p) => p.value) },
    ),
    guardedResource(ctx, 'superAdmin', {
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
          action: {
            ...value({ kind: 'label', maxWidth: 240 }),
            availableValues: Object.entries(auditActionLabels).map(([code, label]) => ({ value: code, label })),
          },
          actorEmail: value({ kind: 'text', maxWidth: 240 }),
          tokenName: value({ kind: 'text', empty: 'No token', maxWidth: 240 }),
        },
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
        properties: { userId: { description: 'A super admin, chosen from your users' }, grantedAt: when(), userEmail: value({ kind: 'text', maxWidth: 320 }) },
        actions: guide(grantActions(ctx, components.grantForm)),
      },
    }),
  ];
}
