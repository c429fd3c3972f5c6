/**
 * Security settings: add (or change) a number, confirm it with a code, choose the preferred
 * number, remove one.
 *
 * ADAPT: changing MFA settings is sensitive. A production app should ask for the password
 * (or a fresh MFA code) again before these actions if the sign-in is more than a few
 * minutes old ("step-up"), and notify the user by email when a number is added or removed.
 * @module
 */
import { Router, type Request, type Response } from 'express';
import type { CountryCode } from 'libphonenumber-js';
import { type AppContext, field, pageContext } from '../context.js';
import { flash, requireUser, signedInUser } from '../session.js';
import { failureMessage, COUNTRIES } from '../views/messages.js';
import { confirmEnrollmentPage, settingsPage } from '../views/settings.js';

export function settingsRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/settings', requireUser(app.users));
  const now = () => app.clock.now();

  const renderSettings = async (req: Request, res: Response, form: { country: string; phone: string }, status = 200) => {
    const { factors } = await app.mfa.listFactors(signedInUser(res).id);
    res.status(status).send(settingsPage(await pageContext(app, req, res), { factors, ...form }));
  };

  router.get('/settings', (req, res) => renderSettings(req, res, { country: 'US', phone: '' }));

  router.post('/settings/sms', async (req, res) => {
    const user = signedInUser(res);
    const phone = field(req, 'phone', 64);
    const country = COUNTRIES.find((c) => c.code === field(req, 'country'))?.code ?? 'US';
    const sent = await app.mfa.enrollSms(user.id, phone, { country: country satisfies CountryCode });
    if (!sent.ok) {
      flash(req, 'error', failureMessage(sent, now()));
      return renderSettings(req, res, { country, phone }, 422);
    }
    flash(req, 'info', `We sent a code to ${sent.maskedPhone}.`);
    res.redirect(303, '/settings/sms/confirm');
  });

  router.get('/settings/sms/confirm', async (req, res) => {
    const status = await app.mfa.getStatus(signedInUser(res).id);
    const factor = status.factors.find((f) => f.status === 'pending');
    if (!factor) return res.redirect(303, '/settings');
    const live = status.pending?.purpose === 'enroll' && status.pending.factorId === factor.id && status.pending.state === 'live';
    const resendInMs = status.nextSendAt !== undefined ? Math.max(0, status.nextSendAt - now()) : 0;
    res.set('Cache-Control', 'no-store');
    res.send(confirmEnrollmentPage(await pageContext(app, req, res), { maskedPhone: factor.maskedPhone ?? '', hasCode: live, resendInMs }));
  });

  router.post('/settings/sms/confirm', async (req, res) => {
    const result = await app.mfa.confirmEnrollment(signedInUser(res).id, field(req, 'code', 20));
    if (result.ok) {
      flash(req, 'success', 'Your number is confirmed. Sign-in will now ask for a code sent to it.');
      return res.redirect(303, '/settings');
    }
    flash(req, 'error', failureMessage(result, now()));
    res.redirect(303, '/settings/sms/confirm');
  });

  router.post('/settings/sms/resend', async (req, res) => {
    const sent = await app.mfa.resend(signedInUser(res).id, { purpose: 'enroll' });
    if (sent.ok) flash(req, 'success', `We sent a new code to ${sent.maskedPhone}.`);
    else if (sent.error === 'no_pending_code') flash(req, 'error', 'That enrollment has expired. Enter the number again.');
    else flash(req, 'error', failureMessage(sent, now()));
    res.redirect(303, sent.ok || sent.error !== 'no_pending_code' ? '/settings/sms/confirm' : '/settings');
  });

  router.post('/settings/factors/:id/preferred', async (req, res) => {
    const result = await app.mfa.setPreferred(signedInUser(res).id, req.params.id);
    if (result.ok) flash(req, 'success', 'Sign-in codes will go to this number first.');
    else flash(req, 'error', failureMessage(result, now()));
    res.redirect(303, '/settings');
  });

  router.post('/settings/factors/:id/remove', async (req, res) => {
    // ADAPT: removing the last number switches MFA off for this user (requiresMfa says
    // `not_enrolled`). Some teams forbid that, or require a replacement first.
    const result = await app.mfa.removeFactor(signedInUser(res).id, req.params.id);
    if (result.ok) flash(req, 'success', 'The number was removed.');
    else flash(req, 'error', failureMessage(result, now()));
    res.redirect(303, '/settings');
  });

  return router;
}
