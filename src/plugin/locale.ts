import type { LocaleTranslations } from 'adminjs';

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
      properties: {
        id: 'Access ID',
        name: 'Name',
        status: 'Status',
        createdAt: 'Created',
        maskedToken: 'Token',
        expiresAt: 'Expires',
        lastUsedAt: 'Last used',
        lastUsedIp: 'Last used from',
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
        new: 'Create token',
        rotate: 'Rotate',
        regenerate: 'Regenerate',
        enable: 'Enable',
        disable: 'Disable',
        reportLeak: 'Report leaked',
        checkText: 'Check text for tokens',
      },
    },
    ApiTokenRole: { properties: { token: 'Token', role: 'Role', assignedByEmail: 'Assigned by', assignedAt: 'Assigned' } },
    ApiRequestLog: { properties: { createdAt: 'Time', tokenName: 'Token', tokenId: 'Token', durationMs: 'Duration (ms)', ip: 'IP', userAgent: 'User agent' } },
    ApiAuditEvent: { properties: { createdAt: 'Time', actorEmail: 'Who', tokenName: 'Token' } },
    ApiTokenAdminGrant: { properties: { userEmail: 'Admin', grantedAt: 'Granted', userId: 'Admin id' } },
  },
};
