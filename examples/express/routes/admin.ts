/**
 * Admin: the page, unlock, forgetting a user's remembered browsers, removing a user's sign-in method (a lost phone), exception list;
 * the channel switches (admin-channels.ts), provisioning a work phone (admin-provision.ts) and
 * the audit page (admin-audit.ts) are mounted here, behind the same guard.
 *
 * Every mfakit call names the admin by id (`by`) with the reason they typed: the events carry
 * both to the audit log and the audit page.
 * @module
 */
import { Router } from 'express';
import { type AppContext, field, pageContext, reasonOf } from '../context.js';
import { flash, requireAdmin, signedInUser } from '../session.js';
import { adminPage } from '../views/admin.js';
import { CODE_CHANNELS } from '../views/admin-channels.js';
import { confirmed, confirmPage } from '../views/confirm.js';
import { described, THING } from '../views/factor-labels.js';
import { failureMessage } from '../views/messages.js';
import { adminAuditRoutes } from './admin-audit.js';
import { adminChannelRoutes } from './admin-channels.js';
import { adminProvisionRoutes } from './admin-provision.js';

const HOUR = 60 * 60_000;

export function adminRoutes(app: AppContext): Router {
  const router = Router();
  router.use('/admin', requireAdmin(app.users));
  router.use(adminChannelRoutes(app), adminProvisionRoutes(app), adminAuditRoutes(app));

  router.get('/admin', async (req, res) => {
    const users = await Promise.all(app.users.list().map(async (user) => ({ user, status: await app.mfa.getStatus(user.id) })));
    const exceptions = await app.mfa.exceptions.list();
    // The shared settings: what every instance on the store obeys now.
    const { channels } = await app.mfa.getSettings();
    const rows = CODE_CHANNELS.map((channel) => ({ channel, setting: channels[channel], offered: app.channels.has(channel) }));
    res.set('Cache-Control', 'no-store');
    res.send(adminPage(await pageContext(app, req, res), { channels: rows, users, exceptions }));
  });

  router.post('/admin/users/:id/unlock', async (req, res) => {
    const user = app.users.get(req.params.id);
    if (!user) {
      flash(req, 'error', 'No such user.');
      return res.redirect(303, '/admin');
    }
    const { wasLocked } = await app.mfa.unlock(user.id, { by: signedInUser(res).id, reason: 'unlocked from the admin page' });
    flash(req, 'success', wasLocked ? `${user.username} is unlocked.` : `${user.username} was not locked; the wrong-code count is reset.`);
    res.redirect(303, '/admin');
  });

  // A lost laptop, a shared computer: every browser the user had remembered asks for a code again.
  router.post('/admin/users/:id/devices/forget', async (req, res) => {
    const user = app.users.get(req.params.id);
    if (!user) {
      flash(req, 'error', 'No such user.');
      return res.redirect(303, '/admin');
    }
    await app.mfa.revokeTrustedDevices(user.id, { by: signedInUser(res).id, reason: 'forgotten from the admin page' });
    flash(req, 'success', `Every browser ${user.username} had remembered asks for a code at its next sign-in.`);
    res.redirect(303, '/admin');
  });

  // A user lost their phone: an admin removes that sign-in method for them. mfakit needs no
  // step-up from the user for this; it records who did it and why (`factor.removed`: by, reason).
  router.post('/admin/users/:id/factors/:factorId/remove', async (req, res) => {
    const admin = signedInUser(res);
    const user = app.users.get(req.params.id);
    const factor = user && (await app.mfa.listFactors(user.id)).factors.find((f) => f.id === req.params.factorId);
    const reason = reasonOf(field(req, 'reason'));
    if (!user || !factor) {
      flash(req, 'error', user ? 'That sign-in method is no longer on the account.' : 'No such user.');
      return res.redirect(303, '/admin');
    }
    if (user.id === admin.id) {
      // Not a way around the admin's own step-up: their own methods change in Security settings.
      flash(req, 'error', 'Change your own sign-in methods in Security settings: it asks you for a code first.');
      return res.redirect(303, '/admin');
    }
    if (!reason) {
      flash(req, 'error', 'Give a reason: it is kept in the audit log with your name.');
      return res.redirect(303, '/admin');
    }
    const action = `/admin/users/${encodeURIComponent(user.id)}/factors/${encodeURIComponent(factor.id)}/remove`;
    if (!confirmed(field(req, 'confirm'))) {
      return res.set('Cache-Control', 'no-store').send(
        confirmPage(await pageContext(app, req, res), {
          title: `Remove ${user.username}'s ${THING[factor.channel]}?`,
          consequence: `${factor.channel === 'totp' || factor.channel === 'backup' ? `${user.username}'s ${THING[factor.channel]}` : described(factor)} stops working for sign-in at once. Reason kept in the audit log with your name: “${reason}”.`,
          action,
          fields: { reason },
          confirmLabel: `Yes, remove this ${THING[factor.channel]}`,
          cancelHref: '/admin',
        }),
      );
    }
    const result = await app.mfa.removeFactor(user.id, factor.id, { by: admin.id, reason });
    if (result.ok) flash(req, 'success', `${user.username}'s ${THING[factor.channel]} was removed.`);
    else flash(req, 'error', failureMessage(result, app.clock.now()));
    res.redirect(303, '/admin');
  });

  router.post('/admin/exceptions', async (req, res) => {
    const admin = signedInUser(res);
    const user = app.users.get(field(req, 'userId'));
    const reason = reasonOf(field(req, 'reason'));
    const hours = Number(field(req, 'expiresInHours') || '0');
    if (!user) flash(req, 'error', 'No such user.');
    else if (!reason) flash(req, 'error', 'Give a reason: it is kept with the entry for audits.');
    else if (!Number.isInteger(hours) || hours < 0 || hours > 24 * 90) flash(req, 'error', 'Pick an expiry from the list.');
    else {
      const result = await app.mfa.exceptions.add(user.id, {
        by: admin.id,
        reason,
        ...(hours > 0 ? { expiresAt: app.clock.now() + hours * HOUR } : {}),
      });
      if (result.ok) flash(req, 'success', `${user.username} can now sign in without a code.`);
      else flash(req, 'error', failureMessage(result, app.clock.now()));
    }
    res.redirect(303, '/admin');
  });

  router.post('/admin/exceptions/:id/remove', async (req, res) => {
    const reason = reasonOf(field(req, 'reason'));
    const { removed } = await app.mfa.exceptions.remove(req.params.id, { by: signedInUser(res).id, ...(reason ? { reason } : {}) });
    flash(req, removed ? 'success' : 'error', removed ? 'Removed from the exception list.' : 'That user was not on the list.');
    res.redirect(303, '/admin');
  });

  return router;
}
