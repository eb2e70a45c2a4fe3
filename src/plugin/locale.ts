import type { LocaleTranslations } from 'adminjs';
import type { AuditAction } from '../core/audit.js';

/** What each audit-trail code means, as the audit screens show it and filter by it. */
export const auditActionLabels: Readonly<Record<AuditAction, string>> = {
  'token.created': 'Token created',
  'token.rotated': 'Secret rotated',
  'token.regenerated': 'Token regenerated',
  'token.edited': 'Token edited',
  'token.enabled': 'Token enabled',
  'token.disabled': 'Token disabled',
  'token.deleted': 'Token deleted',
  'token.rotated_secret_used': 'Retired secret used',
  'token.reported_leaked': 'Reported leaked',
  'role.created': 'Role created',
  'role.edited': 'Role edited',
  'role.deleted': 'Role deleted',
  'token_admin.granted': 'Token admin granted',
  'token_admin.revoked': 'Token admin taken away',
};

/**
 * What AdminJS's own error page says on the plugin's screens, instead of "Resource of given id …
 * does not have an action with name …": a page (say, a pasted link) the admin may not open, or a
 * record that is gone.
 */
const pageErrors = {
  pageNotFound_title: 'Not available',
  error404Action: 'This page is not open to you. API Access is managed by super admins: ask one of them if you need a token.',
  error404Record: 'There is nothing with the id "{{recordId}}" here: it may have been deleted.',
};

/**
 * English labels for the plugin's screens. AdminJS reads labels only from the host's locale, so
 * the host merges these into `locale.translations.en` (the README shows how).
 */
export const apiAccessTranslations: LocaleTranslations = {
  labels: {
    ApiToken: 'API tokens',
    ApiRole: 'Roles',
    ApiTokenRole: 'Role assignments',
    ApiRequestLog: 'Request logs',
    ApiAuditEvent: 'Audit trail',
    ApiTokenAdminGrant: 'Token admins',
    ApiAccessOverview: 'Overview',
  },
  resources: {
    ApiToken: {
      messages: pageErrors,
      properties: {
        id: 'Access ID',
        name: 'Name',
        status: 'Status',
        createdAt: 'Created',
        maskedToken: 'Token',
        expiresAt: 'Expires',
        lastUsedAt: 'Last used',
        lastUsedIp: 'Last used from',
        type: 'Type',
        tags: 'Tags',
        scopes: 'Scopes',
        description: 'Description',
        createdByEmail: 'Created by',
        ownerEmail: 'Owner',
        ownerId: 'Owner id',
        roles: 'Roles',
        allowedIps: 'Allowed IP ranges',
        secretIssuedAt: 'Secret issued',
        previousSecretExpiresAt: 'Previous secret works until',
        usage: 'Traffic',
        leakReport: 'Reported leaked',
      },
      actions: {
        // A list is titled with what it lists, as the token pages of Stripe and GitLab are.
        list: 'API tokens',
        new: 'Create token',
        rotate: 'Rotate secret',
        regenerate: 'Regenerate token',
        enable: 'Enable',
        disable: 'Disable',
        reportLeak: 'Report leaked',
        checkText: 'Check text for tokens',
      },
    },
    ApiTokenRole: {
      messages: pageErrors,
      properties: { token: 'Token', role: 'Role', assignedByEmail: 'Assigned by', assignedAt: 'Assigned' },
      actions: { list: 'Role assignments' },
    },
    ApiRole: { messages: pageErrors, properties: { updatedAt: 'Last changed', createdAt: 'Created' }, actions: { list: 'Roles', new: 'Create role' } },
    ApiRequestLog: {
      messages: pageErrors,
      actions: { list: 'Request logs' },
      properties: {
        createdAt: 'Time',
        tokenName: 'Token',
        tokenId: 'Token',
        durationMs: 'Duration',
        ip: 'Client address',
        userAgent: 'Client software',
        status: 'Status',
        method: 'Method',
        path: 'Path',
      },
    },
    ApiAuditEvent: {
      messages: pageErrors,
      actions: { list: 'Audit trail' },
      properties: {
        createdAt: 'Time',
        actorEmail: 'Who',
        actorId: 'Who (id)',
        tokenName: 'Token',
        tokenId: 'Token',
        action: 'What happened',
        details: 'Details',
      },
    },
    ApiAccessOverview: { messages: pageErrors },
    ApiTokenAdminGrant: {
      messages: pageErrors,
      properties: { userEmail: 'Admin', grantedAt: 'Granted', userId: 'Admin id' },
      actions: { list: 'Token admins', new: 'Grant token admin' },
    },
  },
};
