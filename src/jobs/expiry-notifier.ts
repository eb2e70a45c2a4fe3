import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '@prisma/client';
import { inOwnTransaction } from '../store/own-transaction.js';
import { isPrismaKnownError } from '../store/prisma-errors.js';
import type { Clock, Logger, UserDirectory } from '../core/types.js';
import { expiryMessage } from './expiry-message.js';
import { dueNotice, EXPIRED_NOTICE_WINDOW_MS, NOTICE_HORIZON_MS, NOTICE_KINDS, type NoticeKind } from './expiry-schedule.js';
import type { MailResult, Mailer } from './mailer.js';

/**
 * What the notifier reads of a token: names and e-mails, never `secretHash` or
 * `previousSecretHash` (every query below selects its fields explicitly).
 */
export interface ExpiringToken {
  id: string;
  name: string;
  expiresAt: Date;
  ownerId: string;
  ownerEmail: string;
  createdById: string;
  createdByEmail: string;
}

/** A token's author and owner, by id and by the addresses stored with it. */
export type TokenPeople = Pick<ExpiringToken, 'ownerId' | 'ownerEmail' | 'createdById' | 'createdByEmail'>;

/** Who gets a token's notices. The default: its author, and its owner when different. */
export type NoticeRecipients = (token: ExpiringToken) => string[] | Promise<string[]>;

/** The addresses stored with the token when it was created: its author's and its owner's. */
export const defaultRecipients: NoticeRecipients = (token) => [token.createdByEmail, token.ownerEmail];

/**
 * The author's and the owner's addresses as the host's user directory has them now, each falling
 * back to the one stored with the token when the directory no longer knows the user (deleted or
 * disabled). The token keeps copies taken when it was created, and people change addresses
 * (a new domain, a new name): a notice sent to the old one is a notice lost. A directory that
 * fails throws, and the notice is retried by the next run.
 */
export function currentAddresses(users: UserDirectory): (token: TokenPeople) => Promise<string[]> {
  return async (token) => {
    const author = await users.findById(token.createdById);
    const owner = token.ownerId === token.createdById ? author : await users.findById(token.ownerId);
    return [author?.email ?? token.createdByEmail, owner?.email ?? token.ownerEmail];
  };
}

export interface ExpiryNotifierDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  /** The From address, e.g. `API Access <no-reply@example.com>`. */
  from: string;
  /** The admin panel's page of a token. */
  tokenUrl: (tokenId: string) => string;
  /** Who gets a token's notices; by default its author and owner at their current addresses (with `users`), else at the stored ones. */
  recipients?: NoticeRecipients;
  /** The host's users, for their current addresses. */
  users?: UserDirectory;
  /** How long a claim holds before another run may take it over; longer than any send can take. */
  claimLeaseMs: number;
  /** Tokens read per query. */
  batchSize?: number;
  /** How often a long run logs its progress. */
  progressEveryMs?: number;
}

export interface ExpiryNoticeReport {
  /** Tokens in the notice window (expiring within 30 days, or expired within a week) looked at. */
  checked: number;
  /** Notices sent by this run, per kind. */
  sent: Record<NoticeKind, number>;
  /** Sends that failed: released, and retried by the next run. */
  failed: number;
  /** Due notices that another run was sending, or whose token was deleted, disabled or regenerated meanwhile. */
  skipped: number;
  /** Stopped early because the host is shutting down; the rest is left to the next run. */
  aborted: boolean;
}

interface Claim {
  noticeId: string;
  claimId: string;
}

type Outcome = 'sent' | 'failed' | 'skipped';

const tokenSelect = {
  id: true,
  name: true,
  expiresAt: true,
  enabled: true,
  ownerId: true,
  ownerEmail: true,
  createdById: true,
  createdByEmail: true,
  secretIssuedAt: true,
} satisfies Prisma.ApiTokenSelect;

type TokenRow = Prisma.ApiTokenGetPayload<{ select: typeof tokenSelect }>;

function isUniqueViolation(error: unknown): boolean {
  // By name and code, not instanceof: a second generated client (e.g. for PostgreSQL) has its own error classes.
  return isPrismaKnownError(error, 'P2002');
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

/** Trims, drops empties and duplicates (e-mail addresses compare case-insensitively in practice). */
export function uniqueAddresses(addresses: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of addresses) {
    const address = typeof raw === 'string' ? raw.trim() : '';
    if (!address || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    out.push(address);
  }
  return out;
}

/**
 * Sends each token's expiry notices (30, 7 and 1 day before, and on expiry) exactly once per
 * token and expiry, however many runs and hosts share the database.
 *
 * How "once" holds: a notice is claimed before it is sent, through its unique
 * (tokenId, expiresAt, kind) row. The first run inserts the row with its claim; any other run's
 * insert fails on the unique key, and it can only take the notice over with a conditional
 * update that succeeds while the notice is unsent and its claim released or stale. Both are
 * single atomic statements, so of two concurrent runs exactly one holds the claim and sends.
 * A failed send releases the claim (keeping the error and attempt count), so the next run
 * retries it; it is never marked sent.
 *
 * The one case left: the process dies after the SMTP server accepted the message and before
 * the row was marked sent. The claim then goes stale after the lease and the next run sends
 * again. That is a deliberate choice of at-least-once over at-most-once for this crash window:
 * a duplicate warning is a nuisance, a lost "your token expires tomorrow" is an outage. The
 * resend carries the same Message-ID, which lets mail systems that dedupe on it fold the two.
 */
export class ExpiryNotifier {
  private readonly recipients: NoticeRecipients;
  private readonly batchSize: number;
  private readonly progressEveryMs: number;

  constructor(private readonly deps: ExpiryNotifierDeps) {
    this.recipients = deps.recipients ?? (deps.users ? currentAddresses(deps.users) : defaultRecipients);
    this.batchSize = deps.batchSize ?? 200;
    this.progressEveryMs = deps.progressEveryMs ?? 5_000;
  }

  async run(signal?: AbortSignal): Promise<ExpiryNoticeReport> {
    const { prisma, clock, logger } = this.deps;
    const report: ExpiryNoticeReport = { checked: 0, sent: { '30d': 0, '7d': 0, '1d': 0, expired: 0 }, failed: 0, skipped: 0, aborted: false };
    const now = clock();
    const window = { gt: new Date(now.getTime() - EXPIRED_NOTICE_WINDOW_MS), lte: new Date(now.getTime() + NOTICE_HORIZON_MS) };
    let lastProgress = Date.now();
    let after: { expiresAt: Date; id: string } | null = null;
    // Disabled tokens get no notices: someone switched them off on purpose. Enabled again
    // before expiry, they get the notices still ahead of them.
    for (;;) {
      if (signal?.aborted) {
        report.aborted = true;
        break;
      }
      // Keyset pagination over the expiresAt index: stable while rows change under it.
      const cursor: Prisma.ApiTokenWhereInput = after
        ? { OR: [{ expiresAt: { gt: after.expiresAt } }, { expiresAt: after.expiresAt, id: { gt: after.id } }] }
        : {};
      const tokens: TokenRow[] = await prisma.apiToken.findMany({
        where: { enabled: true, expiresAt: window, ...cursor },
        select: tokenSelect,
        orderBy: [{ expiresAt: 'asc' }, { id: 'asc' }],
        take: this.batchSize,
      });
      if (tokens.length === 0) break;
      const last = tokens[tokens.length - 1]!;
      after = { expiresAt: last.expiresAt!, id: last.id };
      report.checked += tokens.length;

      const due = tokens
        .map((token) => ({ token, kind: dueNotice({ expiresAt: token.expiresAt!, seriesStart: token.secretIssuedAt }, now) }))
        .filter((d): d is { token: TokenRow; kind: NoticeKind } => d.kind !== null);
      // One read for the batch, so that notices already sent cost no claim attempt.
      const sent =
        due.length === 0
          ? []
          : await prisma.apiTokenExpiryNotice.findMany({
              where: { tokenId: { in: due.map((d) => d.token.id) }, sentAt: { not: null } },
              select: { tokenId: true, expiresAt: true, kind: true },
            });
      const sentKeys = new Set(sent.map((n) => `${n.tokenId}|${n.expiresAt.getTime()}|${n.kind}`));
      for (const { token, kind } of due) {
        if (signal?.aborted) {
          report.aborted = true;
          break;
        }
        if (sentKeys.has(`${token.id}|${token.expiresAt!.getTime()}|${kind}`)) continue;
        let outcome: Outcome;
        try {
          outcome = await this.deliver(token, kind);
        } catch (error) {
          // A database error on this notice: it stays unsent (or its claim goes stale) and is retried.
          logger.warn(`[api-access] expiry notice ${kind} for token ${token.id}: ${errorText(error)}; will retry`);
          outcome = 'failed';
        }
        if (outcome === 'sent') report.sent[kind]++;
        else report[outcome]++;
      }
      if (report.aborted) break;
      if (Date.now() - lastProgress >= this.progressEveryMs) {
        lastProgress = Date.now();
        logger.info(`[api-access] expiry notices: ${report.checked} tokens checked, ${sentCount(report)} sent, ${report.failed} failed so far`);
      }
      if (tokens.length < this.batchSize) break;
    }
    return report;
  }

  /** Claims, re-checks, sends and records one notice. */
  private async deliver(scanned: TokenRow, kind: NoticeKind): Promise<Outcome> {
    const { prisma, logger } = this.deps;
    const expiresAt = scanned.expiresAt!;
    const claim = await this.claim(scanned.id, expiresAt, kind);
    if (!claim) return 'skipped';

    // The token may have been deleted, disabled or regenerated since the scan: read it again,
    // now that nobody else can send this notice.
    const token = await prisma.apiToken.findUnique({ where: { id: scanned.id }, select: tokenSelect });
    if (!token?.enabled || token.expiresAt?.getTime() !== expiresAt.getTime()) {
      await this.release(claim, 'not sent: the token was deleted, disabled or given a new expiry');
      return 'skipped';
    }
    const view: ExpiringToken = {
      id: token.id,
      name: token.name,
      expiresAt,
      ownerId: token.ownerId,
      ownerEmail: token.ownerEmail,
      createdById: token.createdById,
      createdByEmail: token.createdByEmail,
    };
    let to: string[];
    try {
      to = uniqueAddresses(await this.recipients(view));
    } catch (error) {
      await this.release(claim, `could not resolve recipients: ${errorText(error)}`);
      logger.warn(`[api-access] expiry notice ${kind} for token "${token.name}" (${token.id}): could not resolve recipients; will retry`, errorText(error));
      return 'failed';
    }
    if (to.length === 0) {
      // Nobody to tell, now or later: recorded as done so that it is not retried forever.
      await this.markSent(claim, [], 'nobody to send it to');
      logger.warn(`[api-access] expiry notice ${kind} for token "${token.name}" (${token.id}) has no recipient`);
      return 'skipped';
    }

    const now = this.deps.clock();
    const message = expiryMessage(view, kind, now, this.deps.tokenUrl(token.id));
    let result: MailResult;
    try {
      result = await this.deps.mailer.send({ from: this.deps.from, to, ...message, messageId: messageIdFor(claim.noticeId, this.deps.from) });
    } catch (error) {
      await this.release(claim, errorText(error));
      logger.warn(`[api-access] expiry notice ${kind} for token "${token.name}" (${token.id}) could not be sent; will retry on the next run`, errorText(error));
      return 'failed';
    }
    if (result.accepted.length === 0) {
      await this.release(claim, `every recipient was refused: ${result.rejected.join(', ')}`);
      logger.warn(`[api-access] expiry notice ${kind} for token "${token.name}" (${token.id}): every recipient was refused; will retry`);
      return 'failed';
    }
    const refused = result.rejected.length > 0 ? `refused: ${result.rejected.join(', ')}` : null;
    const recorded = await this.markSent(claim, result.accepted, refused);
    if (!recorded) {
      logger.warn(`[api-access] expiry notice ${kind} for token ${token.id}: sent, but its claim had gone stale and may have been sent twice`);
    }
    return 'sent';
  }

  /**
   * Takes the notice for this run, or returns null when another run has it or it was sent.
   * Each step is one atomic statement in a transaction of its own (see inOwnTransaction): sent
   * bare, on SQLite it could join a transaction open in this process and be undone with it, and
   * the notice went out again.
   */
  private async claim(tokenId: string, expiresAt: Date, kind: NoticeKind): Promise<Claim | null> {
    const { prisma } = this.deps;
    const claimId = randomUUID();
    const at = this.deps.clock();
    try {
      const row = await inOwnTransaction(prisma, (tx) =>
        tx.apiTokenExpiryNotice.create({
          data: { tokenId, expiresAt, kind, claimedAt: at, claimId, attempts: 1, createdAt: at },
          select: { id: true },
        }),
      );
      return { noticeId: row.id, claimId };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // The row exists: take it over only if it is unsent and nobody holds a live claim on it.
    const staleBefore = new Date(at.getTime() - this.deps.claimLeaseMs);
    const taken = await inOwnTransaction(prisma, (tx) =>
      tx.apiTokenExpiryNotice.updateMany({
        where: { tokenId, expiresAt, kind, sentAt: null, OR: [{ claimedAt: null }, { claimedAt: { lt: staleBefore } }] },
        data: { claimedAt: at, claimId, attempts: { increment: 1 } },
      }),
    );
    if (taken.count === 0) return null;
    const row = await prisma.apiTokenExpiryNotice.findUnique({ where: { tokenId_expiresAt_kind: { tokenId, expiresAt, kind } }, select: { id: true } });
    return row ? { noticeId: row.id, claimId } : null;
  }

  /** Gives the notice back for the next run; only the claim's holder can. */
  private async release(claim: Claim, lastError: string): Promise<void> {
    const { prisma } = this.deps;
    await inOwnTransaction(prisma, (tx) =>
      tx.apiTokenExpiryNotice.updateMany({
        where: { id: claim.noticeId, claimId: claim.claimId, sentAt: null },
        data: { claimedAt: null, claimId: null, lastError },
      }),
    );
  }

  private async markSent(claim: Claim, recipients: string[], note: string | null): Promise<boolean> {
    const { prisma } = this.deps;
    const marked = await inOwnTransaction(prisma, (tx) =>
      tx.apiTokenExpiryNotice.updateMany({
        where: { id: claim.noticeId, claimId: claim.claimId, sentAt: null },
        data: { sentAt: this.deps.clock(), recipients: recipients.join(', '), lastError: note },
      }),
    );
    return marked.count === 1;
  }
}

export function sentCount(report: ExpiryNoticeReport): number {
  return NOTICE_KINDS.reduce((sum, kind) => sum + report.sent[kind], 0);
}

/** The same Message-ID for every attempt at one notice. */
function messageIdFor(noticeId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'adminjs-api-access.invalid';
  return `<expiry-notice-${noticeId}@${domain}>`;
}
