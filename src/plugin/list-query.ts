import { flat, ValidationError, type ActionContext, type ActionRequest, type Before } from 'adminjs';

/** The most records one list page returns (AdminJS's own limit too). */
export const MAX_PER_PAGE = 500;
const MAX_PAGE = 1_000_000;
const MAX_FILTER_LENGTH = 500;
const PAGE = /^[1-9]\d{0,6}$/;
const PER_PAGE = /^[1-9]\d{0,2}$/;
const DATE_TYPES = new Set(['date', 'datetime']);
const NUMBER_TYPES = new Set(['number', 'float', 'currency']);
const UNFILTERABLE_TYPES = new Set(['mixed', 'key-value', 'password']);
/** The part of a date filter that names a ready-made period (`filters.createdAt~~last=24h`). */
export const LAST_PERIOD = 'last';

export type ListQueryErrors = Record<string, string>;

/** A key as it may appear in a message: short, and on one line. */
function shown(key: string): string {
  const clean = key.replace(/\p{Cc}/gu, ' ');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === '';
}

function isDate(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 64 && !Number.isNaN(new Date(value).getTime());
}

/**
 * A list's filters keyed by property path, whichever way the browser sent them: AdminJS's
 * date-range filter sends `filters.createdAt~~from`, a hand-written URL `filters.createdAt.from`.
 */
export function normalizeFilters(raw: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [key, value] of Object.entries(raw)) {
    const at = key.indexOf('~~');
    if (at < 0) {
      out.set(key, value);
      continue;
    }
    const path = key.slice(0, at);
    const existing = out.get(path);
    const range: Record<string, unknown> = existing !== null && typeof existing === 'object' && !Array.isArray(existing) ? { ...existing } : {};
    range[key.slice(at + 2)] = value;
    out.set(path, range);
  }
  return out;
}

/** Page, page size, sort field and direction: the same rules for every list. */
export function pagingErrors(query: Record<string, unknown>, sortable: readonly string[]): ListQueryErrors {
  const errors: ListQueryErrors = {};
  const { page, perPage, sortBy, direction } = query;
  if (!isBlank(page) && !(typeof page === 'string' && PAGE.test(page) && Number(page) <= MAX_PAGE)) {
    errors.page = `Page must be a whole number from 1 to ${MAX_PAGE}.`;
  }
  if (!isBlank(perPage) && !(typeof perPage === 'string' && PER_PAGE.test(perPage) && Number(perPage) <= MAX_PER_PAGE)) {
    errors.perPage = `Records per page must be a whole number from 1 to ${MAX_PER_PAGE}.`;
  }
  if (!isBlank(sortBy) && !(typeof sortBy === 'string' && sortable.includes(sortBy))) {
    errors.sortBy = sortable.length > 0 ? `Sort by one of: ${sortable.join(', ')}.` : 'This list cannot be sorted.';
  }
  if (!isBlank(direction) && direction !== 'asc' && direction !== 'desc') {
    errors.direction = 'The sort direction is "asc" or "desc".';
  }
  return errors;
}

function filterError(type: string, value: unknown, periods: readonly string[]): string | null {
  if (UNFILTERABLE_TYPES.has(type)) return 'This field cannot be filtered.';
  if (DATE_TYPES.has(type)) {
    if (typeof value === 'string') return isDate(value) ? null : 'Give a valid date (e.g. 2025-01-31 or an ISO 8601 timestamp).';
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'Give a valid date or a period (from, to).';
    for (const [part, bound] of Object.entries(value)) {
      if (part === LAST_PERIOD && periods.length > 0) {
        if (!periods.includes(String(bound))) return `The period "${LAST_PERIOD}" is one of: ${periods.join(', ')}.`;
        continue;
      }
      if (part !== 'from' && part !== 'to')
        return periods.length > 0 ? `A period has only "from" and "to", or "${LAST_PERIOD}".` : 'A period has only "from" and "to".';
      if (!isBlank(bound) && !isDate(bound)) return `The period's "${part}" must be a valid date (e.g. 2025-01-31 or an ISO 8601 timestamp).`;
    }
    const { from, to } = value as { from?: string; to?: string };
    if (!isBlank(from) && !isBlank(to) && new Date(from!) > new Date(to!)) return 'The end of the period must be after its start.';
    return null;
  }
  if (typeof value !== 'string') return 'A filter value must be text.';
  if (value.length > MAX_FILTER_LENGTH) return `A filter value is at most ${MAX_FILTER_LENGTH} characters.`;
  if (NUMBER_TYPES.has(type) && value !== '' && !Number.isFinite(Number(value))) return 'Give a number.';
  if (type === 'boolean' && value !== '' && value !== 'true' && value !== 'false') return 'Give true or false.';
  return null;
}

export interface ListQueryRules {
  /** The fields the list may be sorted by; default: every sortable field the database has. */
  sortable?: readonly string[];
  /** Ready-made periods a date filter may name instead of a range (`filters.createdAt~~last=24h`). */
  periods?: readonly string[];
}

/**
 * An AdminJS `before` hook for list actions: a page, page size, sort field, direction or filter
 * that the list cannot use is refused with a field-level error (AdminJS's ValidationError, shown
 * as a notice), instead of reaching the database adapter, which answers such input with a 500
 * and a stack trace. Only reads: AdminJS runs `before` hooks ahead of its access check.
 */
export function validateListQuery(rules: ListQueryRules = {}): Before {
  return async (request: ActionRequest, context: ActionContext) => {
    const query = flat.unflatten(request.query ?? {}) as Record<string, unknown>;
    const decorated = context.resource.decorate();
    const stored = new Set(context.resource.properties().map((p) => p.path()));
    // What the list screen offers: stored, sortable columns it shows, and the resource's default sort.
    const defaultSort = decorated.options.sort?.sortBy;
    const sortable =
      rules.sortable ??
      Object.values(decorated.properties)
        .filter(
          (p) => stored.has(p.propertyPath) && p.isSortable() && !UNFILTERABLE_TYPES.has(p.type()) && (p.isVisible('list') || p.propertyPath === defaultSort),
        )
        .map((p) => p.propertyPath);
    const errors = pagingErrors(query, sortable);
    const filterable = new Map(decorated.getProperties({ where: 'filter' }).map((p) => [p.propertyPath, p]));
    for (const [key, value] of normalizeFilters(query.filters)) {
      const property = filterable.get(key);
      const message = property ? filterError(property.type(), value, rules.periods ?? []) : `Cannot filter by "${shown(key)}".`;
      if (message)
        errors[`filters.${shown(key)}`] = property ? `In the "${shown(key)}" filter, ${message.charAt(0).toLowerCase()}${message.slice(1)}` : message;
    }
    const entries = Object.entries(errors);
    if (entries.length === 0) return request;
    throw new ValidationError(Object.fromEntries(entries.map(([field, message]) => [field, { message, type: 'INVALID_INPUT' }])), {
      message: entries.map(([, message]) => message).join(' '),
      type: 'INVALID_INPUT',
    });
  };
}
