import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../core/types.js';
import { GITHUB_SECRET_SCANNING_ACTOR } from '../core/tokens/report-leak.js';
import { signatureValid, type PublicKeyStore } from './github-keys.js';
import type { LeakReports } from './leak-reports.js';

/** GitHub's headers (Node gives them in lower case). */
const KEY_ID_HEADER = 'github-public-key-identifier';
const SIGNATURE_HEADER = 'github-public-key-signature';
/** A base64 DER ECDSA P-256 signature is about 96 characters; this leaves room and no more. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{8,400}={0,2}$/;
const KEY_ID_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** Matches sent in one report; GitHub sends a handful at a time. */
const MAX_MATCHES = 1_000;

/** One match in GitHub's report; fields GitHub may add later are ignored. */
const reportSchema = z
  .array(
    z.object({
      token: z.string().min(1).max(4_096),
      type: z.string().max(200),
      url: z.string().max(4_096),
      source: z.string().max(200).optional(),
    }),
  )
  .min(1)
  .max(MAX_MATCHES);

/** GitHub's feedback on each match: ours (true_positive) or not (false_positive); nothing else about it. */
export interface LeakFeedback {
  token_raw: string;
  token_type: string;
  label: 'true_positive' | 'false_positive';
}

export interface LeakReportHandlerDeps {
  reports: LeakReports;
  keys: PublicKeyStore;
  maxBodyBytes: number;
  logger: Logger;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

/** The body exactly as it was sent (the signature covers these bytes), at most `limit` of them. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Read no more of it: the answer closes the connection.
        req.pause();
        reject(new Refusal(413, `The report is larger than ${limit} bytes.`, { connection: 'close' }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('the client closed the connection'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** A body parser ran first: the bytes the signature covers are gone. */
function bodyAlreadyRead(req: Request): boolean {
  return req.readableEnded || (req as Request & { _body?: unknown })._body === true;
}

function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res
    .status(status)
    .set({ 'cache-control': 'no-store', ...headers })
    .json(body);
}

/**
 * The endpoint of GitHub's secret scanning partner program. GitHub POSTs a JSON array of
 * `{ token, type, url, source }` signed with ECDSA P-256 over SHA-256 (base64 DER signature in
 * GITHUB-PUBLIC-KEY-SIGNATURE, key named by GITHUB-PUBLIC-KEY-IDENTIFIER). The handler reads the
 * raw body itself (mount it before any JSON body parser), refuses anything unsigned, badly signed,
 * oversized or malformed before any database query, acts on each of our valid tokens through the
 * leak-report path, and answers with GitHub's feedback array.
 *
 * Refusals: 401 unsigned or badly signed, 413 too large, 415 not JSON, 400 not a report,
 * 503 the keys cannot be fetched (or the database is down): GitHub sends the report again later.
 */
export function createLeakReportHandler(deps: LeakReportHandlerDeps): RequestHandler {
  const { reports, keys, maxBodyBytes, logger } = deps;
  return (req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST') throw new Refusal(405, 'Send secret scanning reports with POST.', { allow: 'POST' });
        if (bodyAlreadyRead(req)) {
          logger.error('[api-access] the leak report handler met a body another middleware had read: mount it before any body parser (express.json()).');
          throw new Refusal(500, 'This endpoint is misconfigured: the report body was read before its signature could be checked.');
        }
        const keyId = header(req, KEY_ID_HEADER);
        const signature = header(req, SIGNATURE_HEADER);
        if (!keyId || !signature)
          throw new Refusal(401, 'The report is not signed: GITHUB-PUBLIC-KEY-IDENTIFIER and GITHUB-PUBLIC-KEY-SIGNATURE are required.');
        if (!KEY_ID_PATTERN.test(keyId) || !SIGNATURE_PATTERN.test(signature)) throw new Refusal(401, 'The signature headers are malformed.');
        const type = String(req.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
          .toLowerCase();
        if (type !== 'application/json') throw new Refusal(415, 'Send the report as application/json.');
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBodyBytes) {
          throw new Refusal(413, `The report is larger than ${maxBodyBytes} bytes.`, { connection: 'close' });
        }
        const body = await readBody(req, maxBodyBytes);
        const key = await keys.lookup(keyId);
        if (key.kind === 'unavailable') {
          throw new Refusal(503, 'The signing keys cannot be fetched now; send the report again later.', { 'retry-after': '60' });
        }
        if (key.kind === 'unknown') throw new Refusal(401, 'The report is signed with an unknown key.');
        if (!signatureValid(body, Buffer.from(signature, 'base64'), key.key)) throw new Refusal(401, 'The signature does not match the report.');
        let json: unknown;
        try {
          json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
        } catch {
          throw new Refusal(400, 'The report is not valid JSON.');
        }
        const parsed = reportSchema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const at = issue && issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
          throw new Refusal(400, `The report must be an array of 1 to ${MAX_MATCHES} objects with string token, type and url${at}.`);
        }
        const feedback: LeakFeedback[] = [];
        const labels = new Map<string, LeakFeedback['label']>();
        let ours = 0;
        for (const match of parsed.data) {
          let label = labels.get(match.token);
          if (!label) {
            const outcome = await reports.reportSecret(match.token, {
              url: match.url,
              source: match.source ?? 'unknown',
              reporter: GITHUB_SECRET_SCANNING_ACTOR,
            });
            label = outcome.kind === 'not-ours' ? 'false_positive' : 'true_positive';
            labels.set(match.token, label);
            if (label === 'true_positive') ours++;
          }
          feedback.push({ token_raw: match.token, token_type: match.type, label });
        }
        logger.info(`[api-access] secret scanning report: ${labels.size} secret(s), ${ours} of them ours`);
        send(res, 200, feedback);
      } catch (error) {
        if (error instanceof Refusal) {
          send(res, error.status, { error: error.message }, error.headers);
          return;
        }
        // Named by its kind only: a driver's message may quote the statement's values.
        const kind = (error as { code?: unknown } | null)?.code ?? (error instanceof Error ? error.name : typeof error);
        logger.error(`[api-access] could not handle a secret scanning report (${String(kind)}); GitHub will send it again`);
        if (!res.headersSent) send(res, 503, { error: 'The report could not be handled now; send it again later.' }, { 'retry-after': '60' });
      }
    })();
  };
}
