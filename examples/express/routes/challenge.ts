/**
 * The MFA challenge: say where the code went, check it, resend it, or send one another way
 * (to another of the user's factors).
 * @module
 */
import { Router } from 'express';
import type { Failure, MfaStatus } from 'mfakit';
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

export function challengeRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/mfa', requirePending(app.clock));

  router.get('/mfa', async (req, res) => {
    const userId = pendingUserId(res);
    const status = await app.mfa.getStatus(userId, { purpose: 'sign_in' });
    // Only a live sign-in code can be entered here (an enrollment code cannot complete a
    // sign-in; a used-up or expired one can only be replaced).
    const pending = liveSignInCode(status);
    const factor = pending && status.factors.find((f) => f.id === pending.factorId);
    const current = pending?.factorId ?? resendTarget(app, status);
    // "Try another way": every other factor a code can be sent to now.
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
        otherWays,
      }),
    );
  });

  router.post('/mfa/verify', async (req, res) => {
    const userId = pendingUserId(res);
    const result = await app.mfa.verify(userId, field(req, 'code', 20));
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
    if (sent.ok) flash(req, 'success', sent.sent ? `We sent a new code ${BY_CHANNEL[sent.channel]} to ${sent.maskedTo}.` : 'Enter the code from your authenticator app.');
    else {
      const message = challengeFlash(sent, app.clock.now(), { liveCode: liveSignInCode(status) !== undefined });
      if (message) flash(req, 'error', message);
    }
    res.redirect(303, '/mfa');
  });

  // "Try another way": a code to the factor the user picked (the previous code stops working).
  router.post('/mfa/send', async (req, res) => {
    const userId = pendingUserId(res);
    const status = await app.mfa.getStatus(userId, { purpose: 'sign_in' });
    const factor = status.factors.find((f) => f.id === field(req, 'factorId', 64));
    const sent = factor
      ? await app.mfa.startChallenge(userId, { factorId: factor.id })
      : ({ ok: false, error: 'factor_not_found' } as const);
    if (sent.ok) flash(req, 'success', sent.sent ? `We sent a code ${BY_CHANNEL[sent.channel]} to ${sent.maskedTo}.` : 'Enter the code from your authenticator app.');
    else {
      const message = challengeFlash(sent, app.clock.now(), { liveCode: liveSignInCode(status) !== undefined });
      if (message) flash(req, 'error', message);
    }
    res.redirect(303, '/mfa');
  });

  return router;
}
