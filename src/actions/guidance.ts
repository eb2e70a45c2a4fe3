/** Best practice shown on every API Access screen. */
export const GUIDANCE = [
  'Use a separate token per integration, so that each can be revoked on its own.',
  'Give each token the least scope it needs.',
  'Set an expiry, above all for short-lived workflows.',
  'Rotate tokens regularly, and delete the ones no longer in use.',
  'Keep tokens in a secrets manager or vault: never in source code, tickets or plain text files.',
] as const;
