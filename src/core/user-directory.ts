import { apiError } from './errors.js';
import type { DirectoryUser, HostUser, UserDirectory } from './types.js';
import { describeValue, normalizeUserId } from './user-id.js';

/** The last line of an error's message: where Prisma and most drivers put what went wrong. */
function gist(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? 'no message').slice(0, 200).replace(/[.\s]+$/, '');
}

function toDate(value: unknown): Date | null | undefined {
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/**
 * Checks what a host's `findById` answers and gives the plugin a user whose id is a string. A
 * host value never reaches a query unchecked: a user whose fields are missing or of the wrong
 * type, a different user than the one asked for, or a `findById` that throws becomes one
 * HOST_MISCONFIGURED error that names the option and what to change.
 */
export function checkHostUser(asked: string, user: unknown): DirectoryUser | null {
  if (user === null || user === undefined) return null;
  if (typeof user !== 'object') throw apiError('findByIdNotAnObject', { id: asked, returned: describeValue(user) });
  const raw = user as Partial<Record<keyof HostUser, unknown>>;
  const problems: string[] = [];
  const id = normalizeUserId(raw.id);
  if (id === null) problems.push(`its id is ${describeValue(raw.id)}, not a string or an integer`);
  else if (id !== asked) problems.push(`it is the user with id ${describeValue(id)}, not ${describeValue(asked)}`);
  if (typeof raw.email !== 'string' || raw.email.trim().length === 0) problems.push(`its email is ${describeValue(raw.email)}, not an e-mail address`);
  if (typeof raw.isSuperAdmin !== 'boolean') problems.push(`its isSuperAdmin is ${describeValue(raw.isSuperAdmin)}, not true or false`);
  const lastSignInAt = toDate(raw.lastSignInAt);
  if (lastSignInAt === undefined) {
    problems.push(`its lastSignInAt is ${describeValue(raw.lastSignInAt)}, not a Date or null (null: never signed in)`);
  }
  if (problems.length > 0) throw apiError('findByIdUnusableUser', { id: asked, problems });
  return { id: id!, email: raw.email as string, isSuperAdmin: raw.isSuperAdmin as boolean, lastSignInAt: lastSignInAt! };
}

/** The host's user directory, every answer checked (see checkHostUser). */
export function checkedDirectory(users: UserDirectory): { findById(id: string): Promise<DirectoryUser | null> } {
  return {
    async findById(id: string) {
      let user: unknown;
      try {
        user = await users.findById(id);
      } catch (error) {
        throw apiError('findByIdFailed', { id, reason: gist(error) }, error === undefined ? undefined : { cause: error });
      }
      return checkHostUser(id, user);
    },
  };
}
