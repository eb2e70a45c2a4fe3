import { DAY_MS, type NoticeKind } from './expiry-schedule.js';

/**
 * What an expiry e-mail may say about a token. Deliberately not a TokenView or a row: the
 * message is built from these fields only, so neither the secret (which has no column) nor its
 * hash can ever reach an e-mail.
 */
export interface NoticeToken {
  id: string;
  name: string;
  expiresAt: Date;
}

export interface ExpiryMessage {
  subject: string;
  text: string;
  html: string;
}

/** "2026-12-24 10:00 UTC": unambiguous for readers in every time zone. */
export function formatExpiry(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * How far off the expiry is, from the real remaining time rather than the notice kind: a notice
 * that went out late (SMTP was down for a day) still tells the truth.
 */
export function timeLeft(expiresAt: Date, now: Date): string {
  const days = Math.round((expiresAt.getTime() - now.getTime()) / DAY_MS);
  if (days <= 0) return 'in less than a day';
  return days === 1 ? 'in 1 day' : `in ${days} days`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The e-mail for one notice, in plain text and HTML. The token's name is user input: escaped in HTML. */
export function expiryMessage(token: NoticeToken, kind: NoticeKind, now: Date, tokenUrl: string): ExpiryMessage {
  const expiry = formatExpiry(token.expiresAt);
  const expired = kind === 'expired';
  const subject = expired ? `API token "${token.name}" has expired` : `API token "${token.name}" expires ${timeLeft(token.expiresAt, now)}`;
  const headline = expired
    ? `The API token "${token.name}" expired on ${expiry}. Requests that use it are now refused.`
    : `The API token "${token.name}" expires ${timeLeft(token.expiresAt, now)}, on ${expiry}. From then on, requests that use it will be refused.`;
  const advice = expired
    ? 'To bring it back, regenerate it with a new expiry and give the new secret to the applications that use it.'
    : 'To keep applications that use it working, regenerate it with a new expiry before then and give them the new secret.';
  const footer = 'You get this e-mail because you created this token or own it.';
  const text = ['Hello,', '', headline, '', advice, '', `Open the token in the admin panel: ${tokenUrl}`, '', footer, ''].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    '<p>Hello,</p>',
    `<p>${escapeHtml(headline)}</p>`,
    `<p>${escapeHtml(advice)}</p>`,
    `<p><a href="${escapeHtml(tokenUrl)}">Open &ldquo;${escapeHtml(token.name)}&rdquo; in the admin panel</a></p>`,
    `<p style="color: #666; font-size: 0.9em">${escapeHtml(footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}
