import { apiError, fieldError } from './errors.js';

/** The longest user id the plugin stores (the id columns of tokens, grants and audit events hold text). */
export const MAX_USER_ID_LENGTH = 64;

/**
 * A host's user id as the plugin stores and compares it: the text of a string id as it is, an
 * integer id (number or bigint) in decimal. Anything else (an empty string, a fraction, an
 * object, control characters) is not an id: null.
 */
export function normalizeUserId(value: unknown): string | null {
  if (typeof value === 'string') {
    return value.length > 0 && value.length <= MAX_USER_ID_LENGTH && !/\p{Cc}/u.test(value) ? value : null;
  }
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : null;
  if (typeof value === 'bigint') return String(value);
  return null;
}

/** A short, printable picture of a value a host gave, for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value instanceof Date) return 'a Date';
  return Array.isArray(value) ? 'an array' : `an object`;
}

/** A user id given to an operation (by the screens or by host code): a string or an integer. */
export function parseUserId(raw: unknown, field: string): string {
  const id = normalizeUserId(typeof raw === 'string' ? raw.trim() : raw);
  if (id === null) throw fieldError(field, 'userIdInvalid', { value: describeValue(raw) });
  return id;
}

/**
 * The acting admin as host code may give it (an Int id as a number), with its id made text once:
 * every query and comparison after this sees one form of the id.
 */
export function checkedActor<A extends { id: unknown; email: string; isSuperAdmin: boolean }>(actor: A): Omit<A, 'id'> & { id: string } {
  const id = normalizeUserId((actor as { id?: unknown } | null | undefined)?.id);
  if (id === null) {
    throw apiError('actorIdInvalid', { value: describeValue((actor as { id?: unknown } | null | undefined)?.id) });
  }
  return { ...actor, id };
}

/** A user id someone chose in a form: a usable id, or a field error saying to choose from the list. */
export function parseChosenUserId(raw: unknown, field: string): string {
  const id = normalizeUserId(typeof raw === 'string' ? raw.trim() : raw);
  if (id === null) throw fieldError(field, 'userNotChosen');
  return id;
}
