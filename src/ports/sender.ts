import type { Purpose } from '../core/types.js';
import type { DeliveryAttempt } from './delivery.js';

/**
 * One message for a {@link SmsSender}.
 *
 * @example
 * ```ts
 * const msg: SmsMessage = { to: '+14155552671', body: 'Your Acme code is 123456', purpose: 'sign_in', locale: 'en' };
 * ```
 */
export interface SmsMessage {
  /** Destination in E.164. */
  readonly to: string;
  /** The full text, code included. Never log it. */
  readonly body: string;
  /** Why the code was sent. */
  readonly purpose: Purpose;
  /** The locale the body was rendered in. */
  readonly locale: string;
}

/**
 * What a sender reports after the provider accepted a message. A sender that tries several
 * providers (`failoverSender`) also says which one delivered and the attempts before it;
 * mfakit passes both on in the `code.sent` event.
 *
 * @example
 * ```ts
 * const receipt: SendReceipt = { id: 'SM87105da94bff44b999e4e6eb90d8eb6a' };
 * const failedOver: SendReceipt = { id: 'a1b2c3', provider: 'vonage', attempts: [{ provider: 'twilio', reason: 'timeout', retryable: true }] };
 * ```
 */
export interface SendReceipt {
  /** The provider's message id, for support and delivery reports (`mfa.handleDeliveryReport`). */
  readonly id: string;
  /** The `name` of the provider that delivered, when the sender chose among several. */
  readonly provider?: string;
  /** The failed attempts before it, in order, when the sender chose among several. */
  readonly attempts?: readonly DeliveryAttempt[];
}

/**
 * Delivers a text message. A plain object, so a host can wrap any provider in a few lines.
 * `send` must reject when the provider did not accept the message: mfakit then reports
 * `delivery_failed`, emits `delivery.failed`, and gives the user back the cooldown. Reject
 * with a `DeliveryError` (from `mfakit/senders`) to say why: one with `retryable: false` and a
 * reason that the number cannot receive (`opted_out`, `landline`, `invalid_number`, `blocked`,
 * `unreachable`) also makes the factor `invalid`, so the next sign-in uses another factor.
 *
 * @example
 * ```ts
 * const sms: SmsSender = {
 *   name: 'my-provider',
 *   async send({ to, body }) {
 *     const res = await provider.messages.create({ to, body });
 *     return { id: res.sid };
 *   },
 * };
 * ```
 */
export interface SmsSender {
  /** A short name for events and logs (`'twilio'`, `'console'`). */
  readonly name: string;
  /** Sends one message; rejects when the provider refused it. */
  send(message: SmsMessage): Promise<SendReceipt>;
}

/**
 * One call for a {@link VoiceSender}: the text to speak (the code's digits are spaced and
 * said twice), for a text-to-speech provider.
 *
 * @example
 * ```ts
 * const call: VoiceMessage = { to: '+14155552671', text: 'Your Acme code is 1, 2, 3, 4, 5, 6. Again: 1, 2, 3, 4, 5, 6.', purpose: 'sign_in', locale: 'en' };
 * ```
 */
export interface VoiceMessage {
  /** Destination in E.164. */
  readonly to: string;
  /** What to say, code included. Never log it. */
  readonly text: string;
  /** Why the code was sent. */
  readonly purpose: Purpose;
  /** The locale the text was rendered in (the provider's voice language). */
  readonly locale: string;
}

/**
 * Places a voice call that speaks the code. `send` rejects when the provider did not accept
 * the call (mfakit then answers `delivery_failed` and gives the cooldown back).
 *
 * @example
 * ```ts
 * const voice: VoiceSender = {
 *   name: 'my-voice-provider',
 *   async send({ to, text, locale }) {
 *     const call = await provider.calls.create({ to, say: text, language: locale });
 *     return { id: call.id };
 *   },
 * };
 * ```
 */
export interface VoiceSender {
  /** A short name for events and logs. */
  readonly name: string;
  /** Places one call; rejects when the provider refused it. */
  send(message: VoiceMessage): Promise<SendReceipt>;
}

/**
 * One email for an {@link EmailSender}.
 *
 * @example
 * ```ts
 * const mail: EmailMessage = { to: 'ada@example.com', subject: 'Your Acme sign-in code', text: '123456 is your Acme sign-in code.', purpose: 'sign_in', locale: 'en' };
 * ```
 */
export interface EmailMessage {
  /** The address, as enrolled (domain in lower case). */
  readonly to: string;
  /** The subject line (no code in it: previews and notifications show subjects). */
  readonly subject: string;
  /** The plain-text body, code included. Never log it. */
  readonly text: string;
  /** The HTML body, code included, when the template has one. */
  readonly html?: string;
  /** Why the code was sent. */
  readonly purpose: Purpose;
  /** The locale the message was rendered in. */
  readonly locale: string;
}

/**
 * Sends an email with the code. `send` rejects when the server did not accept the message.
 *
 * @example
 * ```ts
 * const email: EmailSender = {
 *   name: 'my-mailer',
 *   async send({ to, subject, text, html }) {
 *     const info = await transport.sendMail({ from: 'no-reply@example.com', to, subject, text, html });
 *     return { id: info.messageId };
 *   },
 * };
 * ```
 */
export interface EmailSender {
  /** A short name for events and logs. */
  readonly name: string;
  /** Sends one email; rejects when it was not accepted. */
  send(message: EmailMessage): Promise<SendReceipt>;
}
