/**
 * Sign-in and sign-out. After the password: skip MFA (a remembered browser, the exception
 * list, or no number yet) or send a code and go to the challenge page.
 * @module
 */
import { Router } from 'express';
import { type AppContext, field, ipOption, pageContext } from '../context.js';
import type { LoginThrottle, Throttled } from '../login-throttle.js';
import { forgetBrowser, rememberedToken } from '../remembered-browser.js';
import { completeSignIn, flash, signOut, startPending } from '../session.js';
import { loginPage } from '../views/login.js';
import { formatDuration, formatTime } from '../views/format.js';
import { challengeFlash } from '../views/messages.js';
import { liveSignInCode, rememberChallenge } from './challenge.js';

/** The one message for an unknown user and a wrong password: never reveal which it was. */
export const BAD_CREDENTIALS = 'Wrong username or password.';

/** The refusal when the password-guessing limit is reached (the same for known and unknown usernames). */
export function throttledMessage(t: Throttled): string {
  const who = t.scope === 'account' ? 'for this username' : 'from your network';
  return `Too many wrong passwords ${who}. Try again in ${formatDuration(t.retryAfterMs)}.`;
}

export function authRoutes(app: AppContext, throttle: LoginThrottle): Router {
  const router = Router();
  const demoUsers = app.demoUsers?.map(({ username, password, role }) => ({ username, password, role }));
  const opts = (username?: string) => ({ ...(username !== undefined ? { username } : {}), ...(demoUsers ? { demoUsers } : {}) });

  router.get('/login', async (req, res) => {
    if (req.session.userId !== undefined) return res.redirect(303, '/');
    res.send(loginPage(await pageContext(app, req, res), opts()));
  });

  // mfakit limits code guessing; the password in front of it has its own limit (login-throttle.ts).
  router.post('/login', async (req, res) => {
    const username = field(req, 'username', 100);
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const throttled = await throttle.check(username, ip);
    if (throttled) {
      flash(req, 'error', throttledMessage(throttled));
      res.set('Retry-After', String(Math.ceil(throttled.retryAfterMs / 1000)));
      return res.status(429).send(loginPage(await pageContext(app, req, res), opts(username)));
    }
    const user = await app.users.authenticate(username, field(req, 'password', 200));
    if (!user) {
      await throttle.failed(username, ip);
      flash(req, 'error', BAD_CREDENTIALS);
      return res.status(401).send(loginPage(await pageContext(app, req, res), opts(username)));
    }
    await throttle.succeeded(username);

    // A browser remembered at an earlier sign-in ("Remember this browser") skips the code
    // while mfakit still trusts its token; any other answer asks for one as usual.
    const deviceToken = rememberedToken(req, app.production);
    const need = await app.mfa.requiresMfa(user.id, { method: 'password', ...(deviceToken !== undefined ? { deviceToken } : {}) });
    // Not trusted any more (expired, forgotten, sign-in methods changed, tampered): drop it.
    if (deviceToken !== undefined && need.required) forgetBrowser(res, app.production);
    if (need.ok && !need.required) {
      await completeSignIn(req, user.id, need.reason);
      if (need.reason === 'trusted_device') {
        flash(req, 'info', `No code was needed: this browser is remembered until ${formatTime(need.trustedUntil, app.clock.now())}.`);
        return res.redirect(303, '/');
      }
      if (need.reason === 'not_enrolled') {
        // Choice made in this example: let the user in and ask them to set up a number
        // (a banner stays until they do). A stricter app would allow only the enrollment
        // page in this state.
        flash(req, 'info', 'Welcome! Add a phone number or an email address so that sign-in also needs a code sent to you.');
        return res.redirect(303, '/settings');
      }
      return res.redirect(303, '/');
    }

    await startPending(req, user.id, app.clock.now());
    const sent = await app.mfa.startChallenge(user.id, ipOption(req));
    if (sent.ok) rememberChallenge(req, sent);
    else {
      // resend_cooldown with a live sign-in code: one went out less than 30 s ago (e.g.
      // signing in twice) and is still valid. Without one (the cooldown of an enrollment
      // code), the page shows "no active code" and the countdown, so no message.
      const liveCode = liveSignInCode(await app.mfa.getStatus(user.id)) !== undefined;
      const message = challengeFlash(sent, app.clock.now(), { liveCode });
      if (message) flash(req, sent.error === 'resend_cooldown' ? 'info' : 'error', message);
    }
    res.redirect(303, '/mfa');
  });

  router.post('/logout', async (req, res) => {
    await signOut(req, res);
    res.redirect(303, '/login');
  });

  return router;
}
