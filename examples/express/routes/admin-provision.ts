/**
 * `POST /admin/work-phone`: an admin provisions a verified work phone for a user
 * (`addVerifiedFactor(userId, { phone, country }, { by: admin id, reason })`). The number is
 * checked as at enrollment (a landline, an invalid number or a country not allowed is refused,
 * and nothing is stored), becomes an active SMS factor with no code sent, and `factor.enrolled`
 * carries who and why. Mounted behind the admin guard (routes/admin.ts).
 * @module
 */
import { Router } from 'express';
import { type AppContext, field, reasonOf } from '../context.js';
import { flash, signedInUser } from '../session.js';
import { COUNTRIES, failureMessage } from '../views/messages.js';

export function adminProvisionRoutes(app: AppContext): Router {
  const router = Router();

  router.post('/admin/work-phone', async (req, res) => {
    const admin = signedInUser(res);
    const user = app.users.get(field(req, 'userId'));
    const phone = field(req, 'phone', 40).trim();
    const country = COUNTRIES.find((c) => c.code === field(req, 'country'))?.code;
    const reason = reasonOf(field(req, 'reason'));
    if (!user) flash(req, 'error', 'No such user.');
    // Not a way around the admin's own step-up: their own numbers change in Security settings.
    else if (user.id === admin.id) flash(req, 'error', 'Add your own numbers in Security settings: it asks you for a code first.');
    else if (!phone) flash(req, 'error', 'Enter the work phone number.');
    else if (!country) flash(req, 'error', 'Pick a country from the list.');
    else if (!reason) flash(req, 'error', 'Give a reason: it is kept in the audit log with your name.');
    else {
      const result = await app.mfa.addVerifiedFactor(user.id, { phone, country }, { by: admin.id, reason });
      if (!result.ok) flash(req, 'error', failureMessage(result, app.clock.now()));
      else {
        const added = (await app.mfa.listFactors(user.id)).factors.find((f) => f.id === result.factorId);
        flash(req, 'success', `${user.username}'s work phone ${added?.maskedPhone ?? ''} is active for sign-in codes by text message. No code was sent.`);
      }
    }
    res.redirect(303, '/admin');
  });

  return router;
}
