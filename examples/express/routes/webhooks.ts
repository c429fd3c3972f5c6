/**
 * Inbound SMS webhook: a STOP reply means the number must never be texted again, so every
 * factor on it becomes `invalid` (mfakit's `handleOptOut`). Accepts Twilio-style form
 * fields (`From`, `Body`) and answers with empty TwiML.
 *
 * ADAPT: authenticate the provider. With Twilio, check the `X-Twilio-Signature` header
 * (`twilio.validateRequest`); other providers sign their webhooks too. Here a shared token
 * in the query string (`SMS_WEBHOOK_TOKEN`) stands in for that; in production the route
 * refuses every request until one is configured, because an open route would let anyone
 * switch off anyone's MFA number.
 * @module
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { field } from '../context.js';

/** Opt-out keywords carriers and providers treat as STOP (US CTIA list, plus Twilio's extras). */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const digest = (s: string) => createHash('sha256').update(s).digest();

function authorized(req: Request, token: string | undefined, production: boolean): boolean {
  if (token === undefined) return !production;
  const given = typeof req.query['token'] === 'string' ? req.query['token'] : '';
  return timingSafeEqual(digest(given), digest(token));
}

export function webhookRoutes(app: AppContext, opts: { token: string | undefined }): Router {
  const router = Router();
  router.post('/webhooks/sms', async (req, res) => {
    if (!authorized(req, opts.token, app.production)) return res.status(403).type('text/plain').send('forbidden');
    const from = field(req, 'From', 64);
    const body = field(req, 'Body', 1600).trim().toUpperCase().replace(/\s+/g, ' ');
    if (!from) return res.status(400).type('text/plain').send('missing From');
    if (STOP_WORDS.has(body)) {
      const result = await app.mfa.handleOptOut(from);
      // An unparsable number is answered like any other message: there is nothing to do.
      if (result.ok && result.invalidated > 0) app.log(`[webhook] STOP: ${result.invalidated} factor(s) invalidated`);
    }
    // Any other reply (HELP, START, chatter) needs no action from mfakit.
    res.type('text/xml').send(TWIML_EMPTY);
  });
  return router;
}
