/** What the audit log records; each is written with the change it records (see StoreTransaction.recordAudit). */
export type AuditAction =
  | 'token.created'
  | 'token.rotated'
  | 'token.regenerated'
  | 'token.edited'
  | 'token.enabled'
  | 'token.disabled'
  | 'token.deleted'
  /** A rotated-out secret was presented after its grace period ended (written by RetiredSecretAudit). */
  | 'token.rotated_secret_used'
  /** A secret was reported leaked (GitHub's secret scanning or an admin): what was done, where it was found, by whom. */
  | 'token.reported_leaked'
  | 'role.created'
  | 'role.edited'
  | 'role.deleted'
  | 'token_admin.granted'
  | 'token_admin.revoked';
