import { MfaError } from '../config/errors.js';
import type { SmsMessage } from '../ports/sender.js';
import { DeliveryError, type DeliveryFailureReason, type ProviderSender } from './delivery-error.js';
import { DEFAULT_TIMEOUT_MS, field, joinUrl, postForm, type HttpAnswer } from './http.js';

/** The SMS API's host. */
const VONAGE_BASE_URL = 'https://rest.nexmo.com';

/**
 * The SMS API's `status` codes (https://developer.vonage.com/en/api-errors/sms) as reasons;
 * a status not listed is a retryable `provider_error`.
 */
const STATUS_REASONS: Readonly<Record<string, DeliveryFailureReason>> = {
  '1': 'rate_limited', // throttled: faster than the account limit
  '2': 'provider_error', // missing parameters
  '3': 'provider_error', // invalid parameters
  '4': 'account', // invalid credentials
  '5': 'provider_error', // internal error
  '6': 'invalid_number', // invalid message: e.g. an unrecognised number prefix
  '7': 'blocked', // number barred
  '8': 'account', // partner account barred
  '9': 'account', // partner quota violation: not enough credit
  '10': 'rate_limited', // too many existing binds
  '11': 'account', // account not enabled for HTTP
  '12': 'provider_error', // message too long
  '14': 'account', // invalid signature
  '15': 'account', // invalid sender address (sender id not allowed)
  '19': 'account', // facility not allowed
  '29': 'account', // non-whitelisted destination (a trial account)
  '32': 'account', // signature and API secret disallowed
  '33': 'invalid_number', // number de-activated
};

/**
 * Options of {@link vonageSmsSender}.
 *
 * @example
 * ```ts
 * const options: VonageSmsOptions = { apiKey: 'a1b2c3d4', apiSecret: process.env.VONAGE_API_SECRET!, from: 'Acme' };
 * ```
 */
export interface VonageSmsOptions {
  /** The account's API key. */
  readonly apiKey: string;
  /** The account's API secret. Never logged. */
  readonly apiSecret: string;
  /** The sender: a Vonage number (E.164, with or without `+`) or an alphanumeric sender id. */
  readonly from: string;
  /** The SMS API's base URL; default `https://rest.nexmo.com`. */
  readonly baseUrl?: string | undefined;
  /** How long one request may take before it fails as a retryable `timeout`; default 10 000 ms. */
  readonly timeoutMs?: number | undefined;
  /** A URL for delivery receipts (`callback`): see {@link parseVonageStatus}. */
  readonly statusCallback?: string | undefined;
}

/**
 * An SMS sender over the Vonage SMS API: one `POST /sms/json` (form fields `api_key`,
 * `api_secret`, `from`, `to` without the `+`, `text`, and `type=unicode` when the text is not
 * in the GSM alphabet), over the global `fetch`. Vonage answers 200 even when it refuses, with a
 * `status` per message part: every part must be `"0"`. Resolves to the first part's
 * `message-id`; rejects with a {@link DeliveryError} (status 1 `rate_limited`, 6 `invalid_number`,
 * 7 `blocked`, 9 and 15 `account`, ...).
 *
 * @see https://developer.vonage.com/en/api/sms#send-an-sms
 * @example
 * ```ts
 * import { vonageSmsSender } from 'mfakit/senders';
 * const sms = vonageSmsSender({ apiKey: process.env.VONAGE_API_KEY!, apiSecret: process.env.VONAGE_API_SECRET!, from: 'Acme' });
 * const mfa = createMfa({ senders: { sms }, ...rest });
 * ```
 */
export function vonageSmsSender(options: VonageSmsOptions): ProviderSender<SmsMessage> {
  const { apiKey, apiSecret, from } = options;
  if (!apiKey || !apiSecret || !from) throw new MfaError('invalid_options', 'vonageSmsSender needs apiKey, apiSecret and from');
  const url = joinUrl(options.baseUrl ?? VONAGE_BASE_URL, '/sms/json');
  const sender = from.replace(/^\+/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const callback = options.statusCallback;
  return {
    name: 'vonage',
    async send({ to, body }, sendOptions) {
      const form: Record<string, string> = { api_key: apiKey, api_secret: apiSecret, from: sender, to: to.replace(/^\+/, ''), text: body };
      if (!isGsm7(body)) form['type'] = 'unicode';
      if (callback !== undefined) form['callback'] = callback;
      const answer = await postForm('vonage', url, form, { timeoutMs, signal: sendOptions?.signal });
      return { id: messageIdOf(answer) };
    },
  };
}

/** The first part's id when every part was accepted; else the error of the first refused part. */
function messageIdOf(answer: HttpAnswer): string {
  if (answer.status < 200 || answer.status >= 300) {
    const reason: DeliveryFailureReason = answer.status === 429 ? 'rate_limited' : answer.status === 401 || answer.status === 403 ? 'account' : 'provider_error';
    throw new DeliveryError('vonage', reason, { httpStatus: answer.status });
  }
  const parts: unknown = (answer.body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(parts) || parts.length === 0) throw new DeliveryError('vonage', 'provider_error', { httpStatus: answer.status });
  for (const part of parts) {
    const status = field(part, 'status');
    if (status !== '0') {
      throw new DeliveryError('vonage', (status && STATUS_REASONS[status]) || 'provider_error', { providerCode: status, httpStatus: answer.status });
    }
  }
  const id = field(parts[0], 'message-id');
  if (!id) throw new DeliveryError('vonage', 'provider_error', { httpStatus: answer.status });
  return id;
}

/** GSM 03.38: the basic set and the extension table (sent with an escape). */
const GSM7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f',
);

/** Whether the text fits the GSM alphabet (else Vonage must send it as `unicode`). */
function isGsm7(text: string): boolean {
  for (const c of text) if (!GSM7.has(c)) return false;
  return true;
}
