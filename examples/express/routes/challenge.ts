/**
 * The MFA challenge: say where the code went, check it, resend it, or send one another way
 * (to another of the user's factors), or ask for a code the user holds: their authenticator
 * app's, or one of their backup codes. Which factors are usable is mfakit's answer
 * (`usable` in each factor view, `signInFactorId` in `getStatus`); the app never re-derives it.
 * @module
 */
import { Router, type Request, type Response } from 'express';
import type { AppChallenge, CodeSent, Failure, FactorView, MfaStatus, Ok, Verified } from 'mfakit';
import { type AppContext, field, ipOption, pageContext } from '../context.js';
import { rememberBrowser } from '../remembered-browser.js';
import { completeSignIn, flash, pendingUserId, requirePending } from '../session.js';
import { challengePage, type ChallengeView } from '../views/challenge.js';
import { BY_CHANNEL, destination } from '../views/factor-labels.js';
import { BACKUP_LOW_AT } from '../views/backup-codes.js';
import { formatDuration, plural } from '../views/format.js';
import { challengeFlash, failureMessage, failuresHint } from '../views/messages.js';

const DAY = 24 * 60 * 60_000;

/** The live sign-in code, if any: the only kind of code this page accepts. */
export function liveSignInCode(status: MfaStatus): MfaStatus['pending'] {
  return status.pending?.purpose === 'sign_in' && status.pending.state === 'live' ? status.pending : undefined;
}

/**
 * Why no new code can be sent at all, or `undefined` when one can (now or after the cooldown):
 * no active factor is left, or the channel of every active one is switched off.
 */
export function cannotSendReason(app: AppContext, status: MfaStatus): string | undefined {
  if (status.signInFactorId !== undefined) return undefined;
  const off = status.factors.find((f) => f.status === 'active' && f.unusableReason === 'channel_disabled');
  const refusal: Failure = off ? { ok: false, error: 'channel_disabled', channel: off.channel } : { ok: false, error: 'no_usable_factor' };
  return failureMessage(refusal, app.clock.now());
}

/**
 * The factor "Resend" sends to: the one the last sign-in code went to while it can still
 * receive codes, else the one mfakit picks (preferred, else the next usable one).
 */
function resendTarget(status: MfaStatus): string | undefined {
  const last = lastSentTo(status);
  return last?.usable ? last.id : status.signInFactorId;
}

/** The factor the last sign-in code (live, used up or expired) went to, if it is still there. */
function lastSentTo(status: MfaStatus): FactorView | undefined {
  return status.pending?.purpose === 'sign_in' ? status.factors.find((f) => f.id === status.pending?.factorId) : undefined;
}

/** A factor whose codes the user holds: nothing is sent, so no cooldown ever holds it back. */
export const holdsCodes = (f: FactorView): f is FactorView & { channel: 'totp' | 'backup' } => f.channel === 'totp' || f.channel === 'backup';

/**
 * The factor whose code this sign-in asks for that the user holds (authenticator app or
 * backup codes), if any: `startChallenge` chose it (`sent: false`) and it is still usable
 * (backup codes: some are left). The session remembers the choice, since nothing was sent
 * that `getStatus` could show.
 */
function heldFactor(req: Request, status: MfaStatus): (FactorView & { channel: 'totp' | 'backup' }) | undefined {
  const id = req.session.challengeFactorId;
  const f = id === undefined ? undefined : status.factors.find((x) => x.id === id);
  return f && holdsCodes(f) && f.usable ? f : undefined;
}

/** Remembers where a started challenge went: an authenticator app or backup codes (nothing sent), or a code that was sent. */
export function rememberChallenge(req: Request, started: CodeSent | AppChallenge): void {
  if (started.sent) delete req.session.challengeFactorId;
  else req.session.challengeFactorId = started.factorId;
}

/** The message after a challenge started. */
const startedMessage = (s: CodeSent | AppChallenge, again: boolean) =>
  s.sent ? `We sent a ${again ? 'new ' : ''}code ${BY_CHANNEL[s.channel]} to ${s.maskedTo}.` : s.channel === 'backup' ? 'Enter one of your backup codes.' : 'Enter the code from your authenticator app.';

/**
 * "Try another way" to a factor that sends, less than 30 s after a code was sent: the
 * cooldown is per purpose, so mfakit refuses (`resend_cooldown`). Says how long to wait, and
 * that the ways that send nothing work now.
 */
export function switchWaitMessage(retryAfterMs: number, status: MfaStatus, cooldownMs: number): string {
  const held = status.factors.filter((f) => f.usable && holdsCodes(f)).map((f) => (f.channel === 'totp' ? 'your authenticator app' : 'a backup code'));
  const list = held.join(' or ');
  const now = list ? ` ${list.charAt(0).toUpperCase()}${list.slice(1)} can be used right away: nothing is sent.` : '';
  return `A code was sent less than ${formatDuration(cooldownMs)} ago: a code can be sent another way in ${formatDuration(retryAfterMs)}.${now}`;
}

/** After a sign-in with a backup code: how many are left, and a nudge when few are. */
export function backupUsedMessage(left: number): string {
  if (left === 0) return 'You used your last backup code. Generate new ones in Security settings now.';
  if (left <= BACKUP_LOW_AT) return `You signed in with a backup code. Only ${plural(left, 'backup code')} left: generate new ones in Security settings.`;
  return `You signed in with a backup code; it cannot be used again. ${plural(left, 'backup code')} left.`;
}

/** A refusal of a backup code, in words for the code page. */
function backupRefusal(f: Failure, now: number): string | undefined {
  if (f.error === 'malformed_code') return 'Enter one of your backup codes: 10 letters and digits, like k7m2q-x9c4t.';
  if (f.error === 'code_mismatch') return `That backup code is not right, or it was already used (each code works once).${failuresHint(f.failuresLeft)}`;
  return challengeFlash(f, now, { liveCode: false });
}

/** What differs between the sign-in code page (`/mfa`) and the step-up page (`/settings/step-up`). */
export interface CodePage {
  /** Where the page lives; its forms post to `<base>/verify`, `/resend` and `/send`. */
  readonly base: string;
  /** The user the code is asked from (set by the router's guard). */
  readonly userId: (res: Response) => string;
  /**
   * Offer "Remember this browser" (the sign-in page only): a right code with the box ticked
   * is verified with `{ trustDevice: true }`, and the result carries the device token.
   */
  readonly offerRemember?: boolean;
  /** Extra parts of the page (the step-up page says what the code is for). */
  readonly view?: (req: Request) => Pick<ChallengeView, 'stepUp'>;
  /** A right code: where to go next (the response is sent by it). */
  readonly verified: (req: Request, res: Response, userId: string, result: Verified) => Promise<void>;
}

/**
 * The four routes of a code page on `router`: show it, check a code, resend, "try another
 * way". The sign-in page and the step-up page are the same page with the same rules and
 * messages: only who the user is and what a right code leads to differ.
 */
export function codePageRoutes(app: AppContext, router: Router, page: CodePage): void {
  const { base } = page;

  router.get(base, async (req, res) => {
    const userId = page.userId(res);
    const status = await app.mfa.getStatus(userId, { purpose: 'sign_in' });
    // Only a live sign-in code can be entered here (an enrollment code cannot complete a
    // sign-in; a used-up or expired one can only be replaced).
    const held = heldFactor(req, status);
    const pending = held ? undefined : liveSignInCode(status);
    const factor = pending && status.factors.find((f) => f.id === pending.factorId);
    const current = held?.id ?? pending?.factorId ?? resendTarget(status);
    // "Try another way": every other factor mfakit says is usable now (an authenticator app
    // and backup codes with some left included).
    const otherWays = status.factors
      .filter((f) => f.id !== current && f.usable)
      .map((f) => ({ factorId: f.id, channel: f.channel, maskedTo: destination(f), ...(f.backupCodesLeft !== undefined ? { backupCodesLeft: f.backupCodesLeft } : {}) }));
    res.set('Cache-Control', 'no-store').send(
      challengePage(await pageContext(app, req, res), {
        sentTo: factor ? { maskedTo: pending.maskedTo ?? destination(factor), channel: factor.channel } : undefined,
        expiresAt: pending?.expiresAt,
        attemptsLeft: pending?.attemptsLeft,
        maxTries: app.mfa.rules.maxTries,
        locked: status.locked ? { until: status.lockedUntil ?? null } : undefined,
        resendInMs: status.nextSendInMs,
        cannotSend: cannotSendReason(app, status),
        holds: held ? { channel: held.channel, ...(held.backupCodesLeft !== undefined ? { backupCodesLeft: held.backupCodesLeft } : {}) } : undefined,
        otherWays,
        cooldownMs: app.mfa.rules.cooldownMs,
        ...(page.offerRemember ? { rememberDays: Math.round(app.mfa.rules.deviceTtlMs / DAY) } : {}),
        ...page.view?.(req),
      }),
    );
  });

  router.post(`${base}/verify`, async (req, res) => {
    const userId = page.userId(res);
    const held = heldFactor(req, await app.mfa.getStatus(userId));
    const code = field(req, 'code', 40); // a backup code may be typed with spaces and dashes
    const trustDevice = page.offerRemember === true && field(req, 'remember') === 'on';
    const result = await app.mfa.verify(userId, code, { ...(held ? { factorId: held.id } : {}), trustDevice });
    if (result.ok) return page.verified(req, res, userId, result);
    const message = held?.channel === 'backup'
      ? backupRefusal(result, app.clock.now())
      : challengeFlash(result, app.clock.now(), { liveCode: liveSignInCode(await app.mfa.getStatus(userId)) !== undefined });
    if (message) flash(req, 'error', message);
    res.redirect(303, base);
  });

  router.post(`${base}/resend`, async (req, res) => {
    const userId = page.userId(res);
    const status = await app.mfa.getStatus(userId, { purpose: 'sign_in' });
    // A sign-in code was sent (live, used up or expired) to a factor that can still receive
    // codes: resend there. Otherwise (none, its factor removed, or its channel switched off
    // since): start again with the preferred (or next usable) factor.
    const last = lastSentTo(status);
    const sent = last?.usable ? await app.mfa.resend(userId, { purpose: 'sign_in', ...ipOption(req) }) : await app.mfa.startChallenge(userId, ipOption(req));
    reportStart(req, sent, status, true);
    res.redirect(303, base);
  });

  // "Try another way": a code to the factor the user picked (the previous code stops working),
  // or the code of their authenticator app, or one of their backup codes.
  router.post(`${base}/send`, async (req, res) => {
    const userId = page.userId(res);
    const status = await app.mfa.getStatus(userId, { purpose: 'sign_in' });
    const factor = status.factors.find((f) => f.id === field(req, 'factorId', 64));
    const sent = factor
      ? await app.mfa.startChallenge(userId, { factorId: factor.id, ...ipOption(req) })
      : ({ ok: false, error: 'factor_not_found' } as const);
    if (!sent.ok && sent.error === 'resend_cooldown') flash(req, 'error', switchWaitMessage(sent.retryAfterMs ?? 0, status, app.mfa.rules.cooldownMs));
    else reportStart(req, sent, status, false);
    res.redirect(303, base);
  });

  /** Flashes what a (re)start did: where the code went, or why none could be sent. */
  function reportStart(req: Request, sent: Ok<CodeSent | AppChallenge> | Failure, status: MfaStatus, resent: boolean): void {
    if (sent.ok) {
      rememberChallenge(req, sent);
      flash(req, 'success', startedMessage(sent, resent));
      return;
    }
    const message = challengeFlash(sent, app.clock.now(), { liveCode: liveSignInCode(status) !== undefined });
    if (message) flash(req, 'error', message);
  }
}

export function challengeRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/mfa', requirePending(app.clock));
  codePageRoutes(app, router, {
    base: '/mfa',
    userId: pendingUserId,
    offerRemember: true,
    async verified(req, res, userId, result) {
      // "Remember this browser" was ticked: the token goes to the cookie, never to a page or a log.
      if (result.deviceToken !== undefined && result.deviceTrustedUntil !== undefined) rememberBrowser(res, app.production, result.deviceToken, result.deviceTrustedUntil);
      await completeSignIn(req, userId);
      // After completeSignIn: the new session carries the message to the home page.
      // (The home page also shows a notice with a link while few are left.)
      if (result.channel === 'backup' && result.backupCodesLeft !== undefined) flash(req, 'info', backupUsedMessage(result.backupCodesLeft));
      res.redirect(303, '/');
    },
  });
  return router;
}
