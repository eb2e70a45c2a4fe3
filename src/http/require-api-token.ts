import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isApiAccessError } from '../core/errors.js';
import type { TokenVerifier, VerifiedToken, VerifyFailure } from '../core/verifier.js';
import type { UsageTracker } from '../core/usage-tracker.js';
import type { Clock } from '../core/types.js';
import type { RequestLogWriter } from './request-log-writer.js';

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
}

const FAILURE_TEXT: Record<Exclude<VerifyFailure, 'ip_not_allowed'>, string> = {
  malformed: 'The access token is malformed.',
  unknown: 'The access token is not valid.',
  disabled: 'The access token is disabled.',
  expired: 'The access token has expired.',
};

const BEARER = /^Bearer +([^\s]+) *$/i;

function challenge(realm: string, params: Record<string, string> = {}): string {
  const parts = [`realm="${realm}"`, ...Object.entries(params).map(([k, v]) => `${k}="${v}"`)];
  return `Bearer ${parts.join(', ')}`;
}

/**
 * Express middleware: RFC 6750 bearer tokens, checked against the token store. 401 for a
 * missing or bad token, 403 for a missing scope or an address outside the token's allow-list,
 * 503 when the store cannot be reached (fail closed).
 */
export function createRequireApiToken(deps: MiddlewareDeps) {
  return function requireApiToken(options: RequireApiTokenOptions = {}): RequestHandler {
    const required = [...new Set(options.scopes ?? [])];
    return (req: Request, res: Response, next: NextFunction): void => {
      const started = performance.now();
      const header = req.headers.authorization;
      if (header === undefined || header === '') {
        res.set('WWW-Authenticate', challenge(deps.realm)).status(401).json({ error: 'invalid_request', message: 'Send the access token as "Authorization: Bearer <token>".' });
        return;
      }
      const match = header.length <= 512 ? BEARER.exec(header) : null;
      if (!match) {
        res
          .set('WWW-Authenticate', challenge(deps.realm, { error: 'invalid_request', error_description: 'Use the Bearer scheme' }))
          .status(401)
          .json({ error: 'invalid_request', message: 'Send the access token as "Authorization: Bearer <token>".' });
        return;
      }
      deps.verifier.verify(match[1]!, req.ip).then(
        (result) => {
          if (!result.ok) {
            if (result.reason === 'ip_not_allowed') {
              res.status(403).json({ error: 'ip_not_allowed', message: 'This token may not be used from your IP address.' });
              return;
            }
            const text = FAILURE_TEXT[result.reason];
            res.set('WWW-Authenticate', challenge(deps.realm, { error: 'invalid_token', error_description: text })).status(401).json({ error: 'invalid_token', message: text });
            return;
          }
          const token = result.token;
          const now = deps.clock();
          deps.usage.record(token.id, now, req.ip);
          if (deps.requestLog) {
            const log = deps.requestLog;
            res.once('finish', () => {
              log.write({
                tokenId: token.id,
                tokenName: token.name,
                method: req.method,
                path: (req.originalUrl.split('?', 1)[0] ?? '').slice(0, 2048),
                status: res.statusCode,
                ip: req.ip ?? '',
                userAgent: (req.headers['user-agent'] ?? '').slice(0, 512),
                durationMs: Math.round(performance.now() - started),
                createdAt: now,
              });
            });
          }
          const missing = required.filter((scope) => !token.scopes.includes(scope));
          if (missing.length > 0) {
            res
              .set('WWW-Authenticate', challenge(deps.realm, { error: 'insufficient_scope', scope: required.join(' ') }))
              .status(403)
              .json({ error: 'insufficient_scope', message: `This token lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` });
            return;
          }
          req.apiToken = token;
          next();
        },
        (error: unknown) => {
          if (isApiAccessError(error) && error.code === 'DATABASE_UNAVAILABLE') {
            res.set('Retry-After', '5').status(503).json({ error: 'temporarily_unavailable', message: 'Token verification is unavailable. Try again shortly.' });
          } else {
            deps.onError(error);
            res.status(503).json({ error: 'temporarily_unavailable', message: 'Token verification failed. Try again shortly.' });
          }
        },
      );
    };
  };
}
