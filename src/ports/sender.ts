import type { Purpose } from '../core/types.js';

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
 * What a sender reports after the provider accepted a message.
 *
 * @example
 * ```ts
 * const receipt: SendReceipt = { id: 'SM87105da94bff44b999e4e6eb90d8eb6a' };
 * ```
 */
export interface SendReceipt {
  /** The provider's message id, for support and delivery receipts. */
  readonly id: string;
}

/**
 * Delivers a text message. A plain object, so a host can wrap any provider in a few lines.
 * `send` must reject when the provider did not accept the message: mfakit then reports
 * `delivery_failed`, emits `delivery.failed`, and gives the user back the cooldown.
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
