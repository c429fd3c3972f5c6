/**
 * Security headers (helmet, with a per-request CSP nonce for the inline stylesheet) and
 * CSRF protection for every form (csrf-csrf: a signed double-submit cookie bound to the
 * session id).
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { doubleCsrf } from 'csrf-csrf';

/** Creates the CSP nonce for this response (`res.locals.cspNonce`). */
export function cspNonce(_req: Request, res: Response, next: NextFunction): void {
  res.locals['cspNonce'] = randomBytes(16).toString('base64');
  next();
}

/** The nonce set by {@link cspNonce}. */
export function nonceOf(res: Response): string {
  return String(res.locals['cspNonce']);
}

/** helmet with a strict CSP: scripts only from /assets, styles only with the nonce. */
export function securityHeaders(production: boolean) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", (_req, res) => `'nonce-${nonceOf(res as Response)}'`],
        'form-action': ["'self'"],
        // Over plain http (local development) upgrading would break the forms.
        'upgrade-insecure-requests': production ? [] : null,
      },
    },
    // HSTS only makes sense over https.
    strictTransportSecurity: production,
  });
}

/**
 * CSRF protection. Forms carry the token in a hidden `_csrf` field; the same token sits in a
 * cookie, and it is an HMAC over the session id, so a token from another session is refused.
 * Webhooks (called by your SMS provider, not a browser) are exempt; they authenticate
 * differently (see routes/webhooks.ts).
 */
export function csrf(opts: { secret: string; production: boolean }) {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    // Derived from the session secret so there is one secret less to manage.
    getSecret: () => createHmac('sha256', opts.secret).update('csrf').digest('base64url'),
    getSessionIdentifier: (req) => req.session.id,
    // `__Host-` cookies must be Secure, so the prefix is only used in production (https).
    cookieName: opts.production ? '__Host-mfakit.csrf' : 'mfakit.csrf',
    cookieOptions: { sameSite: 'strict', secure: opts.production, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const body: unknown = req.body;
      const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['_csrf'] : undefined;
      return typeof token === 'string' ? token : undefined;
    },
    skipCsrfProtection: (req) => req.path.startsWith('/webhooks/'),
  });
  /** The token for the forms of this page. The session is marked as used so its id stays stable. */
  const tokenFor = (req: Request, res: Response): string => {
    req.session.started = true;
    return generateCsrfToken(req, res);
  };
  return { protect: doubleCsrfProtection, tokenFor };
}
