/**
 * Twilio's REST API as the Twilio senders use it: the account, one authenticated form POST
 * under `/2010-04-01/Accounts/{sid}/`, and Twilio's documented error codes
 * (https://www.twilio.com/docs/api/errors) as a {@link DeliveryFailureReason}, for the answers
 * of the Messages and Calls APIs and for the `ErrorCode` of status callbacks.
 * @internal
 * @module
 */
import { DeliveryError, type DeliveryFailureReason } from './delivery-error.js';
import { basicAuth, DEFAULT_TIMEOUT_MS, field, joinUrl, postForm, type HttpAnswer } from './http.js';

/** Twilio's REST API host. */
export const TWILIO_BASE_URL = 'https://api.twilio.com';

/**
 * A Twilio account and where its API is.
 *
 * @example
 * ```ts
 * const account: TwilioAccount = { accountSid: 'AC…', authToken: process.env.TWILIO_AUTH_TOKEN!, timeoutMs: 5_000 };
 * ```
 */
export interface TwilioAccount {
  /** The Account SID (`AC…`), the user of HTTP Basic auth. */
  readonly accountSid: string;
  /** The Auth Token (or an API key secret with `accountSid`), the password. Never logged. */
  readonly authToken: string;
  /** The API's base URL; default `https://api.twilio.com` (tests and regional edges point it elsewhere). */
  readonly baseUrl?: string | undefined;
  /** How long one request may take before it fails as a retryable `timeout`; default 10 000 ms. */
  readonly timeoutMs?: number | undefined;
  /** A URL Twilio calls with each status change (`StatusCallback`): see {@link parseTwilioStatus}. */
  readonly statusCallback?: string | undefined;
}

/**
 * A function that POSTs a form to one resource of the account (`Messages.json`, `Calls.json`)
 * and resolves to the created resource's SID, or rejects with a {@link DeliveryError}.
 */
export function twilioClient(
  provider: string,
  account: TwilioAccount,
  resource: string,
): (form: Record<string, string>, signal?: AbortSignal) => Promise<string> {
  const url = joinUrl(account.baseUrl ?? TWILIO_BASE_URL, `/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/${resource}`);
  const authorization = basicAuth(account.accountSid, account.authToken);
  const timeoutMs = account.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async (form, signal) => {
    const answer = await postForm(provider, url, form, { headers: { authorization }, timeoutMs, signal });
    const sid = field(answer.body, 'sid');
    if (answer.status >= 200 && answer.status < 300) {
      if (sid) return sid;
      throw new DeliveryError(provider, 'provider_error', { httpStatus: answer.status });
    }
    throw twilioError(provider, answer);
  };
}

const REASONS: Readonly<Record<string, DeliveryFailureReason>> = {
  // REST API answers
  '20003': 'account', // authentication failed
  '20429': 'rate_limited', // too many requests
  '21211': 'invalid_number', // invalid 'To' phone number
  '21214': 'unreachable', // 'To' phone number cannot be reached
  '21215': 'blocked_country', // geo permissions do not allow this call
  '21217': 'invalid_number', // phone number does not appear to be valid
  '21401': 'invalid_number', // invalid phone number
  '21407': 'landline', // this phone number type does not support SMS
  '21408': 'blocked_country', // permission to send an SMS has not been enabled for the region
  '21606': 'account', // the 'From' phone number is not a valid, SMS-capable number for the account
  '21608': 'account', // trial account: the number is not verified
  '21610': 'opted_out', // attempt to send to unsubscribed recipient (replied STOP)
  '21612': 'unreachable', // the 'To' number is not currently reachable via SMS (cannot route)
  '21614': 'landline', // 'To' number is not a valid mobile number
  '21659': 'account', // 'From' is not a Twilio phone number or short code
  // delivery errors (status callbacks, or answers for a Messaging Service)
  '30001': 'rate_limited', // queue overflow
  '30002': 'account', // account suspended
  '30003': 'unreachable', // unreachable destination handset (off, out of coverage): temporary
  '30004': 'blocked', // message blocked (by the recipient or the carrier)
  '30005': 'invalid_number', // unknown destination handset
  '30006': 'landline', // landline or unreachable carrier
  '30007': 'filtered', // carrier violation (filtered)
  '30008': 'provider_error', // unknown error
  '30034': 'account', // US A2P 10DLC: message from an unregistered number
};

/** Codes whose reason is usually permanent but that Twilio documents as temporary. */
const TEMPORARY = new Set(['30003']);

/** The reason of a Twilio error code (`undefined` when the code is not one mfakit knows). */
export function twilioReason(code: string | undefined): DeliveryFailureReason | undefined {
  return code === undefined ? undefined : REASONS[code];
}

/** Whether a Twilio code's failure can go away on a later try. */
export function twilioRetryable(code: string | undefined): boolean | undefined {
  return code !== undefined && TEMPORARY.has(code) ? true : undefined;
}

/**
 * The {@link DeliveryError} for a Twilio answer that is not a success. Only the documented
 * `code` and the HTTP status are kept: Twilio's `message` repeats the number.
 */
export function twilioError(provider: string, answer: HttpAnswer): DeliveryError {
  const code = field(answer.body, 'code');
  const reason =
    twilioReason(code) ??
    (answer.status === 429 ? 'rate_limited' : answer.status === 401 || answer.status === 403 ? 'account' : 'provider_error');
  const retryable = twilioRetryable(code);
  return new DeliveryError(provider, reason, {
    providerCode: code,
    httpStatus: answer.status,
    ...(retryable === undefined ? {} : { retryable }),
  });
}
