/**
 * `POST /admin/channels/:channel` (sms, voice, email): switches a channel on or off with
 * `mfa.setChannelEnabled(channel, enabled, { by: admin id, reason })`.
 *
 * The switch is one of mfakit's shared settings: it is kept in the store, so every instance
 * on the same store (every process behind the load balancer) obeys it at its next call, and
 * `getSettings()` shows every instance who switched it, when and why. Switching off asks
 * first, with a reason for the audit log; switching on acts at once (a reason is optional).
 * Mounted behind the admin guard (routes/admin.ts).
 * @module
 */
import { Router } from 'express';
import { type AppContext, field, pageContext, reasonOf } from '../context.js';
import type { CodeChannel } from '../dev-outbox.js';
import { flash, signedInUser } from '../session.js';
import { alreadyMessage, CODE_CHANNELS, IN_SENTENCE, SWITCH_OFF_CONSEQUENCE, switchedMessage } from '../views/admin-channels.js';
import { confirmed, confirmPage } from '../views/confirm.js';

const isCodeChannel = (value: string): value is CodeChannel => (CODE_CHANNELS as readonly string[]).includes(value);

export function adminChannelRoutes(app: AppContext): Router {
  const router = Router();

  router.post('/admin/channels/:channel', async (req, res) => {
    const channel = req.params.channel;
    const wanted = field(req, 'enabled');
    if (!isCodeChannel(channel) || (wanted !== 'on' && wanted !== 'off')) {
      flash(req, 'error', 'There is no such switch.');
      return res.redirect(303, '/admin');
    }
    const enabled = wanted === 'on';
    const reason = reasonOf(field(req, 'reason'));
    const current = (await app.mfa.getSettings()).channels[channel];
    if (!enabled && current.enabled && !(confirmed(field(req, 'confirm')) && reason)) {
      // Switching a channel off stops every sign-in that needs it, on every instance: ask
      // first, with the reason the audit log keeps (second post with confirm=yes).
      if (confirmed(field(req, 'confirm'))) flash(req, 'error', 'Give a reason: it is kept in the audit log with your name.');
      return res.set('Cache-Control', 'no-store').send(
        confirmPage(await pageContext(app, req, res), {
          title: `Switch ${IN_SENTENCE[channel]} off?`,
          consequence: SWITCH_OFF_CONSEQUENCE[channel],
          action: `/admin/channels/${channel}`,
          fields: { enabled: 'off' },
          input: { name: 'reason', label: 'Reason (kept in the audit log with your name)', placeholder: 'e.g. carrier outage, ticket #88', value: reason },
          confirmLabel: `Yes, switch ${IN_SENTENCE[channel]} off`,
          cancelHref: '/admin',
        }),
      );
    }
    const result = await app.mfa.setChannelEnabled(channel, enabled, { by: signedInUser(res).id, ...(reason ? { reason } : {}) });
    // Not changed: it already was (another admin, maybe on another instance, got there first);
    // the setting keeps their name and reason.
    if (result.changed) flash(req, enabled ? 'success' : 'info', switchedMessage(channel, enabled));
    else flash(req, 'info', alreadyMessage(channel, enabled));
    res.redirect(303, '/admin');
  });

  return router;
}
