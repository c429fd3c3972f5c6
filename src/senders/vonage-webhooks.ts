import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isPermanentReason, type DeliveryFailureReason } from './delivery-error.js';
import { isOptOutText, param, withPlus, type DeliveryReport, type DeliveryStatus, type InboundMessage } from './reports.js';

/** Vonage's statuses (SMS API delivery receipts, Messages API status webhooks) in mfakit's vocabulary. */
const STATUSES: Readonly<Record<string, DeliveryStatus>> = {
  accepted: 'accepted', buffered: 'accepted', submitted: 'accepted',
  delivered: 'delivered', read: 'delivered',
  expired: 'failed', failed: 'failed', rejected: 'failed', undeliverable: 'failed',
};

/** SMS API delivery receipt `err-code`s (https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts). */
const RECEIPT_REASONS: Readonly<Record<string, { reason: DeliveryFailureReason; permanent?: boolean }>> = {
  '1': { reason: 'provider_error' }, // unknown
  '2': { reason: 'unreachable', permanent: false }, // absent subscriber, temporary
  '3': { reason: 'unreachable' }, // absent subscriber, permanent
  '4': { reason: 'blocked' }, // call barred by user
  '5': { reason: 'provider_error' }, // portability error
  '6': { reason: 'filtered' }, // anti-spam rejection
  '7': { reason: 'unreachable', permanent: false }, // handset busy
  '8': { reason: 'network' }, // network error
  '9': { reason: 'invalid_number' }, // illegal number
  '10': { reason: 'provider_error' }, // illegal message
  '11': { reason: 'unreachable' }, // unroutable
  '12': { reason: 'unreachable' }, // destination unreachable
  '13': { reason: 'blocked' }, // subscriber age restriction
  '14': { reason: 'blocked' }, // number blocked by carrier
  '15': { reason: 'unreachable', permanent: false }, // prepaid insufficient funds
  '16': { reason: 'rate_limited' }, // gateway quota exceeded
  '50': { reason: 'account' }, // entity filter
  '51': { reason: 'account' }, // header filter
  '52': { reason: 'filtered' }, // content filter
  '53': { reason: 'opted_out' }, // consent filter
  '54': { reason: 'account' }, // regulation error
  '99': { reason: 'provider_error' }, // general error
};

/** Messages API error codes (https://developer.vonage.com/en/api-errors/messages), in `error.title`. */
const MESSAGES_REASONS: Readonly<Record<string, { reason: DeliveryFailureReason; permanent?: boolean }>> = {
  '1000': { reason: 'rate_limited' }, // throttled
  '1030': { reason: 'provider_error' }, // internal error
  '1040': { reason: 'invalid_number' }, // invalid message: e.g. an unrecognised number prefix
  '1050': { reason: 'blocked' }, // number barred
  '1060': { reason: 'account' }, // partner account barred
  '1070': { reason: 'account' }, // partner quota exceeded
  '1100': { reason: 'network' }, // communication failed
  '1120': { reason: 'account' }, // illegal sender address
  '1160': { reason: 'account' }, // non white-listed destination
};

/**
 * What {@link verifyVonageSignature} checks.
 *
 * @example
 * ```ts
 * const request: VonageSignedRequest = { signatureSecret, authorization: req.get('Authorization'), body: rawBody };
 * ```
 */
export interface VonageSignedRequest {
  /** The account's signature secret (Dashboard, API settings): the HS256 key. */
  readonly signatureSecret: string;
  /** The `Authorization` header (`Bearer <jwt>`) or the bare token; a missing one fails. */
  readonly authorization: string | undefined;
  /**
   * The raw request body, exactly as received: its SHA-256 must equal the token's
   * `payload_hash`. Omit it only over HTTPS when the payload check is not wanted.
   */
  readonly body?: string | Uint8Array;
  /** Refuse tokens issued longer ago than this (by `iat`), in seconds; no limit when absent. */
  readonly maxAgeSeconds?: number;
  /** The current time in ms (tests); default `Date.now()`. */
  readonly now?: number;
}

/**
 * Checks a Vonage signed webhook (Messages API, Voice API): the `Authorization: Bearer` JWT
 * must be HS256, signed with the signature secret (compared in constant time), not expired
 * (`exp`), not older than `maxAgeSeconds` (`iat`) when set, and when `body` is given, its
 * `payload_hash` claim must be the SHA-256 (hex) of the raw body. Anything else answers
 * `false`: refuse the request (401).
 *
 * @see https://developer.vonage.com/en/getting-started/concepts/webhooks#validating-signed-webhooks
 * @example
 * ```ts
 * import { verifyVonageSignature } from 'mfakit/senders';
 * app.post('/vonage/status', express.text({ type: 'application/json' }), (req, res) => {
 *   if (!verifyVonageSignature({ signatureSecret, authorization: req.get('Authorization'), body: req.body })) return res.sendStatus(401);
 *   const report = parseVonageStatus(JSON.parse(req.body));
 *   // ...
 * });
 * ```
 */
export function verifyVonageSignature(request: VonageSignedRequest): boolean {
  const { signatureSecret, authorization, body } = request;
  if (!signatureSecret || typeof authorization !== 'string') return false;
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart);
  if (header?.['alg'] !== 'HS256') return false;
  const expected = Buffer.from(createHmac('sha256', signatureSecret).update(`${headerPart}.${payloadPart}`).digest('base64url'), 'utf8');
  const given = Buffer.from(signaturePart, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const claims = decodeJson(payloadPart);
  if (!claims) return false;
  const nowSeconds = (request.now ?? Date.now()) / 1000;
  const exp = claims['exp'];
  if (exp !== undefined && (typeof exp !== 'number' || nowSeconds >= exp)) return false;
  if (request.maxAgeSeconds !== undefined) {
    const iat = claims['iat'];
    if (typeof iat !== 'number' || nowSeconds - iat > request.maxAgeSeconds) return false;
  }
  if (body !== undefined) {
    const claimed = claims['payload_hash'];
    if (typeof claimed !== 'string') return false;
    const actual = createHash('sha256').update(body).digest('hex');
    const a = Buffer.from(actual, 'utf8');
    const b = Buffer.from(claimed.toLowerCase(), 'utf8');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
  }
  return true;
}

/**
 * The hash of a Vonage SMS API signature, as chosen in the Dashboard (API settings): `md5hash`
 * (Vonage's default: MD5 of the parameters followed by the secret) or an HMAC keyed by the secret.
 *
 * @example
 * ```ts
 * const algorithm: VonageSmsSignatureAlgorithm = 'sha256';
 * ```
 */
export type VonageSmsSignatureAlgorithm = 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512';

/**
 * What {@link verifyVonageSmsSignature} checks.
 *
 * @example
 * ```ts
 * const request: VonageSmsSignedRequest = { signatureSecret, params: { ...req.query, ...req.body }, algorithm: 'sha256', maxAgeSeconds: 300 };
 * ```
 */
export interface VonageSmsSignedRequest {
  /** The account's signature secret. */
  readonly signatureSecret: string;
  /** Every parameter of the webhook (query for GET, form or JSON body for POST), `sig` and `timestamp` included. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The signature method set in the Dashboard; default `md5hash`. */
  readonly algorithm?: VonageSmsSignatureAlgorithm | undefined;
  /** Refuse a webhook whose `timestamp` is further than this from now, in seconds; no limit when absent. */
  readonly maxAgeSeconds?: number | undefined;
  /** The current time in ms (tests); default `Date.now()`. */
  readonly now?: number | undefined;
}

/**
 * Checks the `sig` of a Vonage SMS API webhook (delivery receipts and inbound texts, once
 * Vonage has enabled signing on the account): every other parameter, sorted by name, written
 * `&name=value` with `&` and `=` in values replaced by `_`, hashed with the signature secret
 * by the Dashboard's method; compared in constant time, whatever the case of the hex. A missing
 * or wrong `sig`, or a changed parameter, answers `false`.
 *
 * @see https://developer.vonage.com/en/getting-started/concepts/signing-messages
 * @example
 * ```ts
 * import { parseVonageStatus, verifyVonageSmsSignature } from 'mfakit/senders';
 * app.post('/vonage/receipt', express.json(), (req, res) => {
 *   const params = { ...req.query, ...req.body };
 *   if (!verifyVonageSmsSignature({ signatureSecret, params, algorithm: 'sha256' })) return res.sendStatus(401);
 *   const report = parseVonageStatus(params);
 *   // ...
 * });
 * ```
 */
export function verifyVonageSmsSignature(request: VonageSmsSignedRequest): boolean {
  const { signatureSecret, params } = request;
  const algorithm = request.algorithm ?? 'md5hash';
  const given = param(params, 'sig');
  if (!signatureSecret || !given || !/^[0-9a-f]+$/i.test(given)) return false;
  if (request.maxAgeSeconds !== undefined) {
    const timestamp = Number(param(params, 'timestamp'));
    if (!Number.isFinite(timestamp) || Math.abs((request.now ?? Date.now()) / 1000 - timestamp) > request.maxAgeSeconds) return false;
  }
  let signed = '';
  for (const name of Object.keys(params).sort()) {
    if (name === 'sig') continue;
    const value = param(params, name);
    if (value === undefined) continue;
    signed += `&${name}=${value.replace(/[&=]/g, '_')}`;
  }
  const expected =
    algorithm === 'md5hash'
      ? createHash('md5').update(signed + signatureSecret, 'utf8').digest('hex')
      : createHmac(algorithm, signatureSecret).update(signed, 'utf8').digest('hex');
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Reads a Vonage status webhook into a {@link DeliveryReport}: an SMS API delivery receipt
 * (`messageId`, `status`, `err-code`) or a Messages API status (`message_uuid`, `status`,
 * `error.title`). `undefined` when the parameters are neither. Verify the signature first.
 *
 * @example
 * ```ts
 * const report = parseVonageStatus(req.body); // { messageId: '0A0000000123ABCD1', status: 'failed', errorCode: '9', reason: 'invalid_number', permanent: true, providerStatus: 'failed' }
 * if (report) await mfa.handleDeliveryReport(report);
 * ```
 */
export function parseVonageStatus(params: Readonly<Record<string, unknown>>): DeliveryReport | undefined {
  const receiptId = param(params, 'messageId');
  const messageId = receiptId ?? param(params, 'message_uuid');
  const providerStatus = param(params, 'status');
  if (!messageId || !providerStatus) return undefined;
  const status = STATUSES[providerStatus] ?? 'unknown';
  const rawCode = receiptId ? param(params, 'err-code') : param(params['error'], 'title');
  const errorCode = rawCode && rawCode !== '0' ? rawCode : undefined;
  if (status !== 'failed') return { messageId, status, providerStatus, ...(errorCode ? { errorCode } : {}) };
  const known = errorCode === undefined ? undefined : (receiptId ? RECEIPT_REASONS : MESSAGES_REASONS)[errorCode];
  const permanent = known !== undefined && (known.permanent ?? isPermanentReason(known.reason));
  return { messageId, status, providerStatus, permanent, ...(errorCode ? { errorCode } : {}), ...(known ? { reason: known.reason } : {}) };
}

/**
 * Reads a Vonage inbound SMS (SMS API: `msisdn`, `text`; Messages API: `from`, `text`) into an
 * {@link InboundMessage}, the number with its `+`. `undefined` when there is no sender.
 * Verify the signature first.
 *
 * @example
 * ```ts
 * const inbound = parseVonageInbound({ ...req.query, ...req.body });
 * if (inbound?.isOptOut) await mfa.handleOptOut(inbound.from);
 * ```
 */
export function parseVonageInbound(params: Readonly<Record<string, unknown>>): InboundMessage | undefined {
  const from = param(params, 'msisdn') ?? param(params, 'from');
  if (!from) return undefined;
  const body = param(params, 'text') ?? '';
  return { from: withPlus(from), body, isOptOut: isOptOutText(body) };
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
