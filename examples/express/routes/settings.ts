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
import type { FactorView } from 'mfakit';
import { type AppContext, field, pageContext } from '../context.js';
import { flash, requireUser, signedInUser } from '../session.js';
import { failureMessage, COUNTRIES } from '../views/messages.js';
import { confirmed, confirmPage } from '../views/confirm.js';
import { confirmEnrollmentPage, settingsPage } from '../views/settings.js';

/**
 * The factor a sign-in challenge would use: the preferred one if usable, else the most
 * recently used, else the oldest (mfakit's order, for the SMS-only case).
 * ADAPT: mfakit does not expose this choice; keep it in step with its documented order.
 */
export function signInFactor(factors: readonly FactorView[], enabled: (f: FactorView) => boolean): FactorView | undefined {
  const usable = factors.filter((f) => f.status === 'active' && enabled(f));
  return (
    usable.find((f) => f.preferred) ??
    [...usable].sort((a, b) => (b.lastUsedAt ?? -1) - (a.lastUsedAt ?? -1) || a.createdAt - b.createdAt)[0]
  );
}

const label = (f: FactorView) => f.maskedPhone ?? f.channel;

/** What the user reads after confirming a number: whether sign-in codes now go to it. */
export function confirmedMessage(factors: readonly FactorView[], confirmedId: string, enabled: (f: FactorView) => boolean): string {
  const added = factors.find((f) => f.id === confirmedId);
  const first = signInFactor(factors, enabled);
  const head = added ? `Your number ${label(added)} is confirmed.` : 'Your number is confirmed.';
  if (!first || first.id === confirmedId) return `${head} Sign-in will now ask for a code sent to it.`;
  return `${head} Sign-in codes still go to ${label(first)} first; choose “Make preferred” to use the new number instead.`;
}

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

  const enabled = (f: FactorView) => app.mfa.isChannelEnabled(f.channel);

  router.post('/settings/sms/confirm', async (req, res) => {
    const userId = signedInUser(res).id;
    const result = await app.mfa.confirmEnrollment(userId, field(req, 'code', 20));
    if (result.ok) {
      const { factors } = await app.mfa.listFactors(userId);
      flash(req, 'success', confirmedMessage(factors, result.factorId, enabled));
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
    const userId = signedInUser(res).id;
    const result = await app.mfa.setPreferred(userId, req.params.id);
    if (result.ok) {
      const chosen = (await app.mfa.listFactors(userId)).factors.find((f) => f.id === req.params.id);
      flash(req, 'success', `Sign-in codes will now go to ${chosen ? label(chosen) : 'this number'} first.`);
    } else flash(req, 'error', failureMessage(result, now()));
    res.redirect(303, '/settings');
  });

  router.post('/settings/factors/:id/remove', async (req, res) => {
    const userId = signedInUser(res).id;
    if (!confirmed(field(req, 'confirm'))) {
      // First post: say what removing it means, and ask again (a second post with confirm=yes).
      const { factors } = await app.mfa.listFactors(userId);
      const factor = factors.find((f) => f.id === req.params.id);
      if (!factor) {
        flash(req, 'error', failureMessage({ ok: false, error: 'factor_not_found' }, now()));
        return res.redirect(303, '/settings');
      }
      return res.set('Cache-Control', 'no-store').send(
        confirmPage(await pageContext(app, req, res), {
          title: `Remove ${label(factor)}?`,
          consequence: removalConsequence(factors, factor, enabled),
          action: `/settings/factors/${encodeURIComponent(factor.id)}/remove`,
          confirmLabel: 'Yes, remove this number',
          cancelHref: '/settings',
        }),
      );
    }
    // ADAPT: removing the last number switches MFA off for this user (requiresMfa says
    // `not_enrolled`). Some teams forbid that, or require a replacement first.
    const result = await app.mfa.removeFactor(userId, req.params.id);
    if (result.ok) flash(req, 'success', 'The number was removed.');
    else flash(req, 'error', failureMessage(result, now()));
    res.redirect(303, '/settings');
  });

  return router;
}

/** What removing `factor` changes for sign-in. */
function removalConsequence(factors: readonly FactorView[], factor: FactorView, enabled: (f: FactorView) => boolean): string {
  const others = factors.filter((f) => f.id !== factor.id && f.status === 'active');
  if (factor.status !== 'active') return 'It is not in use for sign-in; removing it changes nothing else.';
  if (others.length === 0) {
    return 'It is your only number: sign-in will no longer ask for a code until you add another, so your account is protected by the password alone.';
  }
  const next = signInFactor(others, enabled) ?? others[0];
  return `Sign-in codes will then go to ${next ? label(next) : 'your other number'}. To use this number again you will have to add and confirm it again.`;
}
