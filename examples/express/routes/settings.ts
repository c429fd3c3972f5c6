/**
 * Security settings: the list of factors (numbers for texts or calls, email addresses),
 * choosing the preferred one, removing one. Adding one is in `enroll.ts`.
 *
 * ADAPT: changing MFA settings is sensitive. A production app should ask for the password
 * (or a fresh MFA code) again before these actions if the sign-in is more than a few
 * minutes old ("step-up"), and notify the user by email when a factor is added or removed.
 * @module
 */
import { Router, type Request, type Response } from 'express';
import { type AppContext, field, pageContext } from '../context.js';
import { flash, requireUser, signedInUser } from '../session.js';
import { confirmed, confirmPage } from '../views/confirm.js';
import { described, THING } from '../views/factor-labels.js';
import { failureMessage } from '../views/messages.js';
import { settingsPage, type SettingsForm } from '../views/settings.js';
import { afterRemoval, removalConsequence } from './factor-order.js';

/** The settings page, with what the user typed kept in the forms (after a refusal). */
export async function renderSettings(app: AppContext, req: Request, res: Response, form: Partial<SettingsForm> = {}, status = 200): Promise<void> {
  const { factors } = await app.mfa.listFactors(signedInUser(res).id);
  const channels = { voice: app.channels.has('voice'), email: app.channels.has('email') };
  res.status(status).send(settingsPage(await pageContext(app, req, res), { factors, channels, form: { country: 'US', phone: '', channel: 'sms', email: '', ...form } }));
}

export function settingsRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/settings', requireUser(app.users));
  const now = () => app.clock.now();

  router.get('/settings', (req, res) => renderSettings(app, req, res));

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
    if (!confirmed(field(req, 'confirm'))) {
      if (!factor) {
        flash(req, 'error', failureMessage({ ok: false, error: 'factor_not_found' }, now()));
        return res.redirect(303, '/settings');
      }
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
    if (result.ok) flash(req, 'success', `The ${thing} was removed.${afterRemoval(before, req.params.id, await app.mfa.getStatus(userId))}`);
    else flash(req, 'error', failureMessage(result, now()));
    res.redirect(303, '/settings');
  });

  return router;
}
