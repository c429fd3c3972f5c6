/**
 * What every route needs: the mfakit instance, the users, the clock, and how to build the
 * context of a page (CSRF token, nonce, flash, banner).
 * @module
 */
import { isIP } from 'node:net';
import type { Request, Response } from 'express';
import type { Clock, Mfa } from 'mfakit';
import type { AuditTrail } from './audit-trail.js';
import type { CodeChannel, DevOutbox } from './dev-outbox.js';
import { nonceOf } from './security.js';
import { currentUser, takeFlash } from './session.js';
import type { DemoUser, UserDirectory } from './users.js';
import { html } from './views/html.js';
import type { PageContext } from './views/layout.js';

export interface AppContext {
  readonly mfa: Mfa;
  readonly users: UserDirectory;
  readonly clock: Clock;
  readonly production: boolean;
  /** The dev outbox (absent in production). */
  readonly outbox: DevOutbox | undefined;
  /** The channels the app has a sender for (the forms offer only these). */
  readonly channels: ReadonlySet<CodeChannel>;
  /** Demo credentials to show on the sign-in page (absent in production). */
  readonly demoUsers: readonly DemoUser[] | undefined;
  /** This instance's audit trail (admin actions and factor changes, from mfakit's events). */
  readonly audit: AuditTrail;
  /** Where the app's own log lines go. */
  readonly log: (line: string) => void;
  /** The CSRF token for a page's forms. */
  readonly tokenFor: (req: Request, res: Response) => string;
}

/** Builds the context of a page; takes (and so clears) the flash message. */
export async function pageContext(app: AppContext, req: Request, res: Response): Promise<PageContext> {
  const user = currentUser(req, app.users);
  let banner: PageContext['banner'];
  if (user) {
    // Users without a factor are let in (see README: "Users without a number"), with this
    // reminder on every page until they set one up.
    const need = await app.mfa.requiresMfa(user.id);
    if (need.ok && need.reason === 'not_enrolled') {
      banner = html`<div class="notice warn" id="enroll-banner">Your account is protected by a password only.
        <a href="/settings">Set up a phone number or an email address for sign-in codes</a>.</div>`;
    }
  }
  return {
    csrf: app.tokenFor(req, res),
    nonce: nonceOf(res),
    user,
    flash: takeFlash(req),
    showOutbox: app.outbox !== undefined,
    banner,
    now: app.clock.now(),
  };
}

/** A form field as a string ('' when missing or not a string). */
export function field(req: Request, name: string, maxLength = 200): string {
  const body: unknown = req.body;
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value.slice(0, maxLength) : '';
}

/**
 * A reason an admin typed, for the audit log: mfakit refuses control characters (a thrown
 * MfaError), so they become spaces; '' when only blanks were typed.
 */
export function reasonOf(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * The client's IP address for mfakit's per-IP send budget (`{ ip }` of `startChallenge`,
 * `resend` and the enroll calls), or `undefined` when Express has none that is an address.
 * ADAPT: behind a reverse proxy, set `app.set('trust proxy', …)` to exactly your proxies
 * (app.ts), or `req.ip` is the proxy's address and every user shares one budget.
 */
export function clientIp(req: Request): string | undefined {
  const ip = req.ip;
  return ip !== undefined && isIP(ip) !== 0 ? ip : undefined;
}

/** `{ ip }` for an mfakit call, or nothing when the address is unknown. */
export function ipOption(req: Request): { ip?: string } {
  const ip = clientIp(req);
  return ip === undefined ? {} : { ip };
}
