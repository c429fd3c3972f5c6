/**
 * The MFA challenge: say where the code went, check it, resend it, or send one another way
 * (to another of the user's factors), or ask for the code of the user's authenticator app.
 * @module
 */
import { Router, type Request } from 'express';
import type { AppChallenge, CodeSent, Failure, FactorView, MfaStatus, Ok } from 'mfakit';
import { type AppContext, factorUsable, field, pageContext } from '../context.js';
import { completeSignIn, flash, pendingUserId, requirePending } from '../session.js';
import { challengePage } from '../views/challenge.js';
import { BY_CHANNEL, destination } from '../views/factor-labels.js';
import { challengeFlash, failureMessage } from '../views/messages.js';

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
  const first = status.factors.find((f) => f.status === 'active');
  const refusal: Failure = first ? { ok: false, error: 'channel_disabled', channel: first.channel } : { ok: false, error: 'no_usable_factor' };
  return failureMessage(refusal, app.clock.now());
}

/**
 * The factor "Resend" sends to: the one the last sign-in code went to while it can still
 * receive codes, else the one mfakit picks (preferred, else the next usable one).
 */
function resendTarget(app: AppContext, status: MfaStatus): string | undefined {
  const last = status.pending?.purpose === 'sign_in' ? status.factors.find((f) => f.id === status.pending?.factorId) : undefined;
  return last && factorUsable(app, last) ? last.id : status.signInFactorId;
}

/**
 * The authenticator app this sign-in asks a code from, if any: `startChallenge` chose it
 * (`sent: false`) and it is still active. The session remembers the choice, since nothing
 * was sent that `getStatus` could show.
 */
function appFactor(req: Request, status: MfaStatus): FactorView | undefined {
  const id = req.session.challengeFactorId;
  return id === undefined ? undefined : status.factors.find((f) => f.id === id && f.channel === 'totp' && f.status === 'active');
}

/** Remembers where a started challenge went: an authenticator app, or a code that was sent. */
export function rememberChallenge(req: Request, started: CodeSent | AppChallenge): void {
  if (started.sent) delete req.session.challengeFactorId;
  else req.session.challengeFactorId = started.factorId;
}

/** The message after a challenge started. */
const startedMessage = (s: CodeSent | AppChallenge, again: boolean) =>
  s.sent ? `We sent a ${again ? 'new ' : ''}code ${BY_CHANNEL[s.channel]} to ${s.maskedTo}.` : 'Enter the code from your authenticator app.';

export function challengeRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/mfa', requirePending(app.clock));

  router.get('/mfa', async (req, res) => {
    const userId = pendingUserId(res);
    const status = await app.mfa.getStatus(userId, { purpose: 'sign_in' });
    // Only a live sign-in code can be entered here (an enrollment code cannot complete a
    // sign-in; a used-up or expired one can only be replaced).
    const authenticator = appFactor(req, status);
    const pending = authenticator ? undefined : liveSignInCode(status);
    const factor = pending && status.factors.find((f) => f.id === pending.factorId);
    const current = authenticator?.id ?? pending?.factorId ?? resendTarget(app, status);
    // "Try another way": every other factor usable now (an authenticator app included).
    const otherWays = status.factors
      .filter((f) => f.id !== current && factorUsable(app, f))
      .map((f) => ({ factorId: f.id, channel: f.channel, maskedTo: destination(f) }));
    res.set('Cache-Control', 'no-store').send(
      challengePage(await pageContext(app, req, res), {
        sentTo: factor ? { maskedTo: pending.maskedTo ?? destination(factor), channel: factor.channel } : undefined,
        expiresAt: pending?.expiresAt,
        attemptsLeft: pending?.attemptsLeft,
        maxTries: app.mfa.rules.maxTries,
        locked: status.locked ? { until: status.lockedUntil ?? null } : undefined,
        resendInMs: status.nextSendInMs,
        cannotSend: cannotSendReason(app, status),
        authenticator: authenticator !== undefined,
        otherWays,
      }),
    );
  });

  router.post('/mfa/verify', async (req, res) => {
    const userId = pendingUserId(res);
    const authenticator = appFactor(req, await app.mfa.getStatus(userId));
    const code = field(req, 'code', 20);
    const result = authenticator ? await app.mfa.verify(userId, code, { factorId: authenticator.id }) : await app.mfa.verify(userId, code);
    if (result.ok) {
      await completeSignIn(req, userId);
      return res.redirect(303, '/');
    }
    const message = challengeFlash(result, app.clock.now(), { liveCode: liveSignInCode(await app.mfa.getStatus(userId)) !== undefined });
    if (message) flash(req, 'error', message);
    res.redirect(303, '/mfa');
  });

  router.post('/mfa/resend', async (req, res) => {
    const userId = pendingUserId(res);
    const status = await app.mfa.getStatus(userId, { purpose: 'sign_in' });
    // A sign-in code was sent (live, used up or expired) to a factor that can still receive
    // codes: resend there. Otherwise (none, its factor removed, or its channel switched off
    // since): start again with the preferred (or next usable) factor.
    const last = status.pending?.purpose === 'sign_in' ? status.factors.find((f) => f.id === status.pending?.factorId) : undefined;
    const sent = last && factorUsable(app, last) ? await app.mfa.resend(userId, { purpose: 'sign_in' }) : await app.mfa.startChallenge(userId);
    reportStart(req, sent, status, true);
    res.redirect(303, '/mfa');
  });

  // "Try another way": a code to the factor the user picked (the previous code stops working),
  // or the code of their authenticator app.
  router.post('/mfa/send', async (req, res) => {
    const userId = pendingUserId(res);
    const status = await app.mfa.getStatus(userId, { purpose: 'sign_in' });
    const factor = status.factors.find((f) => f.id === field(req, 'factorId', 64));
    const sent = factor
      ? await app.mfa.startChallenge(userId, { factorId: factor.id })
      : ({ ok: false, error: 'factor_not_found' } as const);
    reportStart(req, sent, status, false);
    res.redirect(303, '/mfa');
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

  return router;
}
