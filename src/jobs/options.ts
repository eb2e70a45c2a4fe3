import { z } from 'zod';
import type { MailTransportOption } from './mailer.js';
import type { NoticeRecipients } from './expiry-notifier.js';

/** The host's settings for expiry e-mails (the `notifications` option). */
export interface NotificationsOptions {
  /** An SMTP URL, nodemailer transport options, a nodemailer transport object or Transporter. */
  transport: MailTransportOption;
  /** The From address, e.g. `API Access <no-reply@example.com>`. */
  from: string;
  /** The admin panel's base URL, e.g. `https://example.com/admin`: e-mails link to the token's page under it. */
  adminUrl: string;
  /**
   * Who gets a token's notices (default: its author, and its owner when different, at the addresses
   * `users.findById` gives now; the ones stored with the token for a user it no longer finds).
   */
  recipients?: NoticeRecipients;
  /** How long a claimed notice waits before another run may retry it (default 10 minutes). */
  claimLeaseMs?: number;
}

export const DEFAULT_CLAIM_LEASE_MS = 600_000;
export const DEFAULT_JOBS_INTERVAL_MS = 900_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const notificationsSchema = z
  .object({
    transport: z.custom<MailTransportOption>(
      (v) => (typeof v === 'string' && /^smtps?:\/\/[^\s]+$/i.test(v)) || isObject(v),
      'must be an smtp:// or smtps:// URL, nodemailer transport options, or a nodemailer transport',
    ),
    // A display name and an address, or a bare address; nodemailer parses it.
    from: z
      .string({ error: 'is required' })
      .max(320)
      .regex(/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, 'must be an e-mail address, e.g. "API Access <no-reply@example.com>"'),
    adminUrl: z
      .string({ error: 'is required' })
      .max(2000)
      .regex(/^https?:\/\/[^\s]+$/, 'must be the admin panel\'s absolute http(s) URL, e.g. https://example.com/admin')
      .transform((v) => v.replace(/\/+$/, '')),
    recipients: z.custom<NoticeRecipients>((v) => typeof v === 'function', 'must be a function (token) => e-mail addresses').optional(),
    claimLeaseMs: z.number().int().min(60_000, 'must be at least 60000 (a minute): longer than a send can take').max(86_400_000).default(DEFAULT_CLAIM_LEASE_MS),
  })
  .strict();

export type ResolvedNotifications = z.output<typeof notificationsSchema>;

export interface StartJobsOptions {
  /** Time between the end of one run and the start of the next (default 15 minutes). */
  intervalMs?: number;
}

export const startJobsSchema = z
  .object({
    intervalMs: z.number().int().min(10).max(86_400_000).default(DEFAULT_JOBS_INTERVAL_MS),
  })
  .strict();
