/**
 * The providers' webhooks, each refused with 403 unless the provider's signature checks out
 * (mfakit's helpers from `mfakit/senders`), so nobody else can switch off a user's number:
 *
 * - `POST /webhooks/twilio/inbound` (a text to your Twilio number: STOP → `handleOptOut`) and
 *   `POST /webhooks/twilio/status` (`StatusCallback` → `handleDeliveryReport`): the
 *   `X-Twilio-Signature` header, HMAC-SHA1 under the Auth Token over the public URL and the
 *   sorted form parameters (`verifyTwilioSignature`).
 * - `GET|POST /webhooks/vonage/inbound` and `/webhooks/vonage/status` (SMS API inbound texts and
 *   delivery receipts): the `sig` parameter under the signature secret, with the Dashboard's
 *   signature method (`verifyVonageSmsSignature`), at most 5 minutes old; a request that
 *   carries `Authorization: Bearer` (the Messages API's signed webhooks) is checked as a JWT
 *   over the raw body instead (`verifyVonageSignature`).
 *
 * The signed URL is the public one (`PUBLIC_URL` + the path): behind a proxy or a tunnel,
 * `req.protocol` and `req.host` are the proxy's, not the address the provider called.
 * @module
 */
import express, { Router, type Request, type Response } from 'express';
import type { DeliveryReport, VonageSmsSignatureAlgorithm } from 'mfakit/senders';
import {
  parseTwilioInbound,
  parseTwilioStatus,
  parseVonageInbound,
  parseVonageStatus,
  verifyTwilioSignature,
  verifyVonageSignature,
  verifyVonageSmsSignature,
} from 'mfakit/senders';
import type { AppContext } from '../context.js';

export const TWILIO_INBOUND_PATH = '/webhooks/twilio/inbound';
export const TWILIO_STATUS_PATH = '/webhooks/twilio/status';
export const VONAGE_INBOUND_PATH = '/webhooks/vonage/inbound';
export const VONAGE_STATUS_PATH = '/webhooks/vonage/status';

/** How old a Vonage signature may be (its `timestamp`, or the JWT's `iat`), in seconds. */
const VONAGE_MAX_AGE_SECONDS = 300;

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** What the signed webhooks need. */
export interface ProviderWebhooks {
  /** The public base URL the providers call (`PUBLIC_URL`), without a trailing slash. */
  readonly publicUrl: string;
  /** Twilio's webhooks, signed with the account's Auth Token. */
  readonly twilio?: { readonly authToken: string };
  /** Vonage's webhooks, signed with the account's signature secret and method. */
  readonly vonage?: { readonly signatureSecret: string; readonly algorithm: VonageSmsSignatureAlgorithm };
}

// Providers send more fields than the app's forms (Twilio's inbound webhook has 20 or more).
const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
// Vonage signs the raw JSON body (its SHA-256 is in the JWT): keep it as text, parse it after.
const rawJson = express.text({ type: 'application/json', limit: '64kb' });

export function providerWebhookRoutes(app: AppContext, hooks: ProviderWebhooks): Router {
  const router = Router();
  const { twilio, vonage } = hooks;
  if (twilio) {
    const signed = (req: Request): boolean =>
      verifyTwilioSignature({
        authToken: twilio.authToken,
        url: `${hooks.publicUrl}${req.originalUrl}`,
        params: formOf(req),
        signature: req.get('X-Twilio-Signature'),
      });
    router.post(TWILIO_INBOUND_PATH, form, async (req, res) => {
      if (!signed(req)) return forbidden(res);
      const inbound = parseTwilioInbound(formOf(req));
      if (!inbound) return res.status(400).type('text/plain').send('missing From');
      if (inbound.isOptOut) await optOut(app, 'twilio', inbound.from);
      res.type('text/xml').send(TWIML_EMPTY); // no reply text: Twilio's own STOP answer is enough
    });
    router.post(TWILIO_STATUS_PATH, form, async (req, res) => {
      if (!signed(req)) return forbidden(res);
      const report = parseTwilioStatus(formOf(req));
      if (!report) return res.status(400).type('text/plain').send('not a status callback');
      await deliveryReport(app, 'twilio', report);
      res.status(204).end();
    });
  }
  if (vonage) {
    const signed = (req: Request, params: Readonly<Record<string, unknown>>): boolean => {
      const now = app.clock.now();
      const authorization = req.get('Authorization');
      if (authorization !== undefined && /^Bearer\s/i.test(authorization)) {
        const body = typeof req.body === 'string' ? req.body : '';
        return verifyVonageSignature({ signatureSecret: vonage.signatureSecret, authorization, body, maxAgeSeconds: VONAGE_MAX_AGE_SECONDS, now });
      }
      return verifyVonageSmsSignature({ signatureSecret: vonage.signatureSecret, params, algorithm: vonage.algorithm, maxAgeSeconds: VONAGE_MAX_AGE_SECONDS, now });
    };
    // Vonage calls with GET (query) or POST (form or JSON), as set in the Dashboard.
    router.all(VONAGE_INBOUND_PATH, form, rawJson, async (req, res) => {
      const params = vonageParams(req);
      if (!params || !signed(req, params)) return forbidden(res);
      const inbound = parseVonageInbound(params);
      if (!inbound) return res.status(400).type('text/plain').send('missing msisdn');
      if (inbound.isOptOut) await optOut(app, 'vonage', inbound.from);
      res.status(204).end();
    });
    router.all(VONAGE_STATUS_PATH, form, rawJson, async (req, res) => {
      const params = vonageParams(req);
      if (!params || !signed(req, params)) return forbidden(res);
      const report = parseVonageStatus(params);
      if (!report) return res.status(400).type('text/plain').send('not a delivery receipt');
      await deliveryReport(app, 'vonage', report);
      res.status(204).end();
    });
  }
  return router;
}

function forbidden(res: Response): void {
  res.status(403).type('text/plain').send('forbidden');
}

async function optOut(app: AppContext, provider: string, from: string): Promise<void> {
  const result = await app.mfa.handleOptOut(from);
  // An unknown or unparsable number gets the same answer: there is nothing to do.
  if (result.ok && result.invalidated > 0) app.log(`[webhook] ${provider} STOP: ${result.invalidated} factor(s) invalidated`);
}

async function deliveryReport(app: AppContext, provider: string, report: DeliveryReport): Promise<void> {
  // mfakit matches the message id to the factor; a permanent failure makes it invalid.
  // An unknown id (not ours, or older than 24 h) is answered 2xx too, or the provider retries.
  const handled = await app.mfa.handleDeliveryReport(report);
  if (handled.matched && handled.invalidated) app.log(`[webhook] ${provider} status ${report.status}: factor invalidated (${handled.invalidated})`);
}

/** The form body as flat string fields (`{}` when the body is not a form). */
function formOf(req: Request): Record<string, string | string[]> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  return body as Record<string, string | string[]>;
}

/**
 * Every parameter of a Vonage webhook: the query, then the form or JSON body. `undefined`
 * when a parameter is repeated or the JSON is not an object: such a request cannot be signed
 * as sent, so it is refused.
 */
function vonageParams(req: Request): Record<string, unknown> | undefined {
  let body: unknown = req.body ?? {};
  if (typeof body === 'string') {
    try {
      body = body === '' ? {} : JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const params: Record<string, unknown> = {};
  for (const [name, value] of [...Object.entries(req.query), ...Object.entries(body)]) {
    if (Array.isArray(value) || Object.hasOwn(params, name)) return undefined;
    params[name] = value;
  }
  return params;
}
