import {
  findTokensInText,
  leakReportsOf,
  reportLeakedSecret,
  reportLeakedToken,
  type LeakAction,
  type LeakOutcome,
  type LeakReportView,
  type LeakSighting,
  type TextCheck,
} from '../core/tokens/report-leak.js';
import { randomUUID } from 'node:crypto';
import type { TokenServiceDeps } from '../core/context.js';
import type { LeakMailCursor, LeakMailRecord, LeakReportPeople } from '../core/store.js';
import type { Actor, Logger, UserDirectory } from '../core/types.js';
import { currentAddresses, uniqueAddresses } from '../jobs/expiry-notifier.js';
import type { LeakMailReport } from '../jobs/jobs.js';
import type { MailResult, Mailer } from '../jobs/mailer.js';
import { leakMessage } from './leak-message.js';

export interface LeakReportsDeps {
  /** What the token service's operations are given. */
  core: TokenServiceDeps;
  action: LeakAction;
  /**
   * Null without the `notifications` option: reports are then recorded and audited, not e-mailed
   * (see LeakReports.retryMail for what happens to them once the option is given).
   */
  mail: {
    mailer: Mailer;
    from: string;
    tokenUrl: (tokenId: string) => string;
    users: UserDirectory;
    /** How long a claim on a report's e-mail holds before another run may take it over (`notifications.claimLeaseMs`). */
    claimLeaseMs: number;
  } | null;
  logger: Logger;
}

/** A leak e-mail is sent (or retried) only within this long of its report: later it is stale, and given up. */
export const LEAK_MAIL_WINDOW_MS = 7 * 86_400_000;

/** Reports read per query by the retry. */
const BATCH = 100;

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

/** What the e-mail of one report needs: the report, whom to tell, and the claim this process holds on it. */
interface Delivery {
  report: LeakReportView;
  people: LeakReportPeople;
  claimId: string;
}

/**
 * Leaked-token reports, from GitHub's secret scanning and from admins, all through one path
 * (core's reportLeaked*): the host's policy acts on the token, the report is audited, and the
 * token's owner and author are e-mailed at once. The e-mail goes out after the commit and off the
 * caller's path (GitHub's request is answered without waiting for SMTP).
 *
 * The e-mail is sent exactly once, as expiry notices are (src/jobs/expiry-notifier.ts): the
 * report is inserted with its e-mail claimed by the reporting process, so no other process's jobs
 * send it while the immediate send runs; a sent e-mail is marked sent, a failed one released with
 * its error and attempt count, and the jobs (`retryMail`) send it again on their next run, for up
 * to 7 days after the report. A process that dies mid-send leaves a claim that goes stale after
 * the lease and is taken over: at-least-once for that crash window, the resend carrying the same
 * Message-ID so that mail systems which dedupe on it fold the two.
 */
export class LeakReports {
  private readonly sending = new Set<Promise<void>>();

  constructor(private readonly deps: LeakReportsDeps) {}

  get action(): LeakAction {
    return this.deps.action;
  }

  /** A secret GitHub found; the outcome says whether it is ours. */
  async reportSecret(secret: string, sighting: LeakSighting): Promise<LeakOutcome> {
    const claimId = this.deps.mail ? randomUUID() : null;
    return this.after(await reportLeakedSecret(this.deps.core, this.deps.action, secret, sighting, claimId), claimId);
  }

  /** An admin reports one of the tokens they may manage. */
  async reportToken(actor: Actor, tokenId: unknown, input: { url: unknown; lastFour?: unknown; urlRequired: boolean }): Promise<LeakOutcome> {
    const claimId = this.deps.mail ? randomUUID() : null;
    return this.after(await reportLeakedToken(this.deps.core, this.deps.action, actor, tokenId, input, claimId), claimId);
  }

  findInText(actor: Actor, text: unknown): Promise<TextCheck> {
    return findTokensInText(this.deps.core, actor, text);
  }

  reportsOf(actor: Actor, tokenId: unknown): Promise<LeakReportView[]> {
    return leakReportsOf(this.deps.core, actor, tokenId);
  }

  /** Resolves once every e-mail started so far was sent or failed (and recorded so). */
  async settled(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  /**
   * Sends the e-mails of the reports whose first send failed (or whose sender died), the jobs'
   * part: each claimed first, so that of two runs (on any host) only one sends it. Reports older
   * than 7 days are stale: their e-mail is given up, logged once, and never sent.
   *
   * Without the `notifications` option nothing is claimed or sent, and reports are recorded
   * unclaimed. The rule for those: they are owed an e-mail like any other, so the first run of
   * the jobs with `notifications` given sends the ones made within the last 7 days (and gives up
   * the older ones).
   */
  async retryMail(signal?: AbortSignal): Promise<LeakMailReport> {
    const report: LeakMailReport = { sent: 0, failed: 0, givenUp: 0 };
    const mail = this.deps.mail;
    if (!mail) return report;
    const { store, clock } = this.deps.core;
    const now = clock();
    const since = new Date(now.getTime() - LEAK_MAIL_WINDOW_MS);
    const staleBefore = new Date(now.getTime() - mail.claimLeaseMs);

    let after: LeakMailCursor | null = null;
    for (;;) {
      if (signal?.aborted) return report;
      const overdue: LeakMailRecord[] = await store.leakMail.overdue({ before: since, staleBefore, after, take: BATCH });
      for (const row of overdue) {
        const note = `given up: not sent within 7 days of the report${row.lastError ? ` (last error: ${row.lastError})` : ''}`;
        if (!(await store.leakMail.giveUp(row.id, now, { before: since, staleBefore }, errorText(note)))) continue;
        report.givenUp++;
        this.deps.logger.warn(
          `[api-access] the leak e-mail of token "${row.tokenName}" (${row.tokenId}), reported ${row.reportedAt.toISOString()}, ` +
            `was not sent within 7 days (${row.attempts} attempt${row.attempts === 1 ? '' : 's'}${row.lastError ? `; last error: ${row.lastError}` : ''}): given up`,
        );
      }
      if (overdue.length < BATCH) break;
      after = overdue[overdue.length - 1]!;
    }

    after = null;
    for (;;) {
      if (signal?.aborted) return report;
      const due: LeakMailRecord[] = await store.leakMail.due({ since, staleBefore, after, take: BATCH });
      for (const row of due) {
        if (signal?.aborted) return report;
        const claimId = randomUUID();
        // Another run holds it (or sent it) since the list was read: theirs.
        if (!(await store.leakMail.claim(row.id, claimId, clock(), { since, staleBefore }))) continue;
        const { id, tokenId, tokenName, url, source, reporter, action, reportedAt, people } = row;
        const view: LeakReportView = { id, tokenId, tokenName, url, source, reporter, action: action as LeakReportView['action'], reportedAt };
        const sent = await this.deliver({ report: view, people, claimId }, 'retry');
        report[sent ? 'sent' : 'failed']++;
      }
      if (due.length < BATCH) break;
      after = due[due.length - 1]!;
    }
    return report;
  }

  private after(outcome: LeakOutcome, claimId: string | null): LeakOutcome {
    if (outcome.kind !== 'handled') return outcome;
    const { report, token } = outcome;
    const where = report.url || 'an unnamed place';
    this.deps.logger.warn(`[api-access] token "${token.name}" (${token.id}) reported leaked by ${report.reporter} at ${where}; action: ${report.action}`);
    if (!this.deps.mail || !claimId) return outcome;
    const send = this.deliver({ report, people: token, claimId }, 'first').then(() => undefined);
    this.sending.add(send);
    void send.finally(() => this.sending.delete(send));
    return outcome;
  }

  /**
   * Sends one report's e-mail under the claim held on it, then records it sent or releases the
   * claim with the error for the next run. True when sent. Never throws: a database error leaves
   * the claim to go stale, and a later run takes it over.
   */
  private async deliver({ report, people, claimId }: Delivery, attempt: 'first' | 'retry'): Promise<boolean> {
    const mail = this.deps.mail!;
    const leakMail = this.deps.core.store.leakMail;
    const { logger, core } = this.deps;
    const what = `the leak report of token "${report.tokenName}" (${report.tokenId})`;
    const failed = async (error: string): Promise<false> => {
      logger.warn(`[api-access] could not e-mail ${what}; ${attempt === 'first' ? 'the jobs retry it' : 'retried on the next run'}: ${error}`);
      await leakMail.release(report.id, claimId, error).catch((releaseError: unknown) => {
        logger.warn(`[api-access] could not release the claim on ${what} (taken over after the lease): ${errorText(releaseError)}`);
      });
      return false;
    };
    let to: string[];
    try {
      // Ids are "" only on a report recorded before they were kept: there is nobody to look up.
      const addresses =
        people.ownerId === '' && people.createdById === '' ? [people.createdByEmail, people.ownerEmail] : await currentAddresses(mail.users)(people);
      to = uniqueAddresses(addresses);
    } catch (error) {
      return failed(`could not resolve recipients: ${errorText(error)}`);
    }
    let result: MailResult | null = null;
    if (to.length > 0) {
      const message = leakMessage({ id: report.tokenId, name: report.tokenName }, report, mail.tokenUrl(report.tokenId));
      const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mail.from)?.[1] ?? 'adminjs-api-access.invalid';
      try {
        // The same Message-ID on every attempt, so that a resend can be folded.
        result = await mail.mailer.send({ from: mail.from, to, ...message, messageId: `<leak-report-${report.id}@${domain}>` });
      } catch (error) {
        return failed(errorText(error));
      }
      if (result.accepted.length === 0) return failed(`every recipient was refused: ${result.rejected.join(', ')}`);
    }
    // Nobody to tell, now or later, counts as done: it is not retried.
    const note = !result ? 'nobody to send it to' : result.rejected.length > 0 ? `refused: ${result.rejected.join(', ')}` : null;
    try {
      if (!(await leakMail.markSent(report.id, claimId, core.clock(), note))) {
        logger.warn(`[api-access] ${what} was e-mailed, but its claim had gone stale: it may have been sent twice`);
      }
    } catch (error) {
      logger.warn(`[api-access] ${what} was e-mailed, but could not be recorded so (it may be sent again after the claim lease): ${errorText(error)}`);
    }
    if (!result) logger.warn(`[api-access] ${what} has no recipient: not e-mailed`);
    return true;
  }
}
