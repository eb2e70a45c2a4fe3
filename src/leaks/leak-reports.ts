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
import type { TokenServiceDeps } from '../core/context.js';
import type { Actor, Logger, UserDirectory } from '../core/types.js';
import { currentAddresses, uniqueAddresses } from '../jobs/expiry-notifier.js';
import type { Mailer } from '../jobs/mailer.js';
import { leakMessage } from './leak-message.js';

export interface LeakReportsDeps {
  /** What the token service's operations are given. */
  core: TokenServiceDeps;
  action: LeakAction;
  /** Null without the `notifications` option: reports are then recorded and audited, not e-mailed. */
  mail: { mailer: Mailer; from: string; tokenUrl: (tokenId: string) => string; users: UserDirectory } | null;
  logger: Logger;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Leaked-token reports, from GitHub's secret scanning and from admins, all through one path
 * (core's reportLeaked*): the host's policy acts on the token, the report is audited, and the
 * token's owner and author are e-mailed at once. The e-mail goes out after the commit and off the
 * caller's path (GitHub's request is answered without waiting for SMTP); a failed send is logged.
 */
export class LeakReports {
  private readonly sending = new Set<Promise<void>>();

  constructor(private readonly deps: LeakReportsDeps) {}

  get action(): LeakAction {
    return this.deps.action;
  }

  /** A secret GitHub found; the outcome says whether it is ours. */
  async reportSecret(secret: string, sighting: LeakSighting): Promise<LeakOutcome> {
    return this.after(await reportLeakedSecret(this.deps.core, this.deps.action, secret, sighting));
  }

  /** An admin reports one of the tokens they may manage. */
  async reportToken(actor: Actor, tokenId: unknown, input: { url: unknown; lastFour?: unknown; urlRequired: boolean }): Promise<LeakOutcome> {
    return this.after(await reportLeakedToken(this.deps.core, this.deps.action, actor, tokenId, input));
  }

  findInText(actor: Actor, text: unknown): Promise<TextCheck> {
    return findTokensInText(this.deps.core, actor, text);
  }

  reportsOf(actor: Actor, tokenId: unknown): Promise<LeakReportView[]> {
    return leakReportsOf(this.deps.core, actor, tokenId);
  }

  /** Resolves once every e-mail started so far was sent or failed. */
  async settled(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  private after(outcome: LeakOutcome): LeakOutcome {
    if (outcome.kind !== 'handled') return outcome;
    const { report, token } = outcome;
    const where = report.url || 'an unnamed place';
    this.deps.logger.warn(`[api-access] token "${token.name}" (${token.id}) reported leaked by ${report.reporter} at ${where}; action: ${report.action}`);
    const mail = this.deps.mail;
    if (!mail) return outcome;
    const send = (async () => {
      try {
        const to = uniqueAddresses(await currentAddresses(mail.users)(token));
        if (to.length === 0) return;
        const message = leakMessage(token, report, mail.tokenUrl(token.id));
        const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mail.from)?.[1] ?? 'adminjs-api-access.invalid';
        await mail.mailer.send({ from: mail.from, to, ...message, messageId: `<leak-report-${report.id}@${domain}>` });
      } catch (error) {
        this.deps.logger.warn(`[api-access] could not e-mail the leak report of token "${token.name}" (${token.id}): ${errorText(error)}`);
      }
    })();
    this.sending.add(send);
    void send.finally(() => this.sending.delete(send));
    return outcome;
  }
}
