/** What the leak actions answer, as the leak screens read it. */
export type LeakPolicyAction = 'disable' | 'delete' | 'report-only';

export interface LeakReportJson {
  id: string;
  tokenId: string;
  tokenName: string;
  url: string;
  source: string;
  reporter: string;
  action: 'disabled' | 'deleted' | 'none' | 'already-refused';
  reportedAt: string;
}

export interface FoundToken {
  id: string;
  name: string;
  maskedToken: string;
  lastFour: string;
  status: 'active' | 'expired' | 'disabled';
  ownerEmail: string;
  previousSecret: boolean;
  reported: boolean;
}

export interface LeakResult {
  leakPolicy?: { action: LeakPolicyAction };
  tokenPrefix?: string;
  check?: { wellFormed: number; tokens: FoundToken[] };
  leakReports?: LeakReportJson[];
  leakOutcome?: { kind: string; action: LeakReportJson['action'] | null; deleted: boolean };
  notice?: { message: string; type: string };
  error?: { code: string; message: string; fields: Record<string, { code: string; message: string }> };
}

/** What the host's policy does to a token reported leaked, as the end of a sentence. */
export function policySentence(action: LeakPolicyAction): string {
  if (action === 'delete') return 'the token is deleted at once: every request with it is refused, and this cannot be undone.';
  if (action === 'report-only') return 'this deployment only records leaks: the token keeps working until you rotate or disable it.';
  return 'the token is disabled at once: every request with it is refused, and it can be enabled again only after it is regenerated for a new secret.';
}

/** "2026-12-05 09:12 UTC" */
export function utc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export const ACTION_TAKEN: Record<LeakReportJson['action'], string> = {
  disabled: 'The token was disabled.',
  deleted: 'The token was deleted.',
  none: 'The token still works: rotate it now.',
  'already-refused': 'The token was already disabled or expired; it cannot be enabled again without a new secret.',
};
