/**
 * Security settings: the list of factors (numbers for texts or calls, email addresses),
 * choosing the preferred one, removing one, forgetting the remembered browsers. Adding one
 * is in `enroll.ts`.
 *
 * Changing sign-in methods is sensitive: once the user has a confirmed factor, mfakit asks
 * for a sign-in code entered in the last 10 minutes ("step-up", `step_up_required`); the
 * routes then send the user to "Confirm it's you" (step-up.ts) and back. ADAPT: also notify
 * the user by email when a factor is added or removed (mfakit's events).
 * @module
 */
import { Router, type Request, type Response } from 'express';
import { type AppContext, field, pageContext } from '../context.js';
import { forgetBrowser } from '../remembered-browser.js';
import { flash, requireUser, signedInUser } from '../session.js';
import { confirmed, confirmPage } from '../views/confirm.js';
import { described, THING } from '../views/factor-labels.js';
import { failureMessage } from '../views/messages.js';
import { settingsPage, type SettingsForm } from '../views/settings.js';
import { afterRemoval, removalConsequence } from './factor-order.js';
import { beginStepUp, stepUpNeeded, takeSettingsForm } from './step-up.js';

/**
 * The settings page, with what the user typed kept in the forms (after a refusal, or a
 * step-up); it says when a change will first ask for a code (`getStatus().stepUpUntil`).
 */
export async function renderSettings(app: AppContext, req: Request, res: Response, form: Partial<SettingsForm> = {}, status = 200): Promise<void> {
  const mfaStatus = await app.mfa.getStatus(signedInUser(res).id);
  const channels = { voice: app.channels.has('voice'), email: app.channels.has('email') };
  const view = { factors: mfaStatus.factors, channels, form: { country: 'US', phone: '', channel: 'sms', email: '', ...form } as const, stepUpNeeded: stepUpNeeded(mfaStatus, app.clock.now()) };
  res.status(status).send(settingsPage(await pageContext(app, req, res), view));
}

export function settingsRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/settings', requireUser(app.users));
  const now = () => app.clock.now();

  router.get('/settings', (req, res) => renderSettings(app, req, res, takeSettingsForm(req)));

  router.post('/settings/factors/:id/preferred', async (req, res) => {
    const userId = signedInUser(res).id;
    const result = await app.mfa.setPreferred(userId, req.params.id);
    if (result.ok) {
      const chosen = (await app.mfa.listFactors(userId)).factors.find((f) => f.id === req.params.id);
      flash(req, 'success', `Sign-in codes will now go to ${chosen ? described(chosen) : 'it'} first.`);
    } else flash(req, 'error', failureMessage(result, now()));
    res.redirect(303, '/settings');
  });

  router.post('/settings/factors/:id/remove', async (req, res) => {
    const userId = signedInUser(res).id;
    const before = await app.mfa.getStatus(userId);
    const factor = before.factors.find((f) => f.id === req.params.id);
    const thing = factor ? THING[factor.channel] : 'number';
    // A confirmed factor: mfakit will ask for a recent code. Ask for it first, so the user
    // does not say "yes" to a removal that is then refused (a pending one needs none).
    const stepUp = () => beginStepUp(app, req, res, { returnTo: '/settings', doing: factor ? `remove ${described(factor)}` : `remove this ${thing}` });
    if (!confirmed(field(req, 'confirm'))) {
      if (!factor) {
        flash(req, 'error', failureMessage({ ok: false, error: 'factor_not_found' }, now()));
        return res.redirect(303, '/settings');
      }
      if (factor.status !== 'pending' && stepUpNeeded(before, now())) return stepUp();
      // First post: say what removing it means, and ask again (a second post with confirm=yes).
      return res.set('Cache-Control', 'no-store').send(
        confirmPage(await pageContext(app, req, res), {
          title: `Remove ${described(factor)}?`,
          consequence: removalConsequence(before, factor),
          action: `/settings/factors/${encodeURIComponent(factor.id)}/remove`,
          confirmLabel: `Yes, remove this ${thing}`,
          cancelHref: '/settings',
        }),
      );
    }
    // ADAPT: removing the last factor switches MFA off for this user (requiresMfa says
    // `not_enrolled`). Some teams forbid that, or require a replacement first.
    const result = await app.mfa.removeFactor(userId, req.params.id);
    // The 10 minutes ran out while the confirmation page was open.
    if (!result.ok && result.error === 'step_up_required') return stepUp();
    if (result.ok) flash(req, 'success', `The ${thing} was removed.${afterRemoval(before, req.params.id, await app.mfa.getStatus(userId))}`);
    else flash(req, 'error', failureMessage(result, now()));
    res.redirect(303, '/settings');
  });

  // "Forget remembered browsers": every device token of the user stops working (mfakit keeps
  // none, so it ends them all at once); this browser's cookie goes too. Needs no step-up: it
  // only takes trust away.
  router.post('/settings/devices/forget', async (req, res) => {
    const userId = signedInUser(res).id;
    await app.mfa.revokeTrustedDevices(userId, { by: userId, reason: 'user request' });
    forgetBrowser(res, app.production);
    flash(req, 'success', 'Every browser you had remembered asks for a code at its next sign-in, this one included.');
    res.redirect(303, '/settings');
  });

  return router;
}
