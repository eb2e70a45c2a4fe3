import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A MIME leaf part, its body decoded. */
export interface MailPart {
  contentType: string;
  body: string;
}

/** What a test SMTP server received: the SMTP envelope, the raw message and its decoded parts. */
export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  /** The user the client signed in as, if it did. */
  authUser: string | null;
  raw: string;
  headers: Map<string, string>;
  subject: string;
  messageId: string;
  parts: MailPart[];
  /** The text/plain part. */
  text: string;
  /** The text/html part. */
  html: string;
}

/** Where and how the server refuses mail, to stand for a broken or unwilling SMTP server. */
export interface Refusal {
  stage: 'mail' | 'data';
  code: number;
  message: string;
}

function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? /^[0-9A-Fa-f]{2}$/.exec(joined.slice(i + 1, i + 3))?.[0] : undefined;
    if (hex) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at === -1 ? raw : raw.slice(0, at);
  const body = at === -1 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function leafParts(raw: string): MailPart[] {
  const { headers, body } = splitEntity(raw);
  const contentType = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (/^multipart\//i.test(contentType) && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((chunk) => !chunk.startsWith('--'))
      .flatMap((chunk) => leafParts(chunk.replace(/^\r?\n/, '')));
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const decoded = encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body;
  return [{ contentType: contentType.split(';')[0]!.trim().toLowerCase(), body: decoded }];
}

export function parseMail(raw: string, envelopeFrom = '', envelopeTo: string[] = [], authUser: string | null = null): ReceivedMail {
  const { headers } = splitEntity(raw);
  const parts = leafParts(raw);
  return {
    envelopeFrom,
    envelopeTo,
    authUser,
    raw,
    headers,
    subject: decodeWords(headers.get('subject') ?? ''),
    messageId: headers.get('message-id') ?? '',
    parts,
    text: parts.find((p) => p.contentType === 'text/plain')?.body ?? '',
    html: parts.find((p) => p.contentType === 'text/html')?.body ?? '',
  };
}

/**
 * A real SMTP server on loopback that keeps what it receives. It can refuse mail (4xx or 5xx,
 * at MAIL FROM or after DATA) and be stopped and started again on the same port, so tests can
 * play an SMTP outage.
 */
export class TestSmtpServer {
  readonly messages: ReceivedMail[] = [];
  refusal: Refusal | null = null;
  private server: SMTPServer;
  private port = 0;

  private constructor() {
    this.server = this.create();
  }

  static async start(): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer();
    await smtp.listen(0);
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Messages whose admin link points at this token. */
  for(tokenId: string): ReceivedMail[] {
    return this.messages.filter((m) => m.text.includes(`/records/${tokenId}/show`));
  }

  private create(): SMTPServer {
    const options: SMTPServerOptions = {
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // Any user and password will do, over plain text: it is loopback.
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      logger: false,
      // No reverse DNS of 127.0.0.1 on every connection: there is no resolver to ask here.
      disableReverseLookup: true,
      onMailFrom: (_address, _session, callback) => {
        const refusal = this.refusal;
        if (refusal?.stage === 'mail') return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const refusal = this.refusal;
          if (refusal?.stage === 'data') return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const user = typeof session.user === 'string' ? session.user : null;
          this.messages.push(
            parseMail(
              Buffer.concat(chunks).toString('utf8'),
              from,
              session.envelope.rcptTo.map((r) => r.address),
              user,
            ),
          );
          callback();
        });
      },
    };
    return new SMTPServer(options);
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops listening: connections are refused until `restart()`. */
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again, on the same port. */
  async restart(): Promise<void> {
    this.server = this.create();
    await this.listen(this.port);
  }
}
