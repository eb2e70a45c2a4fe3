import { apiError, fieldError } from '../core/errors.js';
import { describeValue, normalizeUserId, parseChosenUserId } from '../core/user-id.js';
import type { ApiAccess } from '../api-access.js';
import type { ApiAccessPluginOptions, ListedUser } from './options.js';

/** One user offered by the user picker; `unavailable` says why they cannot be chosen, or is null. */
export interface UserChoice {
  id: string;
  email: string;
  unavailable: string | null;
}

/** What a user is being chosen for: owning a token, or the token-admin grant. */
export type UserChoicePurpose = 'owner' | 'grant';

/** The most users the picker offers (a back office's admins, not its customers). */
export const MAX_USER_CHOICES = 1000;

export const NEVER_SIGNED_IN = 'Has never signed in: a token can be made for someone else only once they have signed in (lastSignInAt from users.findById).';
const NOT_SUPER_ADMIN = 'Not a super admin: only super admins can be token admins.';
const ALREADY_TOKEN_ADMIN = 'Already a token admin.';
const NOT_FOUND = 'Not found by users.findById (disabled or deleted).';

/** The host's listUsers answer, checked: every id made a string, the other fields typed. */
async function listedUsers(
  listUsers: NonNullable<ApiAccessPluginOptions['listUsers']>,
): Promise<Array<{ id: string; email: string; isSuperAdmin?: boolean; lastSignInAt?: Date | null }>> {
  let listed: unknown;
  try {
    listed = await listUsers();
  } catch (error) {
    const text =
      (error instanceof Error ? error.message : String(error))
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .at(-1) ?? '';
    throw apiError('listUsersFailed', { reason: text.slice(0, 200) });
  }
  if (!Array.isArray(listed)) throw apiError('listUsersNotAnArray', { returned: describeValue(listed) });
  return listed.slice(0, MAX_USER_CHOICES).map((entry: Partial<Record<keyof ListedUser, unknown>> | null, index) => {
    const id = normalizeUserId(entry?.id);
    if (id === null) throw apiError('listUsersBadId', { index, id: describeValue(entry?.id) });
    if (typeof entry?.email !== 'string') throw apiError('listUsersBadEmail', { id, email: describeValue(entry?.email) });
    const lastSignInAt =
      entry.lastSignInAt === null
        ? null
        : entry.lastSignInAt instanceof Date
          ? entry.lastSignInAt
          : entry.lastSignInAt === undefined
            ? undefined
            : new Date(String(entry.lastSignInAt));
    return {
      id,
      email: entry.email,
      ...(typeof entry.isSuperAdmin === 'boolean' ? { isSuperAdmin: entry.isSuperAdmin } : {}),
      ...(lastSignInAt === undefined || Number.isNaN(lastSignInAt?.getTime()) ? {} : { lastSignInAt }),
    };
  });
}

/**
 * The users the picker offers, each marked with why it cannot be chosen for `purpose` (or not).
 * What listUsers does not say (isSuperAdmin, lastSignInAt) is asked of users.findById.
 */
export async function userChoices(apiAccess: ApiAccess, listUsers: ApiAccessPluginOptions['listUsers'], purpose: UserChoicePurpose): Promise<UserChoice[]> {
  if (!listUsers) return [];
  const users = await listedUsers(listUsers);
  const granted =
    purpose === 'grant' ? new Set((await apiAccess.prisma.apiTokenAdminGrant.findMany({ select: { userId: true } })).map((g) => g.userId)) : new Set<string>();
  return Promise.all(
    users.map(async (user): Promise<UserChoice> => {
      const needs = purpose === 'owner' ? user.lastSignInAt === undefined : user.isSuperAdmin === undefined;
      const known = needs ? await apiAccess.users.findById(user.id) : user;
      let unavailable: string | null = null;
      if (!known) unavailable = NOT_FOUND;
      else if (purpose === 'owner' && known.lastSignInAt === null) unavailable = NEVER_SIGNED_IN;
      else if (purpose === 'grant' && !known.isSuperAdmin) unavailable = NOT_SUPER_ADMIN;
      else if (purpose === 'grant' && granted.has(user.id)) unavailable = ALREADY_TOKEN_ADMIN;
      return { id: user.id, email: user.email, unavailable };
    }),
  );
}

/**
 * A user id chosen in a form, checked on the server: a well-formed id, and, where the host lists
 * its users, one of them. Free text (an e-mail typed where an id belongs) never reaches findById.
 */
export async function chosenUserId(listUsers: ApiAccessPluginOptions['listUsers'], raw: unknown, field: string): Promise<string> {
  const id = parseChosenUserId(raw, field);
  if (listUsers && !(await listedUsers(listUsers)).some((user) => user.id === id)) {
    throw fieldError(field, 'userNotListed');
  }
  return id;
}
