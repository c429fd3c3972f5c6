import { createHmac, timingSafeEqual } from 'node:crypto';
import { isPermanentReason } from './delivery-error.js';
import { isOptOutText, param, type DeliveryReport, type DeliveryStatus, type InboundMessage } from './reports.js';
import { twilioReason, twilioRetryable } from './twilio-api.js';

/** Twilio's message (and call) statuses in mfakit's vocabulary. */
const STATUSES: Readonly<Record<string, DeliveryStatus>> = {
  accepted: 'accepted', scheduled: 'accepted', queued: 'accepted', sending: 'accepted', initiated: 'accepted',
  sent: 'sent', ringing: 'sent', 'in-progress': 'sent',
  delivered: 'delivered', read: 'delivered', completed: 'delivered',
  undelivered: 'failed', failed: 'failed', canceled: 'failed', busy: 'failed', 'no-answer': 'failed',
};

/**
 * What {@link verifyTwilioSignature} checks.
 *
 * @example
 * ```ts
 * const request: TwilioSignedRequest = { authToken, url: 'https://acme.example/twilio/status', params: req.body, signature: req.get('X-Twilio-Signature') };
 * ```
 */
export interface TwilioSignedRequest {
  /** The account's Auth Token (the HMAC key). */
  readonly authToken: string;
  /** The full URL Twilio requested, as configured in Twilio: scheme, host, port if any, path and query. */
  readonly url: string;
  /** The POST parameters (the form body); `{}` for a GET. */
  readonly params: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The `X-Twilio-Signature` header; a missing one fails. */
  readonly signature: string | undefined;
}

/**
 * Checks a Twilio webhook's `X-Twilio-Signature` with Twilio's documented algorithm: the full
 * URL followed by each POST parameter's name and value, sorted by name, signed with
 * HMAC-SHA1 under the Auth Token, base64; compared in constant time. A missing or wrong
 * signature, or any change to the URL or a parameter, answers `false`: refuse the request (403).
 * Behind a proxy, pass the public URL Twilio called, not the one the app sees.
 *
 * @see https://www.twilio.com/docs/usage/security#validating-requests
 * @example
 * ```ts
 * import { verifyTwilioSignature } from 'mfakit/senders';
 * app.post('/twilio/status', express.urlencoded({ extended: false }), (req, res) => {
 *   const ok = verifyTwilioSignature({ authToken, url: `https://acme.example${req.originalUrl}`, params: req.body, signature: req.get('X-Twilio-Signature') });
 *   if (!ok) return res.sendStatus(403);
 *   // ...
 * });
 * ```
 */
export function verifyTwilioSignature(request: TwilioSignedRequest): boolean {
  const { authToken, url, params, signature } = request;
  if (typeof signature !== 'string' || signature === '' || !authToken || typeof url !== 'string') return false;
  const given = Buffer.from(signature, 'utf8');
  let ok = false;
  for (const variant of urlVariants(url)) {
    const expected = Buffer.from(twilioSignature(authToken, variant, params), 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/** Twilio's signature of a URL and its POST parameters. */
function twilioSignature(authToken: string, url: string, params: TwilioSignedRequest['params']): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    const values = typeof value === 'string' ? [value] : [...value].sort();
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * The URL as given, and with its default port added or removed: Twilio signs the URL it was
 * configured with, which a host may write either way (Twilio's own helpers try both).
 */
function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : undefined;
  if (defaultPort === undefined) return [url];
  const withPort = /^[a-z]+:\/\/[^/]*:\d+/i.test(url);
  if (withPort) return [url, url.replace(/^([a-z]+:\/\/[^/]*?):\d+/i, '$1')];
  return [url, url.replace(/^([a-z]+:\/\/[^/?#]*)/i, `$1:${defaultPort}`)];
}

/**
 * Reads a Twilio status callback (the `StatusCallback` of a message or a call) into a
 * {@link DeliveryReport}: `MessageSid` (or `CallSid`), the status in mfakit's vocabulary and,
 * for a failure, the `ErrorCode` with its reason (30003 unreachable handset is temporary; 30005
 * unknown handset, 30006 landline, 21610 opted out are permanent). `undefined` when the
 * parameters are not a status callback. Verify the signature first.
 *
 * @example
 * ```ts
 * const report = parseTwilioStatus(req.body); // { messageId: 'SM…', status: 'failed', errorCode: '30006', reason: 'landline', permanent: true, providerStatus: 'undelivered' }
 * if (report) await mfa.handleDeliveryReport(report);
 * ```
 */
export function parseTwilioStatus(params: Readonly<Record<string, unknown>>): DeliveryReport | undefined {
  const messageId = param(params, 'MessageSid') ?? param(params, 'SmsSid') ?? param(params, 'CallSid');
  const providerStatus = param(params, 'MessageStatus') ?? param(params, 'SmsStatus') ?? param(params, 'CallStatus');
  if (!messageId || !providerStatus) return undefined;
  const status = STATUSES[providerStatus] ?? 'unknown';
  const errorCode = param(params, 'ErrorCode') || undefined;
  if (status !== 'failed') return { messageId, status, providerStatus, ...(errorCode ? { errorCode } : {}) };
  const reason = twilioReason(errorCode);
  const permanent = reason !== undefined && twilioRetryable(errorCode) !== true && isPermanentReason(reason);
  return { messageId, status, providerStatus, permanent, ...(errorCode ? { errorCode } : {}), ...(reason ? { reason } : {}) };
}

/**
 * Reads Twilio's incoming-message webhook into an {@link InboundMessage}: `From`, `Body`, and
 * whether it is an opt-out (an opt-out keyword, or Twilio's `OptOutType` = `STOP` when Advanced
 * Opt-Out is on). `undefined` when `From` is missing. Verify the signature first.
 *
 * @example
 * ```ts
 * const inbound = parseTwilioInbound(req.body);
 * if (inbound?.isOptOut) await mfa.handleOptOut(inbound.from);
 * ```
 */
export function parseTwilioInbound(params: Readonly<Record<string, unknown>>): InboundMessage | undefined {
  const from = param(params, 'From');
  if (!from) return undefined;
  const body = param(params, 'Body') ?? '';
  const optOutType = param(params, 'OptOutType');
  return { from, body, isOptOut: optOutType === undefined ? isOptOutText(body) : optOutType.toUpperCase() === 'STOP' };
}
