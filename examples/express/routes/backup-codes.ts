/**
 * Backup codes: generate a set (or a new one, after a warning: the old codes stop working),
 * show it once with a download, and say how many are left (on the settings page).
 *
 * mfakit keeps only hashes of the codes. The app holds them in the session only from the
 * generating POST to the page that shows them (the redirect right after): that page takes
 * them out, and any other request drops them. The download is a `data:` link in that page,
 * so no URL can serve the codes again. A reload says "shown once" and offers a new set.
 *
 * Once the user has a confirmed factor, a new set needs a recent sign-in code: the user is
 * sent to "Confirm it's you" (step-up.ts) first. ADAPT: tell the user by email when a new
 * set is generated (mfakit's `backup.generated` event).
 * @module
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { type AppContext, field, pageContext } from '../context.js';
import { APP_NAME } from '../mfa-setup.js';
import { flash, requireUser, signedInUser } from '../session.js';
import { backupCodesPage, backupCodesText } from '../views/backup-codes.js';
import { confirmed, confirmPage } from '../views/confirm.js';
import { plural } from '../views/format.js';
import { beginStepUp, stepUpNeeded } from './step-up.js';

const PAGE = '/settings/backup-codes';

/** Any request but the page that shows them drops new codes still in the session. */
export function forgetBackupCodesElsewhere(req: Request, _res: Response, next: NextFunction): void {
  const showing = req.method === 'GET' && req.path === PAGE;
  if (!showing && req.session?.backupCodes) delete req.session.backupCodes;
  next();
}

export function backupCodeRoutes(app: AppContext): Router {
  const router = Router();
  router.use(PAGE, requireUser(app.users));

  router.post(PAGE, async (req, res) => {
    const user = signedInUser(res);
    const { factors } = await app.mfa.listFactors(user.id);
    // Backup codes stand in for another way: a first set needs one (a user down to backup
    // codes alone, after removing the rest, may still replace them).
    if (!factors.some((f) => f.status === 'active')) {
      flash(req, 'error', 'Add a number, an email address or an authenticator app first: backup codes stand in for it when it is not at hand.');
      return res.redirect(303, '/settings');
    }
    const current = factors.find((f) => f.channel === 'backup' && f.status === 'active');
    const stepUp = () => beginStepUp(app, req, res, { returnTo: '/settings', doing: current ? 'generate new backup codes' : 'generate backup codes' });
    // Ask for the code before "are you sure?", not after it.
    if (current && !confirmed(field(req, 'confirm')) && stepUpNeeded(await app.mfa.getStatus(user.id), app.clock.now())) return stepUp();
    if (current && !confirmed(field(req, 'confirm'))) {
      // A set exists: say what a new one does, and ask again (a second post with confirm=yes).
      const left = current.backupCodesLeft ?? 0;
      return res.set('Cache-Control', 'no-store').send(
        confirmPage(await pageContext(app, req, res), {
          title: 'Generate new backup codes?',
          consequence: `Your current backup codes${left > 0 ? ` (${plural(left, 'unused code')})` : ''} stop working at once, including any you printed or saved. Only the new ones will work.`,
          action: PAGE,
          confirmLabel: 'Yes, generate new codes',
          cancelHref: '/settings',
        }),
      );
    }
    const generated = await app.mfa.generateBackupCodes(user.id);
    // step_up_required (its only refusal): the 10 minutes ran out, or it was never asked.
    if (!generated.ok) return stepUp();
    req.session.backupCodes = generated.codes;
    res.redirect(303, PAGE);
  });

  // The only place the codes are ever shown: taken out of the session as the page is built.
  router.get(PAGE, async (req, res) => {
    const user = signedInUser(res);
    const codes = req.session.backupCodes;
    delete req.session.backupCodes;
    if (!codes) {
      flash(req, 'info', 'Backup codes are shown only once, when they are generated. If you did not save them, generate new ones (the current ones then stop working).');
      return res.redirect(303, '/settings');
    }
    const generatedAt = app.clock.now();
    const text = backupCodesText({ appName: APP_NAME, username: user.username, codes, generatedAt });
    // no-store: the codes must not stay in the browser's cache or history.
    res.set('Cache-Control', 'no-store');
    res.send(backupCodesPage(await pageContext(app, req, res), { codes, text, generatedAt }));
  });

  router.post(`${PAGE}/saved`, async (req, res) => {
    const backup = (await app.mfa.listFactors(signedInUser(res).id)).factors.find((f) => f.channel === 'backup' && f.status === 'active');
    const left = backup?.backupCodesLeft ?? 0;
    flash(req, 'success', `Your backup codes are ready: ${plural(left, 'code')} left. At sign-in, choose “Try another way” to use one.`);
    res.redirect(303, '/settings');
  });

  return router;
}
