/**
 * Sign-in and sign-out. After the password: skip MFA (exception list, or no number yet) or
 * send a code and go to the challenge page.
 * @module
 */
import { Router } from 'express';
import { type AppContext, field, pageContext } from '../context.js';
import { completeSignIn, flash, signOut, startPending } from '../session.js';
import { loginPage } from '../views/login.js';
import { failureMessage } from '../views/messages.js';

/** The one message for an unknown user and a wrong password: never reveal which it was. */
export const BAD_CREDENTIALS = 'Wrong username or password.';

export function authRoutes(app: AppContext): Router {
  const router = Router();
  const demoUsers = app.demoUsers?.map(({ username, password, role }) => ({ username, password, role }));
  const opts = (username?: string) => ({ ...(username !== undefined ? { username } : {}), ...(demoUsers ? { demoUsers } : {}) });

  router.get('/login', async (req, res) => {
    if (req.session.userId !== undefined) return res.redirect(303, '/');
    res.send(loginPage(await pageContext(app, req, res), opts()));
  });

  // ADAPT: put a rate limiter (e.g. express-rate-limit, per IP and per username) in front of
  // this route; mfakit limits code guessing, not password guessing.
  router.post('/login', async (req, res) => {
    const username = field(req, 'username', 100);
    const user = await app.users.authenticate(username, field(req, 'password', 200));
    if (!user) {
      flash(req, 'error', BAD_CREDENTIALS);
      return res.status(401).send(loginPage(await pageContext(app, req, res), opts(username)));
    }

    const need = await app.mfa.requiresMfa(user.id);
    if (need.ok && !need.required) {
      await completeSignIn(req, user.id, need.reason);
      if (need.reason === 'not_enrolled') {
        // Choice made in this example: let the user in and ask them to set up a number
        // (a banner stays until they do). A stricter app would allow only the enrollment
        // page in this state.
        flash(req, 'info', 'Welcome! Add a phone number so that sign-in also needs a code sent to you.');
        return res.redirect(303, '/settings');
      }
      return res.redirect(303, '/');
    }

    await startPending(req, user.id, app.clock.now());
    const sent = await app.mfa.startChallenge(user.id);
    if (!sent.ok) {
      if (sent.error === 'resend_cooldown') {
        // A code went out less than 30 s ago (e.g. signing in twice): it is still valid.
        flash(req, 'info', failureMessage(sent, app.clock.now()));
      } else if (sent.error !== 'locked_out') {
        // locked_out is shown by the challenge page itself.
        flash(req, 'error', failureMessage(sent, app.clock.now()));
      }
    }
    res.redirect(303, '/mfa');
  });

  router.post('/logout', async (req, res) => {
    await signOut(req, res);
    res.redirect(303, '/login');
  });

  return router;
}
