import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { optionsError } from '../core/policy.js';

/** Methods that may change something: the ones the guard checks. AdminJS changes things with POST only. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const REFUSED_MESSAGE =
  'Refused: this request did not come from the admin panel itself (the browser sent another site or origin, or no origin at all). Nothing was changed. Use the admin panel, or reload it and try again.';

const origin = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'an origin is scheme://host[:port] with nothing after it, e.g. https://admin.example.com')
  .transform((value) => value.replace(/\/$/, ''));

const optionsSchema = z
  .object({
    publicOrigin: z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(origin).min(1)).optional(),
    allowNonBrowserClients: z.boolean().default(false),
  })
  .strict();

export interface AdminRequestGuardOptions {
  /**
   * The origin(s) the admin panel is served from as the browser sees it, e.g.
   * `https://admin.example.com`: needed behind a reverse proxy that does not pass the public host and
   * scheme on (or without Express's "trust proxy"). Default: the request's own origin, from its
   * scheme (`req.protocol`) and `Host` header.
   */
  publicOrigin?: string | string[];
  /**
   * Let through state-changing requests that carry neither `Sec-Fetch-Site` nor `Origin`: scripts
   * and other non-browser clients driving the admin with a session cookie (default false: refused).
   * Every current browser sends one of the two on a POST, so a browser's cross-site request is
   * refused either way.
   */
  allowNonBrowserClients?: boolean;
}

/**
 * Express middleware for the admin router: refuses (403) every state-changing request that the
 * browser does not say comes from the panel itself, before anything reads it. Allowed: a request
 * with `Sec-Fetch-Site: same-origin`; without that header, one whose `Origin` is the panel's
 * origin; with neither header, only when `allowNonBrowserClients` is set. So a form or script on
 * another site, a sibling subdomain included (SameSite=Lax sends the admin's cookie along from
 * there), changes nothing. Reads (GET, HEAD) pass: they change nothing.
 */
export function adminRequestGuard(options: AdminRequestGuardOptions = {}): RequestHandler {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw optionsError('adminRequestGuard', parsed.error);
  const { publicOrigin, allowNonBrowserClients } = parsed.data;
  const fixed = publicOrigin === undefined ? null : new Set(publicOrigin);
  const isPanelOrigin = (value: string, req: Request) => (fixed ? fixed.has(value) : value === `${req.protocol}://${req.get('host') ?? ''}`);

  return (req, res, next) => {
    if (!STATE_CHANGING.has(req.method)) return next();
    const site = req.get('sec-fetch-site');
    const from = req.get('origin');
    const allowed = site !== undefined ? site === 'same-origin' : from !== undefined ? isPanelOrigin(from, req) : allowNonBrowserClients;
    if (allowed) return next();
    res.status(403).set('Cache-Control', 'no-store').json({ error: 'forbidden', message: REFUSED_MESSAGE });
  };
}
