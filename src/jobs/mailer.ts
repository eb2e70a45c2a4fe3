import nodemailer, { type Transport, type Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';

/**
 * Where the expiry e-mails go, as the host configures it:
 * - an SMTP URL (`smtp://user:pass@mail.example.com:587`, `smtps://…`),
 * - nodemailer transport options (`{ host, port, secure, auth, … }`, or `{ streamTransport: true }`),
 * - a nodemailer transport object (`{ name, version, send(mail, done) }`, e.g. `outboxTransport`),
 * - or a ready nodemailer Transporter.
 */
export type MailTransportOption = string | Transporter | Transport<unknown> | Record<string, unknown>;

export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Stable per notice, so that a mail client or server that dedupes on Message-ID folds a resend. */
  messageId: string;
}

export interface MailResult {
  accepted: string[];
  rejected: string[];
}

export interface Mailer {
  /** Resolves when the server took the message; rejects on any SMTP or connection failure. */
  send(mail: OutgoingMail): Promise<MailResult>;
  close(): void;
}

/**
 * Bounds on every SMTP step, well under the notice claim lease (10 minutes by default):
 * nodemailer's own socket timeout is 10 minutes, and a send still running when its lease ends
 * could be retried by another host while it is in flight, sending twice.
 */
export const SMTP_TIMEOUTS = Object.freeze({ connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });

function isTransporter(value: unknown): value is Transporter {
  return typeof (value as Transporter | undefined)?.sendMail === 'function';
}

function address(value: unknown): string {
  if (typeof value === 'string') return value;
  return String((value as { address?: unknown } | null)?.address ?? value);
}

/** A Mailer over nodemailer. A transporter the host built is used as it is, and closed by the host. */
export function createMailer(transport: MailTransportOption): Mailer {
  let transporter: Transporter;
  let owned = true;
  if (isTransporter(transport)) {
    transporter = transport;
    owned = false;
  } else if (typeof transport === 'string') {
    // nodemailer drops other options given beside a `url`, so the URL is parsed here; its query
    // (`?pool=true&socketTimeout=30000`) still overrides the defaults.
    transporter = nodemailer.createTransport({ ...SMTP_TIMEOUTS, ...parseConnectionUrl(transport) } as never);
  } else if (typeof (transport as Transport).send === 'function') {
    // A transport object: its methods live on its prototype, so it must not be copied.
    transporter = nodemailer.createTransport(transport as never);
  } else {
    transporter = nodemailer.createTransport({ ...SMTP_TIMEOUTS, ...(transport as Record<string, unknown>) } as never);
  }
  return {
    async send(mail) {
      const info = (await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      })) as { accepted?: unknown[]; rejected?: unknown[]; envelope?: { to?: unknown[] } };
      // Transports that do not report acceptance (stream, JSON, custom) took every recipient.
      const accepted = (info.accepted ?? info.envelope?.to ?? mail.to).map(address);
      const rejected = (info.rejected ?? []).map(address);
      return { accepted, rejected };
    },
    close() {
      if (owned) transporter.close();
    },
  };
}
