/**
 * Inbound SMS webhook for development without a provider (`SMS_PROVIDER` unset, or `sns`
 * only): a STOP reply means the number must never be texted again, so every factor on it
 * becomes `invalid` (mfakit's `handleOptOut`). Accepts Twilio-style form fields (`From`,
 * `Body`) and answers with empty TwiML.
 *
 * With Twilio or Vonage configured this route is not mounted: their signed webhooks
 * (provider-webhooks.ts) check the provider's signature instead. Here a shared token in the
 * query string (`SMS_WEBHOOK_TOKEN`) stands in for a signature, compared in constant time.
 * Without a token the route refuses every request, in every mode, because an open route
 * lets anyone switch off anyone's MFA number. Only `SMS_WEBHOOK_INSECURE_NO_TOKEN=1`
 * (development only, announced loudly at start-up) opens it without a token.
 * @module
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { StartupError } from '../startup-error.js';
import { field } from '../context.js';

/** Opt-out keywords carriers and providers treat as STOP (US CTIA list, plus Twilio's extras). */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** How the webhook authenticates its caller. */
export type WebhookAuth = { readonly kind: 'token'; readonly token: string } | { readonly kind: 'closed' } | { readonly kind: 'insecure-open' };

/**
 * Picks the webhook's authentication: a token when one is set; otherwise closed, unless the
 * insecure flag is set, which production refuses.
 */
export function webhookAuth(o: { token: string | undefined; insecureNoToken: boolean; production: boolean }): WebhookAuth {
  if (o.token !== undefined && o.token !== '') return { kind: 'token', token: o.token };
  if (!o.insecureNoToken) return { kind: 'closed' };
  if (o.production) throw new StartupError('SMS_WEBHOOK_INSECURE_NO_TOKEN is refused when NODE_ENV=production: set SMS_WEBHOOK_TOKEN.');
  return { kind: 'insecure-open' };
}

/** The loud start-up line for each mode (`undefined`: nothing to say). */
export function webhookNotice(auth: WebhookAuth): string | undefined {
  if (auth.kind === 'closed') return 'SMS webhook: closed (every request refused) until SMS_WEBHOOK_TOKEN is set.';
  if (auth.kind === 'insecure-open') {
    return '!!! INSECURE: SMS_WEBHOOK_INSECURE_NO_TOKEN=1: POST /webhooks/sms accepts STOP for any number from ANYONE, without a token. Development only.';
  }
  return undefined;
}

function authorized(req: Request, auth: WebhookAuth): boolean {
  if (auth.kind === 'closed') return false;
  if (auth.kind === 'insecure-open') return true;
  const given = typeof req.query['token'] === 'string' ? req.query['token'] : '';
  // Hash both sides first: timingSafeEqual needs equal lengths, and the length must not leak either.
  return timingSafeEqual(digest(given), digest(auth.token));
}

export function webhookRoutes(app: AppContext, auth: WebhookAuth): Router {
  const router = Router();
  router.post('/webhooks/sms', async (req, res) => {
    if (!authorized(req, auth)) return res.status(403).type('text/plain').send('forbidden');
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
