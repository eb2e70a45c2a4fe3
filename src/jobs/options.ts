import { z } from 'zod';
import type { MailTransportOption } from './mailer.js';
import type { NoticeRecipients } from './expiry-notifier.js';

export const DEFAULT_CLAIM_LEASE_MS = 600_000;
export const DEFAULT_JOBS_INTERVAL_MS = 900_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The host's settings for expiry e-mails (the `notifications` option). */
export const notificationsSchema = z
  .object({
    /** An SMTP URL, nodemailer transport options, a nodemailer transport object or Transporter. */
    transport: z.custom<MailTransportOption>(
      (v) => (typeof v === 'string' && /^smtps?:\/\/[^\s]+$/i.test(v)) || isObject(v),
      'must be an smtp:// or smtps:// URL, nodemailer transport options, or a nodemailer transport',
    ),
    /** The From address, e.g. `API Access <no-reply@example.com>`: a display name and an address, or a bare address (nodemailer parses it). */
    from: z
      .string({ error: 'is required' })
      .max(320)
      .regex(/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, 'must be an e-mail address, e.g. "API Access <no-reply@example.com>"'),
    /** The admin panel's base URL, e.g. `https://example.com/admin`: e-mails link to the token's page under it. */
    adminUrl: z
      .string({ error: 'is required' })
      .max(2000)
      .regex(/^https?:\/\/[^\s]+$/, "must be the admin panel's absolute http(s) URL, e.g. https://example.com/admin")
      .transform((v) => v.replace(/\/+$/, '')),
    /**
     * Who gets a token's notices (default: its author, and its owner when different, at the addresses
     * `users.findById` gives now; the ones stored with the token for a user it no longer finds).
     */
    recipients: z.custom<NoticeRecipients>((v) => typeof v === 'function', 'must be a function (token) => e-mail addresses').optional(),
    /** How long a claimed notice waits before another run may retry it (10 minutes by default). */
    claimLeaseMs: z
      .number()
      .int()
      .min(60_000, 'must be at least 60000 (a minute): longer than a send can take')
      .max(86_400_000)
      .default(DEFAULT_CLAIM_LEASE_MS),
  })
  .strict();

/** The host's settings for expiry e-mails (see notificationsSchema for each). */
export type NotificationsOptions = z.input<typeof notificationsSchema>;
export type ResolvedNotifications = z.output<typeof notificationsSchema>;

export const startJobsSchema = z
  .object({
    /** Time between the end of one run and the start of the next (15 minutes by default). */
    intervalMs: z.number().int().min(10).max(86_400_000).default(DEFAULT_JOBS_INTERVAL_MS),
  })
  .strict();

export type StartJobsOptions = z.input<typeof startJobsSchema>;
