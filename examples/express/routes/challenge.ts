/**
 * The MFA challenge: show where the code went, check it, resend it.
 * @module
 */
import { Router } from 'express';
import type { Failure, MfaStatus } from 'mfakit';
import { type AppContext, field, pageContext } from '../context.js';
import { completeSignIn, flash, pendingUserId, requirePending } from '../session.js';
import { challengePage } from '../views/challenge.js';
import { challengeFlash, failureMessage } from '../views/messages.js';

/** The live sign-in code, if any: the only kind of code this page accepts. */
export function liveSignInCode(status: MfaStatus): MfaStatus['pending'] {
  return status.pending?.purpose === 'sign_in' && status.pending.state === 'live' ? status.pending : undefined;
}

/**
 * Why no new code can be sent at all, or `undefined` when one can (now or after the cooldown):
 * no active factor is left, or the channel of every active one is switched off.
 * ADAPT: with several factor kinds, "no usable factor" means none of any kind.
 */
export function cannotSendReason(app: AppContext, status: MfaStatus): string | undefined {
  const active = status.factors.filter((f) => f.status === 'active');
  if (active.some((f) => app.mfa.isChannelEnabled(f.channel))) return undefined;
  const first = active[0];
  const refusal: Failure = first ? { ok: false, error: 'channel_disabled', channel: first.channel } : { ok: false, error: 'no_usable_factor' };
  return failureMessage(refusal, app.clock.now());
}

export function challengeRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/mfa', requirePending(app.clock));

  router.get('/mfa', async (req, res) => {
    const userId = pendingUserId(res);
    const status = await app.mfa.getStatus(userId);
    const now = app.clock.now();
    // Only a live sign-in code can be entered here (an enrollment code cannot complete a
    // sign-in; a used-up or expired one can only be replaced).
    const pending = liveSignInCode(status);
    const factor = pending && status.factors.find((f) => f.id === pending.factorId);
    res.set('Cache-Control', 'no-store').send(
      challengePage(await pageContext(app, req, res), {
        maskedPhone: factor ? (factor.maskedPhone ?? factor.channel) : undefined,
        expiresAt: pending?.expiresAt,
        attemptsLeft: pending?.attemptsLeft,
        maxTries: app.mfa.rules.maxTries,
        locked: status.locked ? { until: status.lockedUntil ?? null } : undefined,
        resendInMs: status.nextSendAt !== undefined ? Math.max(0, status.nextSendAt - now) : 0,
        cannotSend: cannotSendReason(app, status),
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
    const status = await app.mfa.getStatus(userId);
    // A sign-in code was sent (live, used up or expired): resend to the same number. None
    // (or it was dropped with its number): start again with the preferred (or next usable) one.
    const sent =
      status.pending?.purpose === 'sign_in'
        ? await app.mfa.resend(userId, { purpose: 'sign_in' })
        : await app.mfa.startChallenge(userId);
    if (sent.ok) flash(req, 'success', sent.sent ? `We sent a new code to ${sent.maskedTo}.` : 'Enter the code from your authenticator app.');
    else {
      const message = challengeFlash(sent, app.clock.now(), { liveCode: liveSignInCode(status) !== undefined });
      if (message) flash(req, 'error', message);
    }
    res.redirect(303, '/mfa');
  });

  return router;
}
