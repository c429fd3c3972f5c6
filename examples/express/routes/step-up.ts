/**
 * "Confirm it's you" (step-up): once a user has a confirmed factor, mfakit refuses a change
 * to their sign-in methods (add a number, an email address or an authenticator app, new
 * backup codes, remove one) with `step_up_required` unless a sign-in code was entered in the
 * last 10 minutes. The refused route calls {@link beginStepUp}: it remembers what the user
 * was doing and where to come back to (a path of this site, in the session), starts a
 * sign-in challenge and opens `/settings/step-up`. That page is the sign-in code page
 * (challenge.ts) for the signed-in user: the same "try another way", the same messages for
 * a wrong code, the lock and the cooldown. A right code is mfakit's proof; the user goes back
 * to where they were, and the change now goes through.
 *
 * ADAPT: an app with passwords may prefer to ask for the password here as well; mfakit's
 * proof is the code (`verify`), so keep that part.
 * @module
 */
import { Router, type Request, type Response } from 'express';
import type { MfaStatus } from 'mfakit';
import { type AppContext, ipOption } from '../context.js';
import { flash, requireUser, signedInUser } from '../session.js';
import { STEP_UP_BASE } from '../views/challenge.js';
import { challengeFlash } from '../views/messages.js';
import { backupUsedMessage, codePageRoutes, liveSignInCode, rememberChallenge } from './challenge.js';
import type { SettingsForm } from '../views/settings.js';

/** What the user was doing when step-up was asked, kept in the session until the code is right. */
export interface StepUpIntent {
  /** Where to go back to afterwards: a path of this site (see {@link safeReturnPath}). */
  readonly returnTo: string;
  /** What they were doing, to end "enter a sign-in code before you …" and "You can now …": `add a number`. */
  readonly doing: string;
  /** What they had typed in the settings forms, put back afterwards. */
  readonly form?: Partial<SettingsForm>;
}

/**
 * `path` when it is a path of this site (`/settings`, `/settings?x=1#add-phone`), else
 * `/settings`. Never a scheme, a host (`//evil.example`), a backslash or a control
 * character: the redirect after the step-up cannot leave the site.
 */
export function safeReturnPath(path: string | undefined): string {
  const fallback = '/settings';
  if (!path || !path.startsWith('/') || path.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(path)) return fallback;
  try {
    const url = new URL(path, 'http://app.invalid');
    return url.origin === 'http://app.invalid' ? `${url.pathname}${url.search}${url.hash}` : fallback;
  } catch {
    return fallback;
  }
}

/** Whether a change to `status`'s factors would be refused now (a confirmed factor and no recent proof). */
export function stepUpNeeded(status: Pick<MfaStatus, 'factors' | 'stepUpUntil'>, now: number): boolean {
  const confirmed = status.factors.some((f) => f.status !== 'pending');
  return confirmed && (status.stepUpUntil === undefined || status.stepUpUntil <= now);
}

/**
 * A change was refused with `step_up_required`: remember the intent, start a sign-in
 * challenge for the signed-in user (a code sent, or their authenticator app or backup
 * codes asked for) and go to the step-up page.
 */
export async function beginStepUp(app: AppContext, req: Request, res: Response, intent: StepUpIntent): Promise<void> {
  const userId = signedInUser(res).id;
  req.session.stepUp = { ...intent, returnTo: safeReturnPath(intent.returnTo) };
  const sent = await app.mfa.startChallenge(userId, ipOption(req));
  if (sent.ok) rememberChallenge(req, sent);
  else {
    // As after the password: resend_cooldown with a live sign-in code (one went out less
    // than 30 s ago) is fine, that code works; the page shows a lock or "no way to get a code".
    const liveCode = liveSignInCode(await app.mfa.getStatus(userId)) !== undefined;
    const message = challengeFlash(sent, app.clock.now(), { liveCode });
    if (message) flash(req, sent.error === 'resend_cooldown' ? 'info' : 'error', message);
  }
  res.redirect(303, STEP_UP_BASE);
}

/** Puts back (once) what the user had typed in the settings forms before the step-up. */
export function takeSettingsForm(req: Request): Partial<SettingsForm> | undefined {
  const form = req.session.settingsForm;
  delete req.session.settingsForm;
  return form;
}

export function stepUpRoutes(app: AppContext): Router {
  const router = Router();
  router.use(STEP_UP_BASE, requireUser(app.users), (req, res, next) => {
    // Nothing to confirm (opened by hand, or already confirmed): back to the settings.
    if (!req.session.stepUp) return res.redirect(303, '/settings');
    next();
  });
  codePageRoutes(app, router, {
    base: STEP_UP_BASE,
    userId: (res) => signedInUser(res).id,
    view: (req) => ({ stepUp: { doing: req.session.stepUp?.doing ?? 'change your sign-in methods', cancelHref: safeReturnPath(req.session.stepUp?.returnTo) } }),
    async verified(req, res, _userId, result) {
      const intent = req.session.stepUp;
      delete req.session.stepUp;
      delete req.session.challengeFactorId;
      if (intent?.form) req.session.settingsForm = intent.form;
      const used = result.channel === 'backup' && result.backupCodesLeft !== undefined ? ` ${backupUsedMessage(result.backupCodesLeft).replace('You signed in with a backup code', 'You used a backup code')}` : '';
      flash(req, 'success', `Confirmed. You can now ${intent?.doing ?? 'change your sign-in methods'}.${used}`);
      res.redirect(303, safeReturnPath(intent?.returnTo));
    },
  });
  return router;
}
