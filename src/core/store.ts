import type { AuditAction } from './audit.js';
import type { Actor, RequestLogView, RoleView, TokenStatus } from './types.js';

/**
 * Everything core asks of the database, and nothing else: core holds the rules, a store holds
 * the SQL. A store owns its statements, its database's quirks and when a transaction is run
 * again; src/store/ has the SQLite and PostgreSQL ones. Methods name what they do in the
 * domain's words; a store never decides who may do what.
 */
export interface TokenStore {
  /**
   * Runs `work` in one transaction of its own, run again from the start when the database asks
   * for it (a write conflict with another host or connection): `work` must do everything through
   * `tx` and tell nothing before this resolves. A unique column taken meanwhile is UniqueViolation.
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;

  findToken(id: string): Promise<TokenRecord | null>;
  findTokens(ids: readonly string[]): Promise<TokenRecord[]>;
  /** One page of tokens and how many match in all. A text search may throw SearchTooBroad. */
  listTokens(query: TokenListQuery): Promise<{ total: number; rows: TokenRecord[] }>;
  /** Whether this token exists and belongs to this owner. */
  ownsToken(tokenId: string, ownerId: string): Promise<boolean>;

  /** Every role, by name. */
  listRoles(): Promise<RoleView[]>;

  /** Whether this user holds the token-admin grant. */
  hasGrant(userId: string): Promise<boolean>;
  countGrants(): Promise<number>;

  /**
   * One page of request logs, newest first, and how many match in all: counted, or where counting
   * would take seconds (PostgreSQL, millions of rows), the database's estimate (`totalIsEstimate`).
   */
  listRequestLogs(query: RequestLogQuery): Promise<{ total: number; totalIsEstimate: boolean; items: RequestLogView[] }>;
  /** Up to `take` request logs of `scope` that come after `after` in newest-first order (all from the newest when null). */
  requestLogsBefore(scope: RequestLogScope, after: Pick<RequestLogView, 'createdAt' | 'id'> | null, take: number): Promise<RequestLogView[]>;

  /**
   * Sets the copies of a user's e-mail address on the tokens they own and made and on their
   * grant, leaving `updatedAt` alone; returns how many of each changed.
   */
  syncUserEmail(userId: string, email: string): Promise<{ owned: number; created: number; grant: number }>;

  /** The tokens whose current or previous secret has one of these hashes, for verification. */
  findBySecretHashes(hashes: readonly string[]): Promise<SecretMatch[]>;
  /** Writes each token's last use (a token deleted meanwhile is skipped; `updatedAt` is left alone). */
  writeLastUsed(uses: ReadonlyArray<readonly [tokenId: string, use: LastUse]>): Promise<void>;
  /** Records one audit event in a transaction of its own. */
  recordAudit(event: AuditEvent): Promise<void>;
  /** The audit trail's last record of this token's deletion, if there is one. */
  lastDeletion(tokenId: string): Promise<TokenDeletion | null>;

  readonly usage: UsageQueries;

  /** The tokens whose current or previous secret has one of these hashes. */
  findTokensBySecret(hashes: readonly string[]): Promise<TokenRecord[]>;
  /** The leak report of the secret with this hash, if it was reported. */
  findLeakReport(secretHash: string): Promise<LeakReportRecord | null>;
  /** Of these secret hashes, those reported leaked. */
  reportedSecrets(hashes: readonly string[]): Promise<Set<string>>;
  /** A token's leak reports, newest first. */
  leakReportsOf(tokenId: string, take: number): Promise<LeakReportRecord[]>;
  /** The leak reports' e-mails, for the jobs' retry. */
  readonly leakMail: LeakMailQueries;
}

/**
 * The e-mail of each leak report to the token's owner and author, sent exactly once however many
 * processes share the database, as expiry notices are: a process holds a claim on the report (a
 * random id and when it was taken) while it sends, taken by the insert (the reporting process) or
 * by one conditional update, so that of two runs only one wins. A claim older than the lease
 * belongs to a process that died and may be taken over. Each write is a transaction of its own.
 */
export interface LeakMailQueries {
  /**
   * Up to `take` reports whose e-mail is due, oldest first, after `after` in that order: not sent,
   * not given up, reported at or after `since`, claimed by nobody or before `staleBefore`.
   */
  due(query: { since: Date; staleBefore: Date; after: LeakMailCursor | null; take: number }): Promise<LeakMailRecord[]>;
  /** The same, of the reports made before `before`: e-mails too old to send, to give up. */
  overdue(query: { before: Date; staleBefore: Date; after: LeakMailCursor | null; take: number }): Promise<LeakMailRecord[]>;
  /** Takes a due e-mail for `claimId` at `at` and counts an attempt; false when another run holds it or it is no longer due. */
  claim(reportId: string, claimId: string, at: Date, query: { since: Date; staleBefore: Date }): Promise<boolean>;
  /** Records it sent (`note`: what the send left to say); false when the claim is no longer `claimId`'s. */
  markSent(reportId: string, claimId: string, at: Date, note: string | null): Promise<boolean>;
  /** Gives the claim back for a retry, with why the send failed. */
  release(reportId: string, claimId: string, lastError: string): Promise<void>;
  /** Stops trying an overdue e-mail; false when another run sent it, gave it up or holds it. */
  giveUp(reportId: string, at: Date, query: { before: Date; staleBefore: Date }, note: string): Promise<boolean>;
}

export interface LeakMailCursor {
  reportedAt: Date;
  id: string;
}

/** The token's owner and author as it had them when it was reported: whom its leak e-mail goes to. */
export interface LeakReportPeople {
  ownerId: string;
  ownerEmail: string;
  createdById: string;
  createdByEmail: string;
}

/** A report whose e-mail is to be sent, with whom to tell and how earlier sends went. */
export interface LeakMailRecord extends LeakReportRecord {
  people: LeakReportPeople;
  attempts: number;
  lastError: string | null;
}

/** What the usage screens read: the daily rollups and the tokens' last use. Days are UTC `YYYY-MM-DD`. */
export interface UsageQueries {
  /** One token's rollup rows of the days in [from, to] that have any. */
  tokenUsageDays(tokenId: string, from: string, to: string): Promise<UsageDayRow[]>;
  /** Every token's requests per day in [from, to], or summed over one owner's tokens. */
  usageDays(from: string, to: string, ownerId: string | null): Promise<UsageDayRow[]>;
  /** Tokens by status at `now` (of one owner, or all); enabled tokens expiring after now and by `expiringBy`. */
  tokenCounts(ownerId: string | null, now: Date, expiringBy: Date): Promise<TokenCounts>;
  /** Tokens last used before `before`, longest unused first; with `before` null, tokens never used, oldest first. */
  idleTokens(ownerId: string | null, before: Date | null, limit: number): Promise<TokenRefRow[]>;
  /**
   * The tokens with the most requests in the days [fromDay, toDay] (list "traffic") and with the
   * highest error rate among those with at least `minRequestsForErrorRate` (list "errors"), `limit` of each.
   */
  rankTokens(fromDay: string, toDay: string, ownerId: string | null, limit: number, minRequestsForErrorRate: number): Promise<TokenRank[]>;
}

/** A rollup row: its day and its counters (see core/usage/columns.ts), as the database returns numbers. */
export type UsageDayRow = { day: string } & Record<string, number | bigint | null>;
export interface TokenCounts {
  active: number;
  expiringWithin30Days: number;
  expired: number;
  disabled: number;
}
export interface TokenRefRow {
  id: string;
  name: string;
  lastUsedAt: Date | null;
}
export interface TokenRank {
  list: 'traffic' | 'errors';
  token: TokenRefRow;
  requests: number;
  errors: number;
}

/** What one transaction of a change may do. */
export interface StoreTransaction {
  /** Takes the lock that serialises every change to one owner's tokens (held to the end of the transaction). */
  lockOwner(ownerId: string): Promise<void>;
  /** Active tokens of an owner at `now`, leaving out `exceptTokenId`. */
  countActiveTokens(ownerId: string, now: Date, exceptTokenId?: string): Promise<number>;
  /** The id of the token with this name, if any. */
  tokenIdByName(name: string): Promise<string | null>;
  findToken(id: string): Promise<TokenRecord | null>;
  insertToken(token: NewToken): Promise<TokenRecord>;
  /** Changes these columns (`updatedAt` moves) and returns the token as it is now. */
  updateToken(id: string, changes: TokenChanges): Promise<TokenRecord>;
  replaceTags(tokenId: string, tags: readonly string[]): Promise<void>;
  /** Removes the token's assignments of `removed` roles and assigns `added` ones. */
  changeRoles(tokenId: string, removed: readonly string[], added: readonly string[], by: Actor, at: Date): Promise<void>;
  /** Deletes the tokens that still exist; returns how many. */
  deleteTokens(ids: readonly string[]): Promise<number>;

  /** The roles of these ids that exist. */
  findRoles(ids: readonly string[]): Promise<RoleView[]>;
  /** A role with the ids of the tokens holding it. */
  findRole(id: string): Promise<{ role: RoleView; tokenIds: string[] } | null>;
  /** The role of this name with the ids of the tokens holding it. */
  findRoleByName(name: string): Promise<{ role: RoleView; tokenIds: string[] } | null>;
  /** Locks the role of this name, if there is one, to the end of the transaction: another transaction's change to it waits. */
  lockRole(name: string): Promise<void>;
  insertRole(role: RoleInput, at: Date): Promise<RoleView>;
  updateRole(id: string, role: RoleInput): Promise<RoleView>;
  deleteRole(id: string): Promise<void>;

  findGrant(userId: string): Promise<{ userId: string; userEmail: string } | null>;
  insertGrant(grant: { userId: string; userEmail: string; grantedById: string; grantedAt: Date }): Promise<void>;
  deleteGrant(userId: string): Promise<void>;

  recordAudit(event: AuditEvent): Promise<void>;

  /** The token whose current or previous secret has this hash. */
  findTokenBySecret(secretHash: string): Promise<TokenRecord | null>;
  findLeakReport(secretHash: string): Promise<LeakReportRecord | null>;
  /**
   * Records a leaked secret; a secret reported already is UniqueViolation (at the end of the
   * transaction at the latest). With `mailClaimId` the report's e-mail is claimed for it at
   * `reportedAt` (see LeakMailQueries); with null nobody holds it.
   */
  insertLeakReport(report: NewLeakReport): Promise<LeakReportRecord>;
}

export interface NewLeakReport extends Omit<LeakReportRecord, 'id'> {
  secretHash: string;
  people: LeakReportPeople;
  mailClaimId: string | null;
}

/** A reported secret: which token had it, where it was found, who said so and what was done. */
export interface LeakReportRecord {
  id: string;
  tokenId: string;
  tokenName: string;
  url: string;
  source: string;
  reporter: string;
  action: string;
  reportedAt: Date;
}

/** A token as stored, with its tags (sorted) and role assignments (in the order made). Never leaves core. */
export interface TokenRecord {
  id: string;
  name: string;
  description: string;
  type: string;
  secretHash: string;
  lastFour: string;
  previousSecretHash: string | null;
  previousSecretExpiresAt: Date | null;
  enabled: boolean;
  expiresAt: Date | null;
  allowedIps: string[];
  ownerId: string;
  ownerEmail: string;
  createdById: string;
  createdByEmail: string;
  createdAt: Date;
  updatedAt: Date;
  secretIssuedAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  tags: string[];
  roles: RoleView[];
}

export interface NewToken {
  name: string;
  description: string;
  secretHash: string;
  lastFour: string;
  expiresAt: Date | null;
  allowedIps: string[];
  ownerId: string;
  ownerEmail: string;
  createdBy: Actor;
  createdAt: Date;
  tags: readonly string[];
  /** Assigned by `createdBy` at `createdAt`, in this order. */
  roleIds: readonly string[];
}

export type TokenChanges = Partial<
  Pick<
    TokenRecord,
    | 'name'
    | 'description'
    | 'allowedIps'
    | 'enabled'
    | 'expiresAt'
    | 'secretHash'
    | 'lastFour'
    | 'secretIssuedAt'
    | 'previousSecretHash'
    | 'previousSecretExpiresAt'
  >
>;

export interface RoleInput {
  name: string;
  description: string;
  scopes: string[];
}

export type TokenSortField = 'createdAt' | 'name' | 'expiresAt' | 'lastUsedAt';

/** The columns a token list searches by case-insensitive substring. */
export type SearchableColumn = 'name' | 'ownerEmail';

export interface TokenListQuery {
  /** One owner's tokens; everyone's when undefined. */
  ownerId: string | undefined;
  status?: { status: TokenStatus; now: Date };
  roleId?: string;
  tag?: string;
  /** Tokens expiring in this period (either end optional); tokens that never expire are left out. */
  expires?: { from?: Date; to?: Date };
  /** Case-insensitive substrings, every character (% and _ included) matching itself. */
  contains: Partial<Record<SearchableColumn, string>>;
  sortBy: TokenSortField;
  direction: 'asc' | 'desc';
  skip: number;
  take: number;
}

export interface RequestLogScope {
  tokenId?: string;
  /** Only the logs of this owner's tokens (ignored with tokenId). */
  ownerId?: string;
  from?: Date;
  to?: Date;
}

export interface RequestLogQuery extends RequestLogScope {
  skip: number;
  take: number;
}

/** A token found by one of its secrets' hashes, with the scopes of all its roles. */
export interface SecretMatch {
  id: string;
  name: string;
  ownerId: string;
  ownerEmail: string;
  enabled: boolean;
  expiresAt: number | null;
  allowedIps: string[];
  secretHash: string;
  previousSecretHash: string | null;
  previousSecretExpiresAt: number | null;
  /** Sorted, without repeats. */
  scopes: string[];
}

export interface LastUse {
  at: Date;
  ip: string | null;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface AuditEvent {
  actor: Actor;
  action: AuditAction;
  token: { id: string; name: string } | null;
  details: { [key: string]: Json };
  at: Date;
}

/** A token's deletion as the audit trail recorded it. */
export interface TokenDeletion {
  at: Date;
  byEmail: string;
  tokenName: string | null;
  /** The owner's e-mail address when it was deleted. */
  ownerEmail: string | null;
}

/** A unique column (e.g. a token's or role's name) was taken by another transaction. */
export class UniqueViolation extends Error {
  override readonly name = 'UniqueViolation';
  constructor(
    readonly column: string,
    options?: { cause?: unknown },
  ) {
    super(`unique column ${column} taken`, options);
  }
}

/** A search with % _ or \ in it matched more tokens than one statement may list. */
export class SearchTooBroad extends Error {
  override readonly name = 'SearchTooBroad';
  constructor(
    readonly column: SearchableColumn,
    readonly limit: number,
  ) {
    super(`more than ${limit} tokens match`);
  }
}
