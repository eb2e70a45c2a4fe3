import { ApiClient } from 'adminjs';

/** The form metadata every token screen gets from its action's GET. */
export interface FormInfo {
  roles: Array<{ id: string; name: string; description: string; scopes: string[] }>;
  expiryPresetsDays: number[];
  allowNeverExpires: boolean;
  maxLifetimeDays: number | null;
  namePatternHint: string | null;
  rotationGraceSeconds: number[];
  editPolicy: 'keep-secret' | 'invalidate-secret' | 'forbid';
  canChooseOwner: boolean;
  owners: Array<{ id: string; email: string }>;
  currentUser: { id: string; email: string };
  apiBaseUrl: string;
  guidance: string[];
}

export interface ActionResult {
  form?: FormInfo;
  secret?: string;
  record?: { id: string; params: Record<string, unknown>; errors?: Record<string, { message: string }> };
  notice?: { message: string; type: string };
  error?: { code: string; message: string; fields: Record<string, { code: string; message: string }> };
}

export const api = new ApiClient();

export type ExpiryChoice = { type: 'days'; days: number } | { type: 'date'; date: string } | { type: 'never' };

/** "30 days", "1 year": what a preset means to a person. */
export function presetLabel(days: number): string {
  if (days % 365 === 0) return days === 365 ? '1 year' : `${days / 365} years`;
  if (days % 30 === 0 && days < 365) return days === 30 ? '1 month (30 days)' : `${days / 30} months (${days} days)`;
  return `${days} days`;
}

export function graceLabel(seconds: number): string {
  if (seconds === 0) return 'None: the old secret stops at once';
  if (seconds % 86_400 === 0) return `${seconds / 86_400 === 1 ? '24 hours' : `${seconds / 86_400} days`}`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hour${seconds === 3_600 ? '' : 's'}`;
  return `${seconds} seconds`;
}

export function fieldErrors(result: ActionResult): Record<string, string> {
  return Object.fromEntries(Object.entries(result.error?.fields ?? {}).map(([field, e]) => [field, e.message]));
}
