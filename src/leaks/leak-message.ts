import type { LeakActionTaken, LeakReportView } from '../core/tokens/report-leak.js';
import { escapeHtml, formatExpiry } from '../jobs/expiry-message.js';

/**
 * What a leak e-mail may say about the token: its name and id. Deliberately not a row: the
 * message is built from these fields and the report only, so neither the secret (which has no
 * column) nor its hash can reach an e-mail.
 */
export interface LeakMessageToken {
  id: string;
  name: string;
}

export interface LeakMessage {
  subject: string;
  text: string;
  html: string;
}

const DONE: Record<LeakActionTaken, { subject: string; headline: string; advice: string }> = {
  disabled: {
    subject: 'was found in public and has been disabled',
    headline: 'It has been disabled: every request that uses it is refused from now on.',
    advice:
      'Create a new token for the applications that used it (or regenerate this one for a new secret and enable it again), keep the new secret out of source code, and look through its request logs for use you do not recognise.',
  },
  deleted: {
    subject: 'was found in public and has been deleted',
    headline: 'It has been deleted: every request that uses it is refused from now on.',
    advice:
      'Create a new token for the applications that used it, keep the new secret out of source code, and look through the request logs for use you do not recognise.',
  },
  'already-refused': {
    subject: 'was found in public',
    headline: 'It was already refused (disabled or expired), and it cannot be enabled again with this secret.',
    advice: 'To use the token again, regenerate it for a new secret, then enable it. Look through its request logs for use you do not recognise.',
  },
  none: {
    subject: 'was found in public: rotate it now',
    headline: 'It still works: this deployment only reports leaks. Anyone who found it can use it until you rotate or disable it.',
    advice:
      'Rotate it now and give the new secret to the applications that use it, remove the old one from where it was found, and look through its request logs for use you do not recognise.',
  },
};

function reporterText(report: LeakReportView): string {
  return report.source === 'admin' ? `${report.reporter} reported it` : `${report.reporter} found it (${report.source})`;
}

/** The e-mail to a token's owner and author about a leak report, in plain text and HTML. */
export function leakMessage(token: LeakMessageToken, report: LeakReportView, tokenUrl: string | null): LeakMessage {
  const done = DONE[report.action];
  const subject = `API token "${token.name}" ${done.subject}`;
  const where = report.url ? `at ${report.url}` : 'in a place the report does not name';
  const found = `The secret of the API token "${token.name}" (id ${token.id}) was found ${where}. ${reporterText(report)} on ${formatExpiry(report.reportedAt)}.`;
  const footer = 'You get this e-mail because you created this token or own it.';
  const link = tokenUrl && report.action !== 'deleted' ? tokenUrl : null;
  const text = [
    'Hello,',
    '',
    found,
    '',
    done.headline,
    '',
    done.advice,
    '',
    ...(link ? [`Open the token in the admin panel: ${link}`, ''] : []),
    footer,
    '',
  ].join('\n');
  const whereHtml = report.url ? `at <a href="${escapeHtml(report.url)}">${escapeHtml(report.url)}</a>` : 'in a place the report does not name';
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    '<p>Hello,</p>',
    `<p>The secret of the API token &ldquo;${escapeHtml(token.name)}&rdquo; (id ${escapeHtml(token.id)}) was found ${whereHtml}. ${escapeHtml(reporterText(report))} on ${escapeHtml(formatExpiry(report.reportedAt))}.</p>`,
    `<p><strong>${escapeHtml(done.headline)}</strong></p>`,
    `<p>${escapeHtml(done.advice)}</p>`,
    ...(link ? [`<p><a href="${escapeHtml(link)}">Open &ldquo;${escapeHtml(token.name)}&rdquo; in the admin panel</a></p>`] : []),
    `<p style="color: #666; font-size: 0.9em">${escapeHtml(footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}
