import type { Logger } from '../core/types.js';
import { sentCount, type ExpiryNoticeReport, type ExpiryNotifier } from './expiry-notifier.js';
import type { RequestLogRetention, RetentionReport } from './request-log-retention.js';

export type JobName = 'expiry-notices' | 'leak-mails' | 'request-log-retention';

/** What the retry of leak-report e-mails did (LeakReports.retryMail). */
export interface LeakMailReport {
  /** E-mails sent (a report with nobody to tell counts as sent). */
  sent: number;
  /** Sends that failed: released, and retried by the next run. */
  failed: number;
  /** E-mails still unsent 7 days after their report: stale, no longer tried (each logged). */
  givenUp: number;
}

/** What one run of the jobs did. */
export interface JobsReport {
  /** Null when no `notifications` option was given: expiry e-mails are off. */
  expiryNotices: ExpiryNoticeReport | null;
  /** The leak-report e-mails whose first send failed, sent again; null without the `notifications` option (or when the job failed). */
  leakMails: LeakMailReport | null;
  /** Null when the job failed (see `errors`). */
  requestLogRetention: RetentionReport | null;
  /** A job that threw (the database unreachable, say); the other job still ran. */
  errors: Array<{ job: JobName; message: string }>;
  durationMs: number;
}

/** The gist of an error: Prisma's messages end with the reason after a dump of the call. */
function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? text;
}

/** The jobs, one after the other; one failing does not stop the others. */
export async function runJobs(
  jobs: {
    notifier: ExpiryNotifier | null;
    /** Null without the `notifications` option. */
    leakMails: { retryMail(signal?: AbortSignal): Promise<LeakMailReport> } | null;
    retention: RequestLogRetention;
  },
  signal: AbortSignal,
): Promise<JobsReport> {
  const started = Date.now();
  const report: JobsReport = { expiryNotices: null, leakMails: null, requestLogRetention: null, errors: [], durationMs: 0 };
  // The leak e-mails first: few, and the most urgent.
  if (jobs.leakMails) {
    try {
      report.leakMails = await jobs.leakMails.retryMail(signal);
    } catch (error) {
      report.errors.push({ job: 'leak-mails', message: reason(error) });
    }
  }
  if (jobs.notifier) {
    try {
      report.expiryNotices = await jobs.notifier.run(signal);
    } catch (error) {
      report.errors.push({ job: 'expiry-notices', message: reason(error) });
    }
  }
  try {
    report.requestLogRetention = await jobs.retention.run(signal);
  } catch (error) {
    report.errors.push({ job: 'request-log-retention', message: reason(error) });
  }
  report.durationMs = Date.now() - started;
  return report;
}

/** One line per job, for logs and the `jobs` command. */
export function describeJobsReport(report: JobsReport): string[] {
  const lines: string[] = [];
  const notices = report.expiryNotices;
  if (notices) {
    const perKind = `30 days: ${notices.sent['30d']}, 7 days: ${notices.sent['7d']}, 1 day: ${notices.sent['1d']}, expired: ${notices.sent.expired}`;
    lines.push(
      `expiry notices: ${sentCount(notices)} sent (${perKind}), ${notices.failed} failed (retried next run), ` +
        `${notices.skipped} skipped; ${notices.checked} token${notices.checked === 1 ? '' : 's'} near expiry checked${notices.aborted ? '; stopped early' : ''}`,
    );
  } else if (!report.errors.some((e) => e.job === 'expiry-notices')) {
    lines.push('expiry notices: off (no notifications option)');
  }
  const leakMails = report.leakMails;
  if (leakMails) {
    lines.push(
      `leak e-mails: ${leakMails.sent} sent, ${leakMails.failed} failed (retried next run)` +
        `${leakMails.givenUp > 0 ? `, ${leakMails.givenUp} given up (not sent within 7 days of the report)` : ''}`,
    );
  } else if (!report.errors.some((e) => e.job === 'leak-mails')) {
    lines.push('leak e-mails: off (no notifications option)');
  }
  const retention = report.requestLogRetention;
  if (retention) {
    lines.push(
      `request-log retention: ${retention.deleted} rows older than ${retention.cutoff.toISOString()} deleted in ${retention.batches} batch${retention.batches === 1 ? '' : 'es'}` +
        `${retention.partitionsDropped.length > 0 ? ` and ${retention.partitionsDropped.length} dropped day partition(s)` : ''}` +
        `${retention.partitionsCreated.length > 0 ? `; ${retention.partitionsCreated.length} day partition(s) created ahead` : ''}` +
        `${retention.rollupsDeleted > 0 ? `; ${retention.rollupsDeleted} usage rollup rows before ${retention.rollupCutoffDay} deleted` : ''}` +
        `${retention.complete ? '' : '; stopped early, the rest goes next run'}`,
    );
  }
  for (const error of report.errors) lines.push(`${error.job}: FAILED: ${error.message}`);
  return lines;
}

/** Whether a scheduled run is worth a log line: it did something or something went wrong. */
export function isEventful(report: JobsReport): boolean {
  const notices = report.expiryNotices;
  return (
    report.errors.length > 0 ||
    (notices !== null && (sentCount(notices) > 0 || notices.failed > 0)) ||
    (report.leakMails !== null && (report.leakMails.sent > 0 || report.leakMails.failed > 0 || report.leakMails.givenUp > 0)) ||
    (report.requestLogRetention?.deleted ?? 0) > 0 ||
    (report.requestLogRetention?.rollupsDeleted ?? 0) > 0
  );
}

export function logJobsReport(logger: Logger, report: JobsReport): void {
  const lines = describeJobsReport(report).map((line) => `[api-access] ${line}`);
  for (const line of lines) (line.includes('FAILED') ? logger.error : logger.info).call(logger, line);
}
