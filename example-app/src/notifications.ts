import path from 'node:path';
import { outboxTransport, type NotificationsOptions } from 'adminjs-api-access';

/** An SMTP URL with its password replaced, fit for a log line. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparseable SMTP_URL';
  }
}

/**
 * The example host's expiry e-mails: through SMTP_URL when it is set, else written as .eml files
 * into data/outbox, so that a developer sees every message without a mail server.
 */
export function notificationsFromEnv(options: {
  dataDir: string;
  adminUrl: string;
  log: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}): NotificationsOptions {
  const env = options.env ?? process.env;
  const from = env.MAIL_FROM ?? 'API Access <api-access@localhost>';
  if (env.SMTP_URL) {
    options.log(`Expiry e-mails go out through ${redactUrl(env.SMTP_URL)}.`);
    return { transport: env.SMTP_URL, from, adminUrl: options.adminUrl };
  }
  const outbox = path.join(options.dataDir, 'outbox');
  options.log(`No SMTP_URL set: expiry e-mails are written to ${outbox} as .eml files.`);
  return {
    transport: outboxTransport(outbox, (file) => options.log(`Expiry e-mail written to ${file}`)),
    from,
    adminUrl: options.adminUrl,
  };
}
