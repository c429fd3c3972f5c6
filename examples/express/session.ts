/**
 * Session data, sign-in state transitions and the guards routes use.
 *
 * A session is in one of three states:
 * - anonymous;
 * - `pendingUserId`: the password was right, the MFA code is not entered yet (this grants
 *   nothing except the challenge page);
 * - `userId`: fully signed in.
 * The session id is regenerated at each step up (session fixation defence).
 * @module
 */
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import type { Clock } from 'mfakit';
import type { User, UserDirectory } from './users.js';
import type { SettingsForm } from './views/settings.js';

/** A one-time message shown on the next page (post/redirect/get). */
export interface Flash {
  readonly kind: 'error' | 'info' | 'success';
  readonly text: string;
}

declare module 'express-session' {
  interface SessionData {
    /** Fully signed in. */
    userId: string;
    /** Password checked, MFA pending. */
    pendingUserId: string;
    /** When the password was checked (app clock), to time out abandoned challenges. */
    pendingSince: number;
    /** Why MFA was skipped at sign-in, for the home page. */
    skippedMfa: 'exception' | 'not_enrolled' | 'policy' | 'trusted_device';
    flash: Flash;
    /**
     * An authenticator app being added: its factor, secret and `otpauth://` URI, kept only
     * until it is confirmed or the user leaves the page (then they start again).
     * ADAPT: with a shared session store (connect-redis, ...) this sits in it for those
     * minutes: keep that store private, or seal the secret before saving it.
     */
    totpEnrollment: { factorId: string; secret: string; uri: string };
    /**
     * New backup codes, from their generation to the page that shows them (the next request):
     * that page takes them out, so they are never shown, nor kept, again.
     */
    backupCodes: string[];
    /** The factor the pending sign-in asks a code from that the user holds (authenticator app or backup codes; nothing was sent). */
    challengeFactorId: string;
    /**
     * A change to the user's sign-in methods that mfakit refused until they confirm it is
     * them (routes/step-up.ts): what they were doing, where to come back to, what they typed.
     */
    stepUp: { returnTo: string; doing: string; form?: Partial<SettingsForm> };
    /** What the user had typed in the settings forms before a step-up, put back once. */
    settingsForm: Partial<SettingsForm>;
    /** Marks the session as used, so its id (which the CSRF token is bound to) stays stable. */
    started: true;
  }
}

/** How long a password-checked session may wait for its code. */
export const PENDING_TTL_MS = 15 * 60_000;

/** The session middleware. ADAPT: use a shared store (connect-redis, ...) with several processes. */
export function sessions(opts: { secret: string; production: boolean }) {
  return session({
    name: 'mfakit.sid',
    secret: opts.secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      // Behind a TLS-terminating proxy, also `app.set('trust proxy', 1)`.
      secure: opts.production,
      maxAge: 8 * 60 * 60_000,
    },
  });
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/** Password accepted: new session id, MFA pending. */
export async function startPending(req: Request, userId: string, now: number): Promise<void> {
  await regenerate(req);
  req.session.pendingUserId = userId;
  req.session.pendingSince = now;
  req.session.started = true;
}

/** Fully signed in: new session id again (the privilege level changed). */
export async function completeSignIn(req: Request, userId: string, skippedMfa?: 'exception' | 'not_enrolled' | 'policy' | 'trusted_device'): Promise<void> {
  await regenerate(req);
  req.session.userId = userId;
  req.session.started = true;
  if (skippedMfa) req.session.skippedMfa = skippedMfa;
}

/** Signs out: the session is destroyed server-side and the cookie cleared. */
export function signOut(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.destroy((err) => {
      if (err) return reject(err);
      res.clearCookie('mfakit.sid');
      resolve();
    }),
  );
}

/** Sets the message for the next page. */
export function flash(req: Request, kind: Flash['kind'], text: string): void {
  req.session.flash = { kind, text };
}

/** Takes (and clears) the message set by the previous request. */
export function takeFlash(req: Request): Flash | undefined {
  const f = req.session.flash;
  delete req.session.flash;
  return f;
}

/** The signed-in user, if any. */
export function currentUser(req: Request, users: UserDirectory): User | undefined {
  const id = req.session.userId;
  return id === undefined ? undefined : users.get(id);
}

/** An error with an HTTP status; the app's error handler renders it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Only signed-in users; others go to the sign-in page. */
export function requireUser(users: UserDirectory) {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(req, users);
    if (!user) return res.redirect(303, '/login');
    res.locals['user'] = user;
    next();
  };
}

/** Only admins; a signed-in non-admin gets 403. */
export function requireAdmin(users: UserDirectory) {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(req, users);
    if (!user) return res.redirect(303, '/login');
    if (user.role !== 'admin') return next(new HttpError(403, 'This page is for administrators only.'));
    res.locals['user'] = user;
    next();
  };
}

/** Only sessions waiting for their MFA code (and not for too long). */
export function requirePending(clock: Clock) {
  return (req: Request, res: Response, next: NextFunction) => {
    const id = req.session.pendingUserId;
    const since = req.session.pendingSince ?? 0;
    if (id === undefined) return res.redirect(303, '/login');
    if (clock.now() - since > PENDING_TTL_MS) {
      delete req.session.pendingUserId;
      delete req.session.pendingSince;
      flash(req, 'info', 'Your sign-in timed out. Sign in again.');
      return res.redirect(303, '/login');
    }
    res.locals['pendingUserId'] = id;
    next();
  };
}

/** The pending user id set by {@link requirePending}. */
export function pendingUserId(res: Response): string {
  const id: unknown = res.locals['pendingUserId'];
  if (typeof id !== 'string') throw new Error('requirePending must run first');
  return id;
}

/** The user set by {@link requireUser} / {@link requireAdmin}. */
export function signedInUser(res: Response): User {
  const user: unknown = res.locals['user'];
  if (!user) throw new Error('requireUser must run first');
  return user as User;
}
