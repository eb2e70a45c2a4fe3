import { z } from 'zod';
import { ERROR_MESSAGES, errorMessage, type ErrorMessageArgs, type ErrorMessageKey } from './error-codes.js';
import { ApiAccessError, fieldError, type FieldError } from './errors.js';
import { normalizeCidr } from './cidr.js';
import type { Policy } from './policy.js';
import { MAX_USER_ID_LENGTH, normalizeUserId } from './user-id.js';

const DAY_MS = 86_400_000;
/** Without a maxLifetimeDays policy, a date further than this is a typo, not a plan. */
const ABSOLUTE_MAX_LIFETIME_DAYS = 36_500;
/** Control characters other than tab, newline and carriage return (allowed in descriptions). */
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const ANY_CONTROL_CHAR = /\p{Cc}/u;
const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _.:/-]*$/u;

export type ExpiryInput = { type: 'days'; days: number } | { type: 'date'; date: string | Date } | { type: 'never' };

export interface CreateTokenInput {
  name: string;
  description?: string;
  tags?: string[];
  roleIds: string[];
  expiry: ExpiryInput;
  allowedIps?: string[];
  /** Whose token it is; the acting user when left out. */
  ownerId?: string;
}

export type EditTokenInput = Partial<Pick<CreateTokenInput, 'name' | 'description' | 'tags' | 'roleIds' | 'allowedIps'>>;

const nameSchema = z
  .string({ error: 'Name is required.' })
  .trim()
  .min(1, 'Name is required.')
  .max(100, 'Name must be at most 100 characters.')
  .refine((v) => !ANY_CONTROL_CHAR.test(v), 'Name must not contain control characters.');
const descriptionSchema = z
  .string({ error: 'Description must be text.' })
  .max(1000, 'Description must be at most 1000 characters.')
  .refine((v) => !CONTROL_CHARS.test(v), 'Description must not contain control characters.')
  .transform((v) => v.trim());
const tagsSchema = z
  .array(
    z
      .string({ error: 'Each tag must be text.' })
      .trim()
      .min(1, 'Tags must not be empty.')
      .max(50, 'Each tag must be at most 50 characters.')
      .regex(TAG_PATTERN, 'Tags may hold letters, digits, spaces and _ . : / - and must start with a letter or digit.'),
    { error: 'Tags must be a list of text values.' },
  )
  .max(20, 'At most 20 tags.')
  .transform((tags) => {
    const seen = new Set<string>();
    return tags.filter((tag) => {
      const key = tag.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
const roleIdsSchema = z
  .array(z.string({ error: 'Role ids must be text.' }).trim().min(1).max(64), { error: 'Roles must be a list of role ids.' })
  .min(1, 'Choose at least one role.')
  .max(50, 'At most 50 roles.')
  .transform((ids) => [...new Set(ids)]);
const allowedIpsSchema = z
  .array(z.string({ error: 'Each IP range must be text.' }).max(64, 'An IP range is at most 64 characters.'), {
    error: 'IP ranges must be a list.',
  })
  .max(100, 'At most 100 IP ranges.');
const expirySchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('days'), days: z.number({ error: 'The expiry must be a number of days.' }).int('The expiry must be a whole number of days.') }),
    z.object({ type: z.literal('date'), date: z.union([z.string().max(64), z.date()], { error: 'Give the expiry date as a date.' }) }),
    z.object({ type: z.literal('never') }),
  ],
  { error: 'Choose an expiry: a number of days, a date, or never.' },
);
// A host's Int id may come as a number: made text here, as every user id is (see user-id.ts).
const OWNER_MESSAGE = 'Choose the owner from the list of users.';
const ownerIdSchema = z.preprocess(
  (value) => (typeof value === 'number' || typeof value === 'bigint' ? (normalizeUserId(value) ?? value) : value),
  z.string({ error: OWNER_MESSAGE }).trim().min(1, OWNER_MESSAGE).max(MAX_USER_ID_LENGTH),
);

const createSchema = z
  .object({
    name: nameSchema,
    description: descriptionSchema.default(''),
    tags: tagsSchema.default([]),
    roleIds: roleIdsSchema,
    expiry: expirySchema,
    allowedIps: allowedIpsSchema.default([]),
    ownerId: ownerIdSchema.optional(),
  })
  .strict();
const editSchema = z.object({
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  tags: tagsSchema.optional(),
  roleIds: roleIdsSchema.optional(),
  allowedIps: allowedIpsSchema.optional(),
});

/** Collects field errors so that a form shows every problem at once, then throws them together. */
export class FieldErrors {
  private readonly errors: Record<string, FieldError> = {};

  /** A field's error, from the messages in error-codes.ts; the first one given for a field stays. */
  add<K extends ErrorMessageKey>(field: string, key: K, ...params: ErrorMessageArgs<K>): void {
    this.errors[field] ??= { code: ERROR_MESSAGES[key].code, message: errorMessage(key, ...params) };
  }

  addZod(error: z.ZodError): void {
    for (const issue of error.issues) {
      const field = String(issue.path[0] ?? 'input');
      this.add(field, 'fieldRule', { text: issue.message });
    }
  }

  has(field: string): boolean {
    return field in this.errors;
  }

  get empty(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  throwIfAny(): void {
    const entries = Object.entries(this.errors);
    if (entries.length === 0) return;
    const [, first] = entries[0]!;
    if (entries.length === 1) throw new ApiAccessError(first.code, first.message, this.errors);
    // Written for people: each field's message names its field in words ("The expiry date …"),
    // and a form shows it beside the field; the field keys stay in `fields` for programs.
    const messages = entries.map(([, e]) => e.message);
    throw new ApiAccessError(ERROR_MESSAGES.fieldsNeedChange.code, errorMessage('fieldsNeedChange', { messages }), this.errors);
  }
}

/** Parses with a schema, or throws every field's error at once. */
export function parseWith<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = new FieldErrors();
    errors.addZod(parsed.error);
    errors.throwIfAny();
  }
  return parsed.data as z.output<T>;
}

function checkName(name: string, policy: Policy, errors: FieldErrors): void {
  if (policy.nameRegex && !policy.nameRegex.test(name)) {
    if (policy.namePatternHint !== undefined) errors.add('name', 'namePatternHint', { text: policy.namePatternHint });
    else errors.add('name', 'namePattern', { pattern: String(policy.namePattern) });
  }
}

function normalizeIps(raw: string[], errors: FieldErrors): string[] {
  const out: string[] = [];
  for (const entry of raw) {
    const cidr = normalizeCidr(entry);
    if (cidr === null) {
      errors.add('allowedIps', 'ipRangeInvalid', { entry: entry.slice(0, 64) });
      return [];
    }
    if (!out.includes(cidr)) out.push(cidr);
  }
  return out;
}

/** "2030-02-30" parses as 2 March: refuse dates whose day does not exist rather than move them. */
function isRealCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** Turns an expiry choice into a date (null: never), enforcing the policy. */
export function resolveExpiry(raw: unknown, policy: Policy, now: Date, errors: FieldErrors, field = 'expiry'): Date | null {
  const parsed = expirySchema.safeParse(raw);
  if (!parsed.success) {
    errors.add(field, 'fieldRule', { text: parsed.error.issues[0]?.message ?? errorMessage('expiryMissing') });
    return null;
  }
  const expiry = parsed.data;
  const maxDays = policy.maxLifetimeDays ?? ABSOLUTE_MAX_LIFETIME_DAYS;
  if (expiry.type === 'never') {
    if (!policy.allowNeverExpires) errors.add(field, 'expiryRequired');
    return null;
  }
  if (expiry.type === 'days') {
    if (!policy.expiryPresetsDays.includes(expiry.days)) {
      errors.add(field, 'expiryNotOffered', { days: policy.expiryPresetsDays });
      return null;
    }
    return new Date(now.getTime() + expiry.days * DAY_MS);
  }
  const date = expiry.date instanceof Date ? expiry.date : new Date(expiry.date);
  if (Number.isNaN(date.getTime()) || (typeof expiry.date === 'string' && !isRealCalendarDate(expiry.date))) {
    errors.add(field, 'expiryDateInvalid');
    return null;
  }
  if (date.getTime() <= now.getTime()) {
    errors.add(field, 'expiryInPast');
    return null;
  }
  if (date.getTime() > now.getTime() + maxDays * DAY_MS) {
    errors.add(field, 'expiryTooFar', { maxDays });
    return null;
  }
  return date;
}

export interface NormalizedCreateInput {
  name: string;
  description: string;
  tags: string[];
  roleIds: string[];
  expiresAt: Date | null;
  allowedIps: string[];
  ownerId?: string | undefined;
}

export function parseCreateInput(raw: unknown, policy: Policy, now: Date): NormalizedCreateInput {
  const errors = new FieldErrors();
  const parsed = createSchema.safeParse(raw);
  if (!parsed.success) {
    errors.addZod(parsed.error);
    // Domain checks on the fields that did parse, so every problem is reported at once.
    const partial = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const name = nameSchema.safeParse(partial.name);
    if (name.success) checkName(name.data, policy, errors);
    if (!errors.has('expiry')) resolveExpiry(partial.expiry, policy, now, errors);
    const ips = allowedIpsSchema.safeParse(partial.allowedIps ?? []);
    if (ips.success && !errors.has('allowedIps')) normalizeIps(ips.data, errors);
    errors.throwIfAny();
  }
  const input = parsed.data!;
  checkName(input.name, policy, errors);
  const expiresAt = resolveExpiry(input.expiry, policy, now, errors);
  const allowedIps = normalizeIps(input.allowedIps, errors);
  errors.throwIfAny();
  const { expiry: _expiry, ...rest } = input;
  return { ...rest, expiresAt, allowedIps };
}

export type NormalizedEditInput = {
  name?: string;
  description?: string;
  tags?: string[];
  roleIds?: string[];
  allowedIps?: string[];
};

export function parseEditInput(raw: unknown, policy: Policy): NormalizedEditInput {
  const errors = new FieldErrors();
  const parsed = editSchema.strict().safeParse(raw);
  if (!parsed.success) {
    errors.addZod(parsed.error);
    errors.throwIfAny();
  }
  const input = parsed.data!;
  if (input.name !== undefined) checkName(input.name, policy, errors);
  const result: NormalizedEditInput = { ...input };
  if (input.allowedIps !== undefined) result.allowedIps = normalizeIps(input.allowedIps, errors);
  errors.throwIfAny();
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as NormalizedEditInput;
}

export function parseIdList(raw: unknown, field = 'ids'): string[] {
  const parsed = z
    .array(z.string().trim().min(1).max(64), { error: 'Give a list of token ids.' })
    .min(1, 'Select at least one token.')
    .max(500, 'At most 500 tokens at once.')
    .safeParse(raw);
  if (!parsed.success) throw fieldError(field, 'fieldRule', { text: parsed.error.issues[0]?.message ?? errorMessage('idListMissing') });
  return [...new Set(parsed.data)];
}

export function parseId(raw: unknown, field = 'id'): string {
  if (typeof raw !== 'string' || raw.trim().length === 0 || raw.trim().length > 64) {
    throw fieldError(field, 'idMissing');
  }
  return raw.trim();
}
