/**
 * Adding an authenticator app (TOTP): `enrollTotp` gives a secret and an `otpauth://` URI;
 * the page shows both (the URI as a QR code), and the first code the app shows confirms it.
 *
 * The secret lives in the session only while this page is in use: it is dropped when the
 * factor is confirmed, when the user opens any other page, and at sign-out. It is never
 * logged nor put in a flash message. Once the user has a confirmed factor, a new one needs a
 * recent sign-in code: a `step_up_required` refusal goes to "Confirm it's you" (step-up.ts).
 * @module
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Failure } from 'mfakit';
import QRCode from 'qrcode';
import { type AppContext, field, pageContext } from '../context.js';
import { flash, requireUser, signedInUser } from '../session.js';
import { authenticatorPage } from '../views/authenticator.js';
import { failureMessage, failuresHint } from '../views/messages.js';
import { confirmedMessage } from './factor-order.js';
import { beginStepUp } from './step-up.js';

const PAGE = '/settings/authenticator';

/** Leaving the page (any other page opened) forgets the secret: the user starts again. */
export function forgetTotpSecretElsewhere(req: Request, _res: Response, next: NextFunction): void {
  const away = req.method === 'GET' && !req.path.startsWith(PAGE) && !req.path.startsWith('/assets/') && req.path !== '/favicon.ico';
  if (away && req.session?.totpEnrollment) delete req.session.totpEnrollment;
  next();
}

/** A wrong first code, in words for this page. */
function refusal(f: Failure, now: number): string {
  if (f.error === 'code_mismatch') {
    return `That code is not right. Enter the code your authenticator app shows now for this account (it changes every 30 seconds).${failuresHint(f.failuresLeft)}`;
  }
  if (f.error === 'malformed_code') return 'Enter the 6 digits the app shows.';
  return failureMessage(f, now);
}

export function authenticatorRoutes(app: AppContext): Router {
  const router = Router();
  router.use(PAGE, requireUser(app.users));
  const now = () => app.clock.now();

  // Start (or start again): a new secret. An earlier unconfirmed authenticator is dropped.
  router.post(PAGE, async (req, res) => {
    const user = signedInUser(res);
    const { factors } = await app.mfa.listFactors(user.id);
    for (const f of factors) if (f.channel === 'totp' && f.status === 'pending') await app.mfa.removeFactor(user.id, f.id);
    const started = await app.mfa.enrollTotp(user.id, { label: user.username });
    if (!started.ok) return beginStepUp(app, req, res, { returnTo: '/settings', doing: 'add an authenticator app' });
    req.session.totpEnrollment = { factorId: started.factorId, secret: started.secret, uri: started.uri };
    res.redirect(303, PAGE);
  });

  router.get(PAGE, async (req, res) => {
    const user = signedInUser(res);
    const pending = req.session.totpEnrollment;
    const factor = pending && (await app.mfa.listFactors(user.id)).factors.find((f) => f.id === pending.factorId);
    if (!pending || factor?.status !== 'pending') {
      delete req.session.totpEnrollment;
      flash(req, 'info', 'To add an authenticator app, start again: you will get a new key.');
      return res.redirect(303, '/settings');
    }
    const qrSvg = await QRCode.toString(pending.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const issuer = new URL(pending.uri).searchParams.get('issuer') ?? '';
    // no-store: the secret must not stay in the browser's cache or history.
    res.set('Cache-Control', 'no-store');
    res.send(authenticatorPage(await pageContext(app, req, res), { qrSvg, secret: pending.secret, label: user.username, issuer }));
  });

  router.post(`${PAGE}/confirm`, async (req, res) => {
    const userId = signedInUser(res).id;
    const pending = req.session.totpEnrollment;
    if (!pending) return res.redirect(303, PAGE); // says "start again"
    const result = await app.mfa.confirmEnrollment(userId, field(req, 'code', 20), { factorId: pending.factorId });
    if (!result.ok) {
      flash(req, 'error', refusal(result, now()));
      return res.redirect(303, PAGE);
    }
    delete req.session.totpEnrollment;
    flash(req, 'success', confirmedMessage(await app.mfa.getStatus(userId), result.factorId));
    res.redirect(303, '/settings');
  });

  return router;
}
