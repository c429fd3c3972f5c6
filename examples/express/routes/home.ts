/** The home page (signed-in users) and the root redirect. @module */
import { Router } from 'express';
import { type AppContext, pageContext } from '../context.js';
import { requireUser, signedInUser } from '../session.js';
import { homePage } from '../views/home.js';

export function homeRoutes(app: AppContext): Router {
  const router = Router();
  router.get('/', (req, res, next) => {
    if (req.session.userId !== undefined) return next();
    res.redirect(303, req.session.pendingUserId !== undefined ? '/mfa' : '/login');
  });
  router.get('/', requireUser(app.users), async (req, res) => {
    const user = signedInUser(res);
    const [{ factors, signInFactorId }, need] = await Promise.all([app.mfa.getStatus(user.id), app.mfa.requiresMfa(user.id)]);
    const exception = req.session.skippedMfa === 'exception' && !need.required && need.reason === 'exception' ? need.exception : undefined;
    res.send(homePage(await pageContext(app, req, res), { factors, signInFactorId, exception }));
  });
  return router;
}
