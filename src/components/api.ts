import { ApiClient } from 'adminjs';

/** The form metadata every token screen gets from its action's GET. */
export interface FormInfo {
  roles: Array<{ id: string; name: string; description: string; scopes: string[] }>;
  expiryPresetsDays: number[];
  allowNeverExpires: boolean;
  maxLifetimeDays: number | null;
  /** Each owner's limit of enabled, unexpired tokens, and how many the signed-in admin has. */
  maxActiveTokensPerOwner: number;
  activeTokens: number;
  namePatternHint: string | null;
  rotationGraceSeconds: number[];
  editPolicy: 'keep-secret' | 'invalidate-secret' | 'forbid';
  canChooseOwner: boolean;
  /** The users a token admin may choose as owner, each marked with why it cannot be chosen (or null). */
  owners: Array<{ id: string; email: string; unavailable: string | null }>;
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

/** How long one answer serves the screens of a page that opens: they all ask within a moment. */
const PAGE_OPENING_MS = 5_000;
let shared: { page: string; at: number; info: Promise<FormInfo | null> } | null = null;

/**
 * The token screens' form metadata from the token resource's create action, asked once as a page
 * opens: the guidance above a list and the list's role filter both need it then. Coming back to
 * the page later asks again (roles may have changed meanwhile).
 */
export function pageFormInfo(tokenResourceId: string): Promise<FormInfo | null> {
  const page = `${tokenResourceId} ${window.location.pathname}`;
  const now = Date.now();
  if (shared === null || shared.page !== page || now - shared.at > PAGE_OPENING_MS) {
    const info = api.resourceAction({ resourceId: tokenResourceId, actionName: 'new' }).then((response) => (response.data as ActionResult).form ?? null);
    shared = { page, at: now, info };
    // A failed call is asked again by the next screen that needs it.
    info.catch(() => {
      if (shared?.info === info) shared = null;
    });
  }
  return shared.info;
}

/** The expiry as the form holds it: a preset, a day (and a time on it, else its end), or never. */
export type ExpiryChoice = { type: 'days'; days: number } | { type: 'date'; date: string; time?: string } | { type: 'never' };

export function graceLabel(seconds: number): string {
  if (seconds === 0) return 'No grace period: the old secret stops at once';
  if (seconds % 86_400 === 0) return `${seconds / 86_400 === 1 ? '24 hours' : `${seconds / 86_400} days`}`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hour${seconds === 3_600 ? '' : 's'}`;
  return `${seconds} seconds`;
}

/** The form fields by the name a person sees, for messages that point at them. */
export const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  tags: 'Tags',
  roleIds: 'Roles',
  allowedIps: 'Allowed IP ranges',
  expiry: 'Expiry',
  ownerId: 'Owner',
  graceSeconds: 'Grace period',
};

export function fieldErrors(result: ActionResult): Record<string, string> {
  return Object.fromEntries(Object.entries(result.error?.fields ?? {}).map(([field, e]) => [field, e.message]));
}
