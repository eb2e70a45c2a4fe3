import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isApiAccessError } from '../core/errors.js';
import type { TokenVerifier, VerifiedToken, VerifyFailure, VerifyResult } from '../core/verifier.js';
import type { UsageTracker } from '../core/usage-tracker.js';
import type { Clock } from '../core/types.js';
import type { RequestLogEntry } from '../core/request-logs/columns.js';
import type { RequestLogWriter } from '../request-log/writer.js';
import { installRequestTokenAccessor, requestStateOf, type FinishTask, type RequestState } from './request-state.js';
import { bearerCredential } from './bearer.js';
import { forgetCredential, rememberCredential, rememberedKey } from './connection-credential.js';
import { whenFinished } from './response-finish.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by requireApiToken: the verified token, never its secret. */
    apiToken?: VerifiedToken;
  }
}

export interface RequireApiTokenOptions {
  /** Every one of these scopes is required. */
  scopes?: string[];
}

export interface MiddlewareDeps {
  verifier: TokenVerifier;
  usage: UsageTracker;
  requestLog: RequestLogWriter | null;
  clock: Clock;
  realm: string;
  onError: (error: unknown) => void;
  /** Told that requests are answered 503 because the token store is out of reach, at most once a minute. */
  onOutage: (message: string) => void;
}

/** During an outage every request fails alike: the first is reported, then one line a minute with a count. */
const OUTAGE_REPORT_INTERVAL_MS = 60_000;

/**
 * What the database said, for the host's log: one line, bounded, and with anything shaped like a
 * token hash (64 hex characters) blanked out, whatever the driver put in its message. Prisma's
 * messages open with the calling code's location and a frame of its (minified) source; the
 * driver's own words are on their last line.
 */
function describeCause(cause: unknown): string {
  let text = String(cause);
  if (cause instanceof Error) {
    const lines = cause.message
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    text = `${cause.name}: ${lines[lines.length - 1] ?? ''}`;
  }
  return text
    .replace(/[0-9a-f]{64}/gi, '[hash]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/** What the middleware read from a request, once each, for the steps after verification. */
interface Seen {
  headers: IncomingHttpHeaders;
  socket: Request['socket'];
  ip: string | undefined;
  /** The clock's time of the request: verification, last use and the log row share it. */
  now: Date;
  /** performance.now() when the middleware started, for the log row's duration. */
  started: number;
  /** The Authorization header, and the key of its token (TokenVerifier.keyOf). */
  header: string;
  key: string;
  /** Whether the key was computed for this request rather than remembered by the connection. */
  fresh: boolean;
}

const FAILURE_TEXT: Record<Exclude<VerifyFailure, 'ip_not_allowed'>, string> = {
  malformed: 'The access token is malformed.',
  unknown: 'The access token is not valid.',
  disabled: 'The access token is disabled.',
  expired: 'The access token has expired.',
};

function challenge(realm: string, params: Record<string, string> = {}): string {
  const parts = [`realm="${realm}"`, ...Object.entries(params).map(([k, v]) => `${k}="${v}"`)];
  return `Bearer ${parts.join(', ')}`;
}

/**
 * The status logged for a request whose connection closed before its response finished: the
 * client went away, or the host closed the connection at shutdown. nginx's code for it; no
 * response was sent with it.
 */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * The request-log row of a request made with a valid token, written when its response finishes
 * (status and duration are known then). The row itself: one object a request.
 */
class RequestLogTask implements FinishTask, RequestLogEntry {
  next: FinishTask | null = null;
  readonly tokenId: string;
  readonly tokenName: string;
  readonly path: string;
  readonly ip: string;
  readonly userAgent: string;
  status = 0;
  durationMs = 0;

  constructor(
    private readonly log: RequestLogWriter,
    private readonly onError: (error: unknown) => void,
    token: VerifiedToken,
    readonly method: string,
    url: string,
    userAgent: string | undefined,
    ip: string | undefined,
    readonly createdAt: Date,
    private readonly started: number,
  ) {
    this.tokenId = token.id;
    this.tokenName = token.name;
    const query = url.indexOf('?');
    this.path = (query === -1 ? url : url.slice(0, query)).slice(0, 2048);
    this.ip = ip ?? '';
    this.userAgent = userAgent === undefined ? '' : userAgent.slice(0, 512);
  }

  finished(res: ServerResponse | null): void {
    this.status = res === null ? CLIENT_CLOSED_REQUEST : res.statusCode;
    this.durationMs = Math.round(performance.now() - this.started);
    this.log.write(this);
  }

  failed(error: unknown): void {
    this.onError(error);
  }
}

/**
 * Express middleware: RFC 6750 bearer tokens, checked against the token store. 401 for a
 * missing or bad token, 403 for a missing scope or an address outside the token's allow-list,
 * 503 when the store cannot be reached (fail closed).
 *
 * This runs in front of every API request, so the path of a cached token is kept synchronous
 * and lean: no Promise, no 'finish' listener where Node's server reports the end of the response
 * (see response-finish), nothing added to the request or the response.
 */
export function createRequireApiToken(deps: MiddlewareDeps) {
  const log = deps.requestLog;
  installRequestTokenAccessor();

  // Refusals are built once: a tenth of the requests of a busy API may be refused.
  const bareChallenge = challenge(deps.realm);
  const badRequestChallenge = challenge(deps.realm, { error: 'invalid_request', error_description: 'Use the Bearer scheme' });
  const invalidRequest = { error: 'invalid_request', message: 'Send the access token as "Authorization: Bearer <token>".' };
  const invalidToken = Object.fromEntries(
    Object.entries(FAILURE_TEXT).map(([reason, text]) => [
      reason,
      { challenge: challenge(deps.realm, { error: 'invalid_token', error_description: text }), body: { error: 'invalid_token', message: text } },
    ]),
  ) as Record<keyof typeof FAILURE_TEXT, { challenge: string; body: { error: string; message: string } }>;

  function refuse(res: Response, reason: VerifyFailure): void {
    if (reason === 'ip_not_allowed') {
      res.status(403).json({ error: 'ip_not_allowed', message: 'This token may not be used from your IP address.' });
      return;
    }
    const refusal = invalidToken[reason];
    res.set('WWW-Authenticate', refusal.challenge).status(401).json(refusal.body);
  }

  let lastOutageReport = -Infinity;
  let unreported = 0;

  function reportOutage(error: Error): void {
    // performance.now: monotonic, and apart from the clock a host or a test may freeze.
    const at = performance.now();
    if (at - lastOutageReport < OUTAGE_REPORT_INTERVAL_MS) {
      unreported++;
      return;
    }
    const more = unreported > 0 ? ` (${unreported} more since the last report)` : '';
    deps.onOutage(`[api-access] the token store cannot be reached: API requests are answered 503${more}. Cause: ${describeCause(error.cause)}`);
    lastOutageReport = at;
    unreported = 0;
  }

  function unavailable(res: Response, error: unknown): void {
    if (isApiAccessError(error) && error.code === 'DATABASE_UNAVAILABLE') {
      reportOutage(error);
      res.set('Retry-After', '5').status(503).json({ error: 'temporarily_unavailable', message: 'Token verification is unavailable. Try again shortly.' });
    } else {
      deps.onError(error);
      res.status(503).json({ error: 'temporarily_unavailable', message: 'Token verification failed. Try again shortly.' });
    }
  }

  /**
   * Writes the request-log row of a request made with this token once its response has finished.
   * The request's fields are read now, each once: see requestStateOf on why reads on req cost.
   */
  function logOnFinish(log: RequestLogWriter, token: VerifiedToken, req: Request, res: Response, state: RequestState | undefined, seen: Seen): void {
    const task = new RequestLogTask(log, deps.onError, token, req.method, req.originalUrl, seen.headers['user-agent'], seen.ip, seen.now, seen.started);
    whenFinished(seen.socket, res, state, task);
  }

  /** Everything after verification: usage, the request-log row, scopes, then the route. */
  function admit(required: readonly string[], req: Request, res: Response, next: NextFunction, result: VerifyResult, seen: Seen): void {
    if (!result.ok) {
      forgetCredential(seen.socket);
      // A valid token used from outside its allow-list is a request made with it: its 403 is
      // logged, as a missing scope's is. A token that is not valid (401) has no log of its own.
      if (log && result.token) logOnFinish(log, result.token, req, res, requestStateOf(res), seen);
      refuse(res, result.reason);
      return;
    }
    if (seen.fresh) rememberCredential(seen.socket, seen.header, seen.key, deps.verifier);
    const token = result.token;
    const state = requestStateOf(res);
    deps.usage.record(token.id, seen.now, seen.ip);
    if (log) logOnFinish(log, token, req, res, state, seen);
    for (const scope of required) {
      if (!token.scopes.includes(scope)) {
        const missing = required.filter((s) => !token.scopes.includes(s));
        res
          .set('WWW-Authenticate', challenge(deps.realm, { error: 'insufficient_scope', scope: required.join(' ') }))
          .status(403)
          .json({ error: 'insufficient_scope', message: `This token lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` });
        return;
      }
    }
    // What req.apiToken reads (see installRequestTokenAccessor), set without the accessor's lookups.
    if (state) state.apiToken = token;
    else req.apiToken = token;
    next();
  }

  return function requireApiToken(options: RequireApiTokenOptions = {}): RequestHandler {
    const required = [...new Set(options.scopes ?? [])];
    return (req: Request, res: Response, next: NextFunction): void => {
      const started = performance.now();
      const headers = req.headers;
      const header = headers.authorization;
      const socket = req.socket;
      if (header === undefined || header === '') {
        forgetCredential(socket);
        res.set('WWW-Authenticate', bareChallenge).status(401).json(invalidRequest);
        return;
      }
      // The same header as the connection's last admitted request: its key is known (see
      // connection-credential). Otherwise the header is parsed and the key computed.
      let key = rememberedKey(socket, header, deps.verifier);
      const fresh = key === undefined;
      if (key === undefined) {
        const secret = bearerCredential(header);
        if (secret === null) {
          forgetCredential(socket);
          res.set('WWW-Authenticate', badRequestChallenge).status(401).json(invalidRequest);
          return;
        }
        const computed = deps.verifier.keyOf(secret);
        if (computed === null) {
          forgetCredential(socket);
          refuse(res, 'malformed');
          return;
        }
        key = computed;
      }
      // The client is Express's req.ip, which runs proxy-addr over X-Forwarded-For on every read.
      // Without that header its answer is the connection's address whatever `trust proxy` says,
      // read here directly: no parse, and no lookup of req.app (see requestStateOf on why reads
      // on req cost).
      const ip = headers['x-forwarded-for'] === undefined ? socket.remoteAddress : req.ip;
      const now = deps.clock(); // verification, last use and the log row share one reading
      const seen: Seen = { headers, socket, ip, now, started, header, key, fresh };
      let result: VerifyResult | Promise<VerifyResult>;
      try {
        result = deps.verifier.checkKey(key, ip, now);
      } catch (error) {
        unavailable(res, error);
        return;
      }
      if (result instanceof Promise) {
        result.then(
          (loaded) => admit(required, req, res, next, loaded, seen),
          (error: unknown) => unavailable(res, error),
        );
      } else {
        admit(required, req, res, next, result, seen);
      }
    };
  };
}
