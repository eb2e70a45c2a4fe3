/**
 * Every error the plugin raises on purpose, written once: the stable codes with their HTTP
 * status, and the messages with the code each is raised under. A throw site names a message by
 * its key (`apiError('tokenNameTaken', { name })`, see errors.ts) and never writes the text.
 *
 * Messages are written for the person who can fix the problem; a message with parameters is a
 * function of them. This module imports nothing, so every other module may import it.
 */

/** Stable error codes. Hosts and clients may switch on them; never rename one. */
export const ERROR_CODES = {
  INVALID_INPUT: { status: 422, meaning: 'A value given to an operation is not valid; `fields` names the fields at fault.' },
  INVALID_OPTIONS: { status: 500, meaning: "The plugin's options (or the PrismaClient given to it) are not valid; the message names each bad option." },
  NAME_TAKEN: { status: 409, meaning: 'Another token or role already has this name.' },
  NAME_PATTERN: { status: 422, meaning: "The token name does not match the deployment's policy.namePattern." },
  EXPIRY_IN_PAST: { status: 422, meaning: 'The expiry date chosen is not in the future.' },
  EXPIRY_TOO_FAR: { status: 422, meaning: 'The expiry date chosen is further away than the longest lifetime allowed.' },
  EXPIRY_REQUIRED: { status: 422, meaning: 'The token must be given an expiry (the policy refuses "never", or a new secret needs a new expiry).' },
  EXPIRY_NOT_ALLOWED: { status: 422, meaning: 'The number of days chosen is not one of policy.expiryPresetsDays.' },
  INVALID_CIDR: { status: 422, meaning: 'An allowed-IP entry is not an IP address or CIDR range.' },
  UNKNOWN_ROLE: { status: 422, meaning: 'A role id given does not exist.' },
  UNKNOWN_SCOPE: { status: 422, meaning: 'A role names a scope outside policy.allowedScopes.' },
  ROLE_IN_USE: { status: 409, meaning: 'The role is assigned to tokens, so it cannot be deleted.' },
  TOKEN_LIMIT_REACHED: { status: 409, meaning: 'The owner already has the most active tokens the policy allows.' },
  USER_NOT_FOUND: { status: 404, meaning: "The host's user directory knows no user with the id given." },
  OWNER_NEVER_SIGNED_IN: { status: 422, meaning: 'The chosen owner has never signed in, so no token can be created for them yet.' },
  NOT_SUPER_ADMIN: { status: 422, meaning: 'The user is not a super admin, so cannot be given the token admin grant.' },
  EDIT_FORBIDDEN: { status: 403, meaning: "The deployment's edit policy forbids editing tokens." },
  INVALID_STATE: { status: 409, meaning: 'The change does not fit the current state (already done, changed meanwhile, or the instance is closed).' },
  NOT_FOUND: { status: 404, meaning: 'The token, role or grant does not exist (any more).' },
  FORBIDDEN: { status: 403, meaning: 'The acting user may not do this (or their session has ended).' },
  DATABASE_UNAVAILABLE: { status: 503, meaning: 'The token store cannot be reached; the request may be tried again shortly.' },
  SEARCH_TOO_BROAD: { status: 422, meaning: 'A text search matches too many tokens to list; it needs more of the text, or an owner.' },
  HOST_MISCONFIGURED: {
    status: 500,
    meaning: "The host's integration is incomplete (a missing model or table, a user directory giving bad answers): the message says what to change.",
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The stable codes, in the table's order. */
export const ErrorCodes = Object.freeze(Object.keys(ERROR_CODES)) as readonly [ErrorCode, ...ErrorCode[]];

/** The sentence that opens every INVALID_OPTIONS message listing bad options. */
const OPTIONS_HEADER = 'Invalid adminjs-api-access options:';

/** Where the plugin's models come from and how a host adds them: said by every setup error about them. */
const ADD_THE_MODELS =
  "Add the plugin's Prisma models: copy node_modules/adminjs-api-access/prisma/schema/api-access.prisma into your prisma/schema/ folder " +
  '(multi-file schema) or append it to your prisma/schema.prisma, then run `npx prisma migrate dev --name api-access` ' +
  '(it also runs `prisma generate`; in production, `npx prisma migrate deploy`).';

/** What the plugin says about `users.findById` whenever its answer cannot be used. */
const FIND_BY_ID_CONTRACT =
  'users.findById(id) is given the id as a string (convert it, e.g. Number(id) for an Int id) and returns { id, email, isSuperAdmin, lastSignInAt } or null.';

/** What the plugin says about `listUsers` whenever its answer cannot be used. */
const LIST_USERS_CONTRACT = 'It returns [{ id, email }] (id a string or an integer; add isSuperAdmin and lastSignInAt to spare a findById per user).';

/**
 * A message worded somewhere else and passed on as it is: a rule's own sentence in a field's
 * schema (zod), or the host's policy.namePatternHint.
 */
export const asGiven = (params: { text: string }): string => params.text;

type MessageText = string | ((params: never) => string);

/**
 * Every message, by a name that says what happened. Values shown to the reader (ids, e-mail
 * addresses, a host's value) are parameters; `describeValue` and truncation happen at the call
 * site, so the table holds wording only.
 */
export const ERROR_MESSAGES = {
  // Options and host integration: said at start-up or on the first request, to the developer.
  invalidOptions: {
    code: 'INVALID_OPTIONS',
    /** Each issue is one `path: problem` line (see optionIssues in policy.ts). */
    message: (p: { issues: readonly string[] }) => `${OPTIONS_HEADER}\n${p.issues.map((issue) => `  ${issue}`).join('\n')}`,
  },
  rolesOutsideAllowedScopes: {
    code: 'INVALID_OPTIONS',
    /** Each entry is `role name: scope`. */
    message: (p: { roleScopes: readonly string[] }) => `${OPTIONS_HEADER}\noptions.roles: scopes outside policy.allowedScopes (${p.roleScopes.join(', ')})`,
  },
  clientWithoutModels: {
    code: 'INVALID_OPTIONS',
    /** The problem line under options.prisma (it follows "options.prisma: "). */
    message: (p: { models: readonly string[] }) =>
      `must be a PrismaClient generated from a schema with the plugin's models; it has no ${p.models.join(', ')}. ${ADD_THE_MODELS}`,
  },
  unsupportedDatabase: {
    code: 'INVALID_OPTIONS',
    message: (p: { provider: unknown }) =>
      `adminjs-api-access runs on SQLite and PostgreSQL; this PrismaClient's provider is ${JSON.stringify(p.provider ?? 'unknown')}. Give a client generated for one of them.`,
  },
  tablesMissing: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { models: readonly string[] }) =>
      `The database has no table (or not every column) for ${p.models.join(', ')}: the plugin's migration has not run on it. ${ADD_THE_MODELS}`,
  },
  requestLogIdNotNumbered: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { declared: string }) =>
      `On SQLite, "ApiRequestLog"."id" must be INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT; this database declares it ${p.declared}, which SQLite never numbers, ` +
      'so no request could be logged. Prisma writes BIGINT NOT NULL PRIMARY KEY for the model (prisma/prisma#13178): in the migration that creates the table, ' +
      'change that line and apply it again (see docs/integration.md of adminjs-api-access).',
  },
  findByIdNotAnObject: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { id: string; returned: string }) => `users.findById("${p.id}") returned ${p.returned}. ${FIND_BY_ID_CONTRACT}`,
  },
  findByIdUnusableUser: {
    code: 'HOST_MISCONFIGURED',
    /** Each problem names one field of the user and what it holds (see checkHostUser). */
    message: (p: { id: string; problems: readonly string[] }) =>
      `users.findById("${p.id}") returned a user the plugin cannot use: ${p.problems.join('; ')}. ${FIND_BY_ID_CONTRACT}`,
  },
  findByIdFailed: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { id: string; reason: string }) => `users.findById("${p.id}") failed: ${p.reason}. ${FIND_BY_ID_CONTRACT}`,
  },
  listUsersFailed: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { reason: string }) => `listUsers failed: ${p.reason}. ${LIST_USERS_CONTRACT}`,
  },
  listUsersNotAnArray: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { returned: string }) => `listUsers returned ${p.returned}, not an array. ${LIST_USERS_CONTRACT}`,
  },
  listUsersBadId: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { index: number; id: string }) =>
      `listUsers returned a user (at ${p.index}) whose id is ${p.id}, not a string or an integer. ${LIST_USERS_CONTRACT}`,
  },
  listUsersBadEmail: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { id: string; email: string }) => `listUsers returned a user (id ${p.id}) whose email is ${p.email}. ${LIST_USERS_CONTRACT}`,
  },
  adminIdMissing: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { source: string; value: string }) =>
      `currentAdmin has no id: return the user's id from authenticate, or set adminId (${p.source} gave ${p.value}).`,
  },
  adminIdUnusable: {
    code: 'HOST_MISCONFIGURED',
    message: (p: { source: string; value: string }) =>
      `currentAdmin's id is not usable: ${p.source} gave ${p.value}; return a string or integer id from authenticate, or set adminId.`,
  },
  instanceClosed: {
    code: 'INVALID_STATE',
    message: (p: { action: string }) => `Cannot ${p.action}: this api-access instance was closed.`,
  },

  // Session and access: who may use the feature and whose tokens.
  sessionEnded: { code: 'FORBIDDEN', message: 'Sign in again: your session has ended.' },
  adminAccountGone: { code: 'FORBIDDEN', message: 'Sign in again: your admin account was not found or is disabled.' },
  featureForSuperAdmins: { code: 'FORBIDDEN', message: 'API Access is available to super admins only.' },
  superAdminsOnly: { code: 'FORBIDDEN', message: 'Only super admins can do this.' },
  othersTokensNeedGrant: {
    code: 'FORBIDDEN',
    message: "Managing other users' tokens needs the token admin grant, which only super admins can hold.",
  },

  // Users: ids given to an operation or chosen in a form.
  actorIdInvalid: {
    code: 'INVALID_INPUT',
    message: (p: { value: string }) => `The actor's id is ${p.value}: give the user's id (a string or an integer).`,
  },
  userIdInvalid: { code: 'INVALID_INPUT', message: (p: { value: string }) => `Give a user id (a string or an integer), not ${p.value}.` },
  userNotChosen: { code: 'INVALID_INPUT', message: 'Choose a user from the list.' },
  userNotListed: { code: 'USER_NOT_FOUND', message: 'Choose a user from the list: no listed user has this id.' },
  userNotFound: { code: 'USER_NOT_FOUND', message: (p: { id: string }) => `No user with id ${p.id}.` },

  // Form input in general: a field's own rule, and several fields at once.
  fieldRule: { code: 'INVALID_INPUT', message: asGiven },
  fieldsNeedChange: {
    code: 'INVALID_INPUT',
    /** Each field's message names its field in words, so the sentences read on their own. */
    message: (p: { messages: readonly string[] }) => `${p.messages.length} fields need a change. ${p.messages.join(' ')}`,
  },
  idMissing: { code: 'INVALID_INPUT', message: 'Give a token id.' },
  idListMissing: { code: 'INVALID_INPUT', message: 'Give a list of token ids.' },

  // Tokens: creating, editing, enabling, rotating, deleting and listing them.
  tokenNotFound: { code: 'NOT_FOUND', message: (p: { id: string }) => `No token with id ${p.id}. It may have been deleted.` },
  tokenDeletedMeanwhile: { code: 'NOT_FOUND', message: (p: { id: string }) => `No token with id ${p.id}. It was deleted meanwhile.` },
  tokensNotFound: { code: 'NOT_FOUND', message: (p: { ids: readonly string[] }) => `No token with id ${p.ids.join(', ')}. Nothing was deleted.` },
  tokensDeletedMeanwhile: { code: 'INVALID_STATE', message: 'Some of these tokens were deleted meanwhile. Nothing was deleted; reload and try again.' },
  tokenNameTaken: { code: 'NAME_TAKEN', message: (p: { name: string }) => `A token named "${p.name}" already exists. Choose another name.` },
  /** A concurrent change took the name first: the name is not at hand where the clash is seen. */
  tokenNameTakenMeanwhile: { code: 'NAME_TAKEN', message: 'A token with this name already exists. Choose another name.' },
  namePattern: { code: 'NAME_PATTERN', message: (p: { pattern: string }) => `Names must match ${p.pattern}.` },
  /** The host's own policy.namePatternHint, shown instead of the pattern. */
  namePatternHint: { code: 'NAME_PATTERN', message: asGiven },
  ipRangeInvalid: {
    code: 'INVALID_CIDR',
    message: (p: { entry: string }) => `"${p.entry}" is not an IP address or CIDR range (e.g. 203.0.113.0/24 or 2001:db8::/32).`,
  },
  unknownRoleIds: {
    code: 'UNKNOWN_ROLE',
    message: (p: { ids: readonly string[] }) => `Unknown role id${p.ids.length > 1 ? 's' : ''}: ${p.ids.join(', ')}.`,
  },
  tokenLimitReached: {
    code: 'TOKEN_LIMIT_REACHED',
    message: (p: { active: number; max: number }) =>
      `This owner already has ${p.active} active tokens, the most allowed is ${p.max}. Disable or delete one first.`,
  },
  ownerNeverSignedIn: {
    code: 'OWNER_NEVER_SIGNED_IN',
    message: (p: { email: string }) =>
      `${p.email} has never signed in (users.findById gives lastSignInAt: null). A token can only be created for a user who has signed in at least once: record each sign-in in your authenticate.`,
  },
  editForbidden: {
    code: 'EDIT_FORBIDDEN',
    message: 'Tokens cannot be edited here. Create a new token with the settings you need, then delete this one.',
  },
  nothingToChange: { code: 'INVALID_INPUT', message: 'Nothing to change: give at least one field.' },
  nothingChanged: { code: 'INVALID_INPUT', message: "Nothing changed: the values given are the token's current values." },
  tokenAlreadyInState: {
    code: 'INVALID_STATE',
    message: (p: { name: string; enabled: boolean }) => `Token "${p.name}" is already ${p.enabled ? 'enabled' : 'disabled'}.`,
  },
  gracePeriodInvalid: { code: 'INVALID_INPUT', message: 'Invalid grace period.' },
  gracePeriodNotOffered: {
    code: 'INVALID_INPUT',
    message: (p: { seconds: readonly number[] }) => `Choose a grace period of ${p.seconds.join(', ')} seconds.`,
  },
  searchTooBroad: {
    code: 'SEARCH_TOO_BROAD',
    message: (p: { limit: number; text: string; label: string }) =>
      `More than ${p.limit} tokens have "${p.text}" in their ${p.label}: type more of it, or pick an owner.`,
  },

  // Expiry: choosing when a token stops working.
  expiryMissing: { code: 'INVALID_INPUT', message: 'Choose an expiry.' },
  expiryRequired: { code: 'EXPIRY_REQUIRED', message: 'Tokens must expire: choose a number of days or a date.' },
  regenerateNeedsExpiry: { code: 'EXPIRY_REQUIRED', message: 'Regenerating a token needs a new expiry.' },
  expiryNotOffered: {
    code: 'EXPIRY_NOT_ALLOWED',
    message: (p: { days: readonly number[] }) => `Choose an expiry of ${p.days.join(', ')} days, or a date.`,
  },
  expiryDateInvalid: { code: 'INVALID_INPUT', message: 'The expiry date is not a valid date (use YYYY-MM-DD or an ISO 8601 timestamp).' },
  expiryInPast: { code: 'EXPIRY_IN_PAST', message: 'The expiry date must be in the future.' },
  expiryTooFar: { code: 'EXPIRY_TOO_FAR', message: (p: { maxDays: number }) => `The expiry date must be within ${p.maxDays} days from now.` },

  // Roles.
  roleNotFound: { code: 'NOT_FOUND', message: (p: { id: string }) => `No role with id ${p.id}.` },
  roleNameTaken: { code: 'NAME_TAKEN', message: (p: { name: string }) => `A role named "${p.name}" already exists.` },
  roleInUse: {
    code: 'ROLE_IN_USE',
    message: (p: { name: string; tokens: number }) => `Role "${p.name}" is assigned to ${p.tokens} token(s). Remove it from them first.`,
  },
  unknownScopes: {
    code: 'UNKNOWN_SCOPE',
    message: (p: { scopes: readonly string[]; allowed: readonly string[] }) => `Unknown scope ${p.scopes.join(', ')}. Allowed: ${p.allowed.join(', ')}.`,
  },

  // Grants: the token admin grant.
  grantManagersOnly: { code: 'FORBIDDEN', message: 'Only an admin who holds the token admin grant can give or take it.' },
  grantNeedsSuperAdmin: {
    code: 'NOT_SUPER_ADMIN',
    message: (p: { email: string }) => `${p.email} is not a super admin. The token admin grant can only be given to super admins.`,
  },
  grantAlreadyHeld: { code: 'INVALID_STATE', message: (p: { email: string }) => `${p.email} already holds the token admin grant.` },
  grantNotHeld: { code: 'NOT_FOUND', message: 'This user does not hold the token admin grant.' },

  // Request logs and usage.
  othersRequestLogsNeedGrant: { code: 'FORBIDDEN', message: "Reading other users' request logs needs the token admin grant." },
  periodEndBeforeStart: { code: 'INVALID_INPUT', message: 'The end of the period must be after its start.' },
  requestLogFilterUnknown: {
    code: 'INVALID_INPUT',
    message: (p: { filters: readonly string[]; key: string }) => `Request logs are filtered by ${p.filters.join(' and ')} only, not by "${p.key}".`,
  },
  requestLogPeriodUnknown: {
    code: 'INVALID_INPUT',
    message: (p: { param: string; periods: readonly string[] }) => `The period "${p.param}" is one of: ${p.periods.join(', ')}.`,
  },
  usageReadWithGet: { code: 'INVALID_INPUT', message: (p: { method: string }) => `Usage figures are read with GET, not ${p.method}.` },

  // Leaked tokens: an admin's report, and Check text for tokens.
  leakUrlRequired: {
    code: 'INVALID_INPUT',
    message: 'Give the address where the token was found, as a full http:// or https:// URL (at most 2000 characters).',
  },
  leakSecretReplaced: {
    code: 'INVALID_STATE',
    message: (p: { name: string }) => `Token "${p.name}" has a new secret since this text was checked: the one found no longer works.`,
  },
  leakedSecretNotEnabled: {
    code: 'INVALID_STATE',
    message: (p: { name: string; reportedAt: string }) =>
      `The secret of token "${p.name}" was reported leaked on ${p.reportedAt} UTC: regenerate it for a new secret, then enable it.`,
  },
  checkTextMissing: { code: 'INVALID_INPUT', message: 'Paste the text to check.' },
  checkTextTooLong: {
    code: 'INVALID_INPUT',
    message: (p: { length: number; max: number }) => `The text is ${p.length} characters long; check at most ${p.max} at a time.`,
  },
  checkTextTooManyTokens: {
    code: 'INVALID_INPUT',
    message: (p: { count: number; max: number }) => `The text holds ${p.count} different tokens; check at most ${p.max} at a time.`,
  },

  // Verifying tokens (the API middleware).
  storeUnreachable: { code: 'DATABASE_UNAVAILABLE', message: 'The token store cannot be reached; the request was refused.' },
} as const satisfies Record<string, { code: ErrorCode; message: MessageText }>;

export type ErrorMessageKey = keyof typeof ERROR_MESSAGES;

/** The parameters a message takes: `[params]` for a message with parameters, `[]` for a fixed one. */
export type ErrorMessageArgs<K extends ErrorMessageKey> = (typeof ERROR_MESSAGES)[K]['message'] extends (params: infer P) => string ? [params: P] : [];

/** A message's text, its parameters filled in. */
export function errorMessage<K extends ErrorMessageKey>(key: K, ...args: ErrorMessageArgs<K>): string {
  const { message } = ERROR_MESSAGES[key];
  return typeof message === 'string' ? message : (message as (params: unknown) => string)(args[0]);
}
