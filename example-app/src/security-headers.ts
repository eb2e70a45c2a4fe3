import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The example host's security headers (helmet), set so that AdminJS 7 still works:
 *
 * - Content-Security-Policy: scripts, styles, images and requests from the host itself only, no
 *   plugins, no <base> or form target elsewhere, and no framing by another origin
 *   (`frame-ancestors 'self'`, with X-Frame-Options: SAMEORIGIN for older browsers), so the reveal
 *   screen cannot be clickjacked. AdminJS's page starts with an inline script whose content
 *   (the page's state) differs on every page and cannot carry a nonce, and its design system
 *   styles elements inline: `'unsafe-inline'` for scripts and styles is what it needs. Its page
 *   links Roboto from Google Fonts, allowed as a style and font source.
 * - X-Content-Type-Options: nosniff; Referrer-Policy: same-origin (no admin URL, record id
 *   included, goes to another site; `no-referrer` would also make the browser send `Origin: null`
 *   on the panel's own forms, and over plain HTTP, where browsers send no Sec-Fetch-Site, the
 *   request guard would refuse them); Cross-Origin-Opener-Policy and -Resource-Policy: same-origin.
 * - Strict-Transport-Security only on requests that came over TLS (directly, or behind a proxy
 *   trusted with TRUST_PROXY): on plain HTTP it means nothing, and on localhost it would pin every
 *   other local service to HTTPS.
 */
export function securityHeaders(): RequestHandler {
  const always = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        'font-src': ["'self'", 'data:', 'https://fonts.gstatic.com'],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'self'"],
      },
    },
    frameguard: { action: 'sameorigin' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  });
  const hsts = helmet.strictTransportSecurity({ maxAge: 365 * 24 * 60 * 60, includeSubDomains: false });
  return (req, res, next) => {
    always(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (req.secure) return hsts(req, res, next);
      next();
    });
  };
}
