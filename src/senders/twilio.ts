import { MfaError } from '../config/errors.js';
import type { SmsMessage } from '../ports/sender.js';
import type { ProviderSender } from './delivery-error.js';
import { twilioClient, type TwilioAccount } from './twilio-api.js';

/**
 * Options of {@link twilioSmsSender}: the account's credentials and one sender, a `from`
 * number (or alphanumeric sender id) or a Messaging Service.
 *
 * @example
 * ```ts
 * const options: TwilioSmsOptions = { accountSid: 'AC…', authToken: process.env.TWILIO_AUTH_TOKEN!, messagingServiceSid: 'MG…' };
 * ```
 */
export type TwilioSmsOptions = TwilioAccount &
  (
    | {
        /** The sending number (E.164), short code or alphanumeric sender id. */
        readonly from: string;
        /** Not with `from`. */
        readonly messagingServiceSid?: never;
      }
    | {
        /** A Messaging Service (`MG…`) that picks the sender. */
        readonly messagingServiceSid: string;
        /** Not with `messagingServiceSid`. */
        readonly from?: never;
      }
  );

/**
 * An SMS sender over Twilio Programmable Messaging: one `POST /2010-04-01/Accounts/{sid}/Messages.json`
 * (form fields `To`, `Body`, and `From` or `MessagingServiceSid`) with HTTP Basic auth, over the
 * global `fetch`, so no Twilio SDK is needed. Resolves to the message SID (`SM…`); rejects with
 * a {@link DeliveryError} classified from Twilio's error code (21211 `invalid_number`, 21610
 * `opted_out`, 21614 `landline`, 21408 `blocked_country`, 20429 `rate_limited`, ...).
 *
 * @see https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 * @example
 * ```ts
 * import { twilioSmsSender } from 'mfakit/senders';
 * const sms = twilioSmsSender({
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   authToken: process.env.TWILIO_AUTH_TOKEN!,
 *   from: '+15005550006',
 * });
 * const mfa = createMfa({ senders: { sms }, ...rest });
 * ```
 */
export function twilioSmsSender(options: TwilioSmsOptions): ProviderSender<SmsMessage> {
  const { accountSid, authToken } = options;
  const from = options.from;
  const service = options.messagingServiceSid;
  if (!accountSid || !authToken) throw new MfaError('invalid_options', 'twilioSmsSender needs accountSid and authToken');
  if ((from === undefined) === (service === undefined)) {
    throw new MfaError('invalid_options', 'twilioSmsSender needs exactly one of from and messagingServiceSid');
  }
  const post = twilioClient('twilio', options, 'Messages.json');
  const statusCallback = options.statusCallback;
  return {
    name: 'twilio',
    async send({ to, body }, sendOptions) {
      const form: Record<string, string> = { To: to, Body: body };
      if (from !== undefined) form['From'] = from;
      if (service !== undefined) form['MessagingServiceSid'] = service;
      if (statusCallback !== undefined) form['StatusCallback'] = statusCallback;
      return { id: await post(form, sendOptions?.signal) };
    },
  };
}
