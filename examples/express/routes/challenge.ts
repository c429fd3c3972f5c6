/**
 * The MFA challenge: show where the code went, check it, resend it.
 * @module
 */
import { Router } from 'express';
import { type AppContext, field, pageContext } from '../context.js';
import { completeSignIn, flash, pendingUserId, requirePending } from '../session.js';
import { challengePage } from '../views/challenge.js';
import { failureMessage } from '../views/messages.js';

export function challengeRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/mfa', requirePending(app.clock));

  router.get('/mfa', async (req, res) => {
    const userId = pendingUserId(res);
    const status = await app.mfa.getStatus(userId);
    const now = app.clock.now();
    // Only a live sign-in code can be entered here (an enrollment code cannot complete a
    // sign-in; a used-up or expired one can only be replaced).
    const pending = status.pending?.purpose === 'sign_in' && status.pending.state === 'live' ? status.pending : undefined;
    const factor = pending && status.factors.find((f) => f.id === pending.factorId);
    res.set('Cache-Control', 'no-store').send(
      challengePage(await pageContext(app, req, res), {
        maskedPhone: factor ? (factor.maskedPhone ?? factor.channel) : undefined,
        expiresAt: pending?.expiresAt,
        attemptsLeft: pending?.attemptsLeft,
        maxTries: app.mfa.rules.maxTries,
        locked: status.locked ? { until: status.lockedUntil ?? null } : undefined,
        resendInMs: status.nextSendAt !== undefined ? Math.max(0, status.nextSendAt - now) : 0,
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
    // The challenge page shows the lock itself; everything else is a one-time message.
    if (result.error !== 'locked_out') flash(req, 'error', failureMessage(result, app.clock.now()));
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
    if (sent.ok) flash(req, 'success', `We sent a new code to ${sent.maskedPhone}.`);
    else if (sent.error !== 'locked_out') flash(req, 'error', failureMessage(sent, app.clock.now()));
    res.redirect(303, '/mfa');
  });

  return router;
}
