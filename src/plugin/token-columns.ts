/**
 * The token list's columns. By default the ones that fit a laptop's screen on one line each
 * (name, status, roles, expiry, last use); everything else is on the token's detail page. A host
 * may choose others with the plugin's `tokenListColumns` option.
 */
export const TOKEN_LIST_COLUMNS = [
  'name',
  'status',
  'roles',
  'expiresAt',
  'lastUsedAt',
  'description',
  'tags',
  'scopes',
  'maskedToken',
  'id',
  'type',
  'allowedIps',
  'ownerEmail',
  'createdByEmail',
  'createdAt',
  'secretIssuedAt',
  'lastUsedIp',
  'previousSecretExpiresAt',
] as const;
export type TokenListColumn = (typeof TOKEN_LIST_COLUMNS)[number];

export const DEFAULT_TOKEN_LIST_COLUMNS: readonly TokenListColumn[] = ['name', 'status', 'roles', 'expiresAt', 'lastUsedAt'];
