/**
 * Adding a factor: a number for text messages or voice calls, or an email address; then the
 * confirmation page where the code sent there is entered (and resent).
 *
 * Once the user has a confirmed factor, adding another needs a recent sign-in code: a
 * `step_up_required` refusal goes to "Confirm it's you" (step-up.ts), and back here with
 * what was typed still in the form.
 * @module
 */
import { Router } from 'express';
import type { CountryCode } from 'libphonenumber-js';
import { type AppContext, field, ipOption, pageContext } from '../context.js';
import { flash, requireUser, signedInUser } from '../session.js';
import { BY_CHANNEL } from '../views/factor-labels.js';
import { COUNTRIES, failureMessage } from '../views/messages.js';
import { confirmEnrollmentPage } from '../views/settings.js';
import { confirmedMessage } from './factor-order.js';
import { renderSettings } from './settings.js';
import { beginStepUp } from './step-up.js';

export function enrollRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/settings', requireUser(app.users));
  const now = () => app.clock.now();

  // A number, for text messages (default) or voice calls: the user chooses.
  router.post('/settings/phone', async (req, res) => {
    const user = signedInUser(res);
    const phone = field(req, 'phone', 64);
    const country = COUNTRIES.find((c) => c.code === field(req, 'country'))?.code ?? 'US';
    const channel = field(req, 'channel') === 'voice' && app.channels.has('voice') ? 'voice' : 'sms';
    const opts = { country: country satisfies CountryCode, ...ipOption(req) };
    const sent = channel === 'voice' ? await app.mfa.enrollVoice(user.id, phone, opts) : await app.mfa.enrollSms(user.id, phone, opts);
    if (!sent.ok && sent.error === 'step_up_required') {
      return beginStepUp(app, req, res, { returnTo: '/settings', doing: 'add your number', form: { country, phone, channel } });
    }
    if (!sent.ok) {
      flash(req, 'error', failureMessage(sent, now()));
      return renderSettings(app, req, res, { country, phone, channel }, 422);
    }
    flash(req, 'info', `We sent a code ${BY_CHANNEL[sent.channel]} to ${sent.maskedTo}.`);
    res.redirect(303, '/settings/confirm');
  });

  router.post('/settings/email', async (req, res) => {
    const email = field(req, 'email', 320); // longer than mfakit accepts (254), so a too-long one is refused, not cut
    if (!app.channels.has('email')) return res.redirect(303, '/settings'); // no email sender: the form is not shown
    const sent = await app.mfa.enrollEmail(signedInUser(res).id, email, ipOption(req));
    if (!sent.ok && sent.error === 'step_up_required') {
      return beginStepUp(app, req, res, { returnTo: '/settings', doing: 'add your email address', form: { email } });
    }
    if (!sent.ok) {
      flash(req, 'error', failureMessage(sent, now()));
      return renderSettings(app, req, res, { email }, 422);
    }
    flash(req, 'info', `We sent a code ${BY_CHANNEL[sent.channel]} to ${sent.maskedTo}.`);
    res.redirect(303, '/settings/confirm');
  });

  router.get('/settings/confirm', async (req, res) => {
    const status = await app.mfa.getStatus(signedInUser(res).id, { purpose: 'enroll' });
    // An authenticator being added has its own page (authenticator.ts): codes come from the app.
    const factor = status.factors.find((f) => f.status === 'pending' && f.channel !== 'totp');
    if (!factor) return res.redirect(303, '/settings');
    const live = status.pending?.purpose === 'enroll' && status.pending.factorId === factor.id && status.pending.state === 'live';
    res.set('Cache-Control', 'no-store');
    res.send(confirmEnrollmentPage(await pageContext(app, req, res), { factor, hasCode: live, resendInMs: status.nextSendInMs }));
  });

  router.post('/settings/confirm', async (req, res) => {
    const userId = signedInUser(res).id;
    const pending = (await app.mfa.listFactors(userId)).factors.find((f) => f.status === 'pending' && f.channel !== 'totp');
    const result = await app.mfa.confirmEnrollment(userId, field(req, 'code', 20), pending ? { factorId: pending.id } : {});
    if (result.ok) {
      flash(req, 'success', confirmedMessage(await app.mfa.getStatus(userId), result.factorId));
      return res.redirect(303, '/settings');
    }
    flash(req, 'error', failureMessage(result, now()));
    res.redirect(303, '/settings/confirm');
  });

  router.post('/settings/confirm/resend', async (req, res) => {
    const sent = await app.mfa.resend(signedInUser(res).id, { purpose: 'enroll', ...ipOption(req) });
    if (sent.ok) flash(req, 'success', `We sent a new code ${BY_CHANNEL[sent.channel]} to ${sent.maskedTo}.`);
    else if (sent.error === 'no_pending_code') flash(req, 'error', 'That enrollment has expired. Add it again.');
    else flash(req, 'error', failureMessage(sent, now()));
    res.redirect(303, sent.ok || sent.error !== 'no_pending_code' ? '/settings/confirm' : '/settings');
  });

  return router;
}
