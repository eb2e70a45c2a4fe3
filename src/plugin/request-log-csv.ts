import type { CurrentAdmin } from 'adminjs';
import { flat } from 'adminjs';
import type { Request, RequestHandler, Response } from 'express';
import { isApiAccessError } from '../core/errors.js';
import type { RequestLogView } from '../core/types.js';
import { csvRecord } from '../http/csv.js';
import { resolveActor, type PluginContext } from './context.js';
import { requestLogFilterOf } from './request-log-filters.js';

/** Where the admin routes serve the request-log CSV, inside the admin router (the screen links to it). */
export const REQUEST_LOG_CSV_PATH = '/api-access/request-logs.csv';

/** The export's columns: heading and value, in order. */
const COLUMNS: ReadonlyArray<[string, (log: RequestLogView) => string | number]> = [
  ['Time (UTC)', (log) => log.createdAt.toISOString()],
  ['Token', (log) => log.tokenName],
  ['Token id', (log) => log.tokenId],
  ['Method', (log) => log.method],
  ['Path', (log) => log.path],
  ['Status', (log) => log.status],
  ['Duration (ms)', (log) => log.durationMs],
  ['IP', (log) => log.ip],
  ['User agent', (log) => log.userAgent],
  // Last, so that the columns before keep their places; the 64-bit id in full.
  ['Request id', (log) => log.id.toString()],
];

export interface AdminRoutesOptions {
  /** The signed-in admin of a request (default: `req.session.adminUser`, where @adminjs/express keeps it). */
  currentAdmin?: (req: Request) => CurrentAdmin | undefined;
  /** Rows read per statement (default 1,000). */
  exportPageSize?: number;
}

function sessionAdmin(req: Request): CurrentAdmin | undefined {
  return (req as Request & { session?: { adminUser?: CurrentAdmin } }).session?.adminUser;
}

/** Resolves when the response can take more, or has closed (then false). */
function writable(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (!res.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain).once('close', onClose);
  });
}

/**
 * The plugin's routes that answer with something other than AdminJS's JSON: today the request-log
 * CSV export (GET REQUEST_LOG_CSV_PATH with the list's `filters.*` query). Mount it inside the
 * admin router, after the session middleware, so that it sees the signed-in admin; it answers
 * every other request with next(). The same access rules as the list: a user without the
 * token-admin grant exports only their own tokens' rows.
 */
export function adminRoutes(ctx: PluginContext, options: AdminRoutesOptions = {}): RequestHandler {
  const currentAdmin = options.currentAdmin ?? sessionAdmin;
  const { service, clock, logger } = ctx.apiAccess;
  return (req, res, next) => {
    if (req.path !== REQUEST_LOG_CSV_PATH) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      res.status(405).json({ error: 'method_not_allowed', message: 'Request logs are exported with GET.' });
      return;
    }
    void exportCsv(req, res).catch(next);
  };

  async function exportCsv(req: Request, res: Response): Promise<void> {
    const admin = currentAdmin(req);
    if (!admin) {
      res.status(401).json({ error: 'unauthorized', message: 'Sign in to the admin panel to export request logs.' });
      return;
    }
    let pages: AsyncIterable<RequestLogView[]>;
    try {
      const actor = await resolveActor(ctx.options, ctx.apiAccess.users, ctx.apiAccess.ready, admin);
      const query = flat.unflatten(req.query ?? {}) as Record<string, unknown>;
      pages = await service.requestLogPages(actor, requestLogFilterOf(query.filters, clock()), options.exportPageSize);
    } catch (error) {
      if (!isApiAccessError(error)) throw error;
      res.status(error.httpStatus).json({ error: error.code, message: error.message, fields: error.fields });
      return;
    }
    const stamp = clock().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="request-logs-${stamp}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.write(csvRecord(COLUMNS.map(([heading]) => heading)));
    try {
      for await (const page of pages) {
        if (!(await writable(res))) return; // the browser went away: read no further
        res.write(page.map((log) => csvRecord(COLUMNS.map(([, value]) => value(log)))).join(''));
      }
      res.end();
    } catch (error) {
      // Headers are sent: cut the response short, so the file cannot pass for a complete one.
      logger.error('[api-access] request-log export failed', error instanceof Error ? error.message : error);
      res.destroy();
    }
  }
}
