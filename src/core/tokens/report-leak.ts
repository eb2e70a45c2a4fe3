import { assertCanManageTokensOf, assertCanUseFeature, canManageTokensOf } from '../access.js';
import { changeTransaction } from '../change-transaction.js';
import { notify, type TokenServiceDeps } from '../context.js';
import { apiError, fieldError } from '../errors.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { hashToken } from '../hashing.js';
import { parseId } from '../inputs.js';
import { tokenStatus } from '../status.js';
import { UniqueViolation, type LeakReportRecord, type StoreTransaction, type TokenRecord } from '../store.js';
import { isWellFormedToken, lastFourOf, maskToken, tokenScanPattern } from '../token-format.js';
import type { Actor, TokenStatus } from '../types.js';

/** What the host's policy does with a token reported leaked (option `leakReports.action`). */
export const LEAK_ACTIONS = ['disable', 'delete', 'report-only'] as const;
export type LeakAction = (typeof LEAK_ACTIONS)[number];

/**
 * What was done, as the report, the audit event and the e-mail say it: 'none' under the
 * report-only policy; 'already-refused' for a token already disabled or expired, which stays so
 * (and cannot be enabled with this secret again).
 */
export type LeakActionTaken = 'disabled' | 'deleted' | 'none' | 'already-refused';

const TAKEN: Record<LeakAction, LeakActionTaken> = { disable: 'disabled', delete: 'deleted', 'report-only': 'none' };

/** Whom the audit trail names for a report from GitHub's secret scanning partner program. */
export const GITHUB_SECRET_SCANNING_ACTOR: Actor = Object.freeze({ id: 'github-secret-scanning', email: 'GitHub secret scanning', isSuperAdmin: false });

/** Where a secret was found, and who says so. */
export interface LeakSighting {
  /** An http(s) URL, or '' (anything else is dropped: it becomes a link on screens and in e-mails). */
  url: string;
  /** GitHub's `source` ("content", "commit", "npm", …), or "admin". */
  source: string;
  /** Named in the audit trail; its e-mail is the report's `reporter`. */
  reporter: Actor;
}

/** A reported token as the rest of the system may see it: names and addresses, never a secret or hash. */
export interface LeakedToken {
  id: string;
  name: string;
  lastFour: string;
  expiresAt: Date | null;
  ownerId: string;
  ownerEmail: string;
  createdById: string;
  createdByEmail: string;
}

export interface LeakReportView {
  id: string;
  tokenId: string;
  tokenName: string;
  url: string;
  source: string;
  reporter: string;
  action: LeakActionTaken;
  reportedAt: Date;
}

export type LeakOutcome =
  /** No token of this deployment has (or had, when reported before) this secret. */
  | { kind: 'not-ours' }
  /** Ours, but a rotated-out secret whose grace period is over: it can never work again, nothing to do. */
  | { kind: 'not-valid'; tokenId: string }
  /** Ours and reported before: handled then, not again. */
  | { kind: 'already-reported'; report: LeakReportView }
  /** Ours and valid: the policy's action was taken, recorded and audited in one transaction. */
  | { kind: 'handled'; report: LeakReportView; token: LeakedToken };

type Row = TokenRecord;

const MAX_URL_LENGTH = 2000;
const MAX_SOURCE_LENGTH = 100;

/** The URL if it is an absolute http(s) URL of sensible length, else ''. */
export function linkOrNothing(url: unknown): string {
  if (typeof url !== 'string' || url.length > MAX_URL_LENGTH) return '';
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : '';
  } catch {
    return '';
  }
}

function reportView(row: LeakReportRecord): LeakReportView {
  return { ...row, action: row.action as LeakActionTaken };
}

function leakedToken(row: Row): LeakedToken {
  const { id, name, lastFour, expiresAt, ownerId, ownerEmail, createdById, createdByEmail } = row;
  return { id, name, lastFour, expiresAt, ownerId, ownerEmail, createdById, createdByEmail };
}

/** True when the secret with this hash is accepted now: the token's current one, or its previous one in a rotation grace period. */
function secretWorks(row: Row, secretHash: string, now: Date): boolean {
  if (tokenStatus(row, now) !== 'active') return false;
  if (row.secretHash === secretHash) return true;
  return row.previousSecretHash === secretHash && row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
}

/**
 * Handles one reported secret, known by its keyed hash: records the report (one row per secret:
 * its unique key makes a second report, even a concurrent one on another host, "already
 * reported"), takes the policy's action on the token and writes the audit event, all in one
 * transaction; after the commit the verification caches and the change feed hear of it, as
 * they do of an admin's disable or delete.
 */
async function handle(
  deps: TokenServiceDeps,
  action: LeakAction,
  secretHash: string,
  sighting: LeakSighting,
  mailClaimId: string | null,
): Promise<LeakOutcome> {
  const now = deps.clock();
  const url = linkOrNothing(sighting.url);
  const source = String(sighting.source ?? '').slice(0, MAX_SOURCE_LENGTH) || 'unknown';
  const taken = TAKEN[action];
  // The owner's lock serialises this with every other change to their tokens (and with another
  // report of the same secret): found first, then everything read again under the lock.
  const [owner] = await deps.store.findTokensBySecret([secretHash]);
  let outcome: LeakOutcome;
  try {
    outcome = await changeTransaction(deps, async (tx): Promise<LeakOutcome> => {
      if (owner) await tx.lockOwner(owner.ownerId);
      const earlier = await tx.findLeakReport(secretHash);
      if (earlier) return { kind: 'already-reported', report: reportView(earlier) };
      const row = await tx.findTokenBySecret(secretHash);
      if (!row) return { kind: 'not-ours' };
      const works = secretWorks(row, secretHash, now);
      // A current secret that is refused now (token disabled or expired) is still recorded: the
      // report keeps the token from being enabled again with it.
      if (!works && row.secretHash !== secretHash) return { kind: 'not-valid', tokenId: row.id };
      const done: LeakActionTaken = works ? taken : 'already-refused';
      const report = await tx.insertLeakReport({
        secretHash,
        tokenId: row.id,
        tokenName: row.name,
        url,
        source,
        reporter: sighting.reporter.email,
        action: done,
        reportedAt: now,
        // Whom the e-mail goes to, kept with the report: a retry still finds them once the token is deleted.
        people: { ownerId: row.ownerId, ownerEmail: row.ownerEmail, createdById: row.createdById, createdByEmail: row.createdByEmail },
        mailClaimId,
      });
      if (works && action === 'disable') await tx.updateToken(row.id, { enabled: false });
      if (works && action === 'delete') await tx.deleteTokens([row.id]);
      await tx.recordAudit({
        actor: sighting.reporter,
        action: 'token.reported_leaked',
        token: row,
        details: {
          action: done,
          url,
          source,
          reporter: sighting.reporter.email,
          owner: row.ownerEmail,
          ...(row.secretHash === secretHash ? { secret: 'current', lastFour: row.lastFour } : { secret: 'previous (rotation grace period)' }),
        },
        at: now,
      });
      return { kind: 'handled', report: reportView(report), token: leakedToken(row) };
    });
  } catch (error) {
    // Two reports of one secret at once: the other one recorded it first (its unique key).
    if (!(error instanceof UniqueViolation)) throw error;
    const earlier = await deps.store.findLeakReport(secretHash);
    if (!earlier) throw error;
    return { kind: 'already-reported', report: reportView(earlier) };
  }
  if (outcome.kind === 'handled' && (outcome.report.action === 'disabled' || outcome.report.action === 'deleted')) {
    notify(deps, outcome.token.id, outcome.report.action);
  }
  return outcome;
}

/**
 * A secret found somewhere (GitHub's secret scanning sends the plaintext): only a well-formed
 * secret of this deployment is hashed and looked up; anything else is "not ours" without a query.
 * The secret itself is never stored, logged or returned. With `mailClaimId`, the caller e-mails
 * the report and a new report is recorded with its e-mail claimed for it (see LeakMailQueries).
 */
export async function reportLeakedSecret(
  deps: TokenServiceDeps,
  action: LeakAction,
  secret: string,
  sighting: LeakSighting,
  mailClaimId: string | null = null,
): Promise<LeakOutcome> {
  if (typeof secret !== 'string' || !isWellFormedToken(secret, deps.tokenPrefix)) return { kind: 'not-ours' };
  return handle(deps, action, hashToken(deps.pepper, secret), sighting, mailClaimId);
}

/**
 * An admin reports a token leaked (the "Report leaked" action, or a revoke from "Check text for
 * tokens"): the token must be one the admin may manage, and its current secret is the one
 * reported. `lastFour`, when given, must match that secret: a token rotated since the leaked
 * text was checked no longer has the leaked secret, and is left alone with a clear error.
 * `mailClaimId` as for reportLeakedSecret.
 */
export async function reportLeakedToken(
  deps: TokenServiceDeps,
  action: LeakAction,
  actorIn: Actor,
  rawId: unknown,
  input: { url: unknown; lastFour?: unknown; urlRequired: boolean },
  mailClaimId: string | null = null,
): Promise<LeakOutcome> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const id = parseId(rawId);
  const url = linkOrNothing(input.url);
  const given = typeof input.url === 'string' ? input.url.trim() : '';
  if ((input.urlRequired || given !== '') && url === '') {
    throw fieldError('url', 'leakUrlRequired');
  }
  const row = await deps.store.findToken(id);
  if (!row) throw fieldError('id', 'tokenNotFound', { id });
  assertCanManageTokensOf(actor, row.ownerId, deps.access);
  if (input.lastFour !== undefined && input.lastFour !== row.lastFour) {
    throw apiError('leakSecretReplaced', { name: row.name });
  }
  const outcome = await handle(deps, action, row.secretHash, { url, source: 'admin', reporter: actor }, mailClaimId);
  if (outcome.kind === 'not-ours' || outcome.kind === 'not-valid') throw fieldError('id', 'tokenDeletedMeanwhile', { id });
  return outcome;
}

/** One of the actor's tokens found in a text, shown masked (its last four characters only). */
export interface TokenFoundInText {
  id: string;
  name: string;
  maskedToken: string;
  lastFour: string;
  status: TokenStatus;
  ownerEmail: string;
  /** The text holds the previous secret of a rotation, still working in its grace period. */
  previousSecret: boolean;
  /** This secret was reported leaked before (by GitHub or an admin). */
  reported: boolean;
}

export interface TextCheck {
  /** Strings in the text that have this deployment's token form (prefix, length, checksum). */
  wellFormed: number;
  /** Of those, the tokens the actor may manage (others' tokens are not shown, nor counted apart). */
  tokens: TokenFoundInText[];
}

/** The most characters "Check text for tokens" takes, and the most candidate tokens it looks up. */
export const MAX_CHECKED_TEXT = 1_000_000;
export const MAX_CHECKED_CANDIDATES = 500;

/** Which of the actor's tokens a pasted text (a log, a config file) holds. Nothing is stored or logged. */
export async function findTokensInText(deps: TokenServiceDeps, actorIn: Actor, text: unknown): Promise<TextCheck> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  if (typeof text !== 'string' || text.trim() === '') throw fieldError('text', 'checkTextMissing');
  if (text.length > MAX_CHECKED_TEXT) {
    throw fieldError('text', 'checkTextTooLong', { length: text.length, max: MAX_CHECKED_TEXT });
  }
  const candidates = [...new Set(text.match(tokenScanPattern(deps.tokenPrefix)) ?? [])].filter((c) => isWellFormedToken(c, deps.tokenPrefix));
  if (candidates.length > MAX_CHECKED_CANDIDATES) {
    throw fieldError('text', 'checkTextTooManyTokens', { count: candidates.length, max: MAX_CHECKED_CANDIDATES });
  }
  if (candidates.length === 0) return { wellFormed: 0, tokens: [] };
  const byHash = new Map(candidates.map((secret) => [hashToken(deps.pepper, secret), lastFourOf(secret)]));
  const hashes = [...byHash.keys()];
  const now = deps.clock();
  const [rows, reported] = await Promise.all([deps.store.findTokensBySecret(hashes), deps.store.reportedSecrets(hashes)]);
  const tokens: TokenFoundInText[] = [];
  for (const row of rows) {
    if (!canManageTokensOf(actor, row.ownerId, deps.access)) continue;
    for (const hash of [row.secretHash, row.previousSecretHash]) {
      const lastFour = hash ? byHash.get(hash) : undefined;
      if (!hash || lastFour === undefined) continue;
      const previousSecret = hash !== row.secretHash;
      if (previousSecret && !secretWorks(row, hash, now)) continue; // a retired secret no longer works: nothing to revoke
      tokens.push({
        id: row.id,
        name: row.name,
        maskedToken: maskToken(deps.tokenPrefix, lastFour),
        lastFour,
        status: tokenStatus(row, now),
        ownerEmail: row.ownerEmail,
        previousSecret,
        reported: reported.has(hash),
      });
    }
  }
  tokens.sort((a, b) => a.name.localeCompare(b.name));
  return { wellFormed: candidates.length, tokens };
}

/** Refuses to enable a token whose current secret was reported leaked: it needs a new secret first. */
export async function assertSecretNotReported(tx: StoreTransaction, token: { name: string; secretHash: string }): Promise<void> {
  const report = await tx.findLeakReport(token.secretHash);
  if (report) {
    throw apiError('leakedSecretNotEnabled', { name: token.name, reportedAt: report.reportedAt.toISOString().slice(0, 16).replace('T', ' ') });
  }
}

/** The most reports a token's page lists. */
const LEAK_REPORTS_SHOWN = 20;

/** The reports of one token's secrets, newest first, for its page: only for an actor who may manage it. */
export async function leakReportsOf(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown): Promise<LeakReportView[]> {
  const actor = await resolveActor(deps, actorIn);
  assertCanUseFeature(actor, deps.access);
  const id = parseId(rawId);
  const row = await deps.store.findToken(id);
  if (!row) throw fieldError('id', 'tokenNotFound', { id });
  assertCanManageTokensOf(actor, row.ownerId, deps.access);
  return (await deps.store.leakReportsOf(id, LEAK_REPORTS_SHOWN)).map(reportView);
}
