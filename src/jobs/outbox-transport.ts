import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Transport } from 'nodemailer';
import type MailMessage from 'nodemailer/lib/mailer/mail-message.js';

export interface OutboxSentInfo {
  envelope: { from: string | false; to: string[] };
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The .eml file written. */
  path: string;
}

let sequence = 0;

/**
 * A nodemailer transport for development: each message becomes an RFC 5322 `.eml` file in a
 * folder (open it with any mail client) instead of going to an SMTP server. The file appears
 * whole or not at all (written under a temporary name, then renamed), so a reader never sees
 * half a message.
 */
export function outboxTransport(dir: string, onWrite?: (file: string) => void): Transport<OutboxSentInfo> {
  return {
    name: 'adminjs-api-access-outbox',
    version: '1',
    send(mail: MailMessage<OutboxSentInfo>, done: (error: Error | null, info: OutboxSentInfo) => void): void {
      const envelope = mail.message.getEnvelope();
      const messageId = mail.message.messageId();
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const base = `${stamp}-${process.pid}-${++sequence}`;
      const file = path.join(dir, `${base}.eml`);
      const partial = path.join(dir, `.${base}.eml.partial`);
      (async () => {
        mkdirSync(dir, { recursive: true });
        try {
          await pipeline(mail.message.createReadStream(), createWriteStream(partial, { mode: 0o600 }));
          renameSync(partial, file);
        } catch (error) {
          rmSync(partial, { force: true });
          throw error;
        }
      })().then(
        () => {
          onWrite?.(file);
          done(null, { envelope, messageId, accepted: [...envelope.to], rejected: [], path: file });
        },
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error)), undefined as never),
      );
    },
  };
}
