/**
 * The error and options of the provider senders: {@link DeliveryError} (defined with the sender
 * ports, so the flows can read it) and the `send` options a failover passes.
 * @internal
 * @module
 */
import type { SendReceipt } from '../ports/sender.js';

export {
  DeliveryError,
  isPermanentReason,
  type DeliveryAttempt,
  type DeliveryFailureReason,
} from '../ports/delivery.js';

/**
 * Options a sender of `mfakit/senders` accepts beside the message: a signal that abandons the
 * request (a {@link failoverSender} passes one to end an attempt at its timeout).
 *
 * @example
 * ```ts
 * await sms.send(message, { signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface SendOptions {
  /** Aborts the request; the send then rejects with a retryable `timeout` {@link DeliveryError}. */
  readonly signal?: AbortSignal;
}

/**
 * What the senders of `mfakit/senders` are: a sender of messages of type `M` (an
 * {@link SmsMessage}, {@link VoiceMessage} or {@link EmailMessage}) whose `send` also takes
 * {@link SendOptions}. It satisfies the matching port ({@link SmsSender}, {@link VoiceSender},
 * {@link EmailSender}), and any port implementation can stand where one is expected.
 *
 * @example
 * ```ts
 * const sms: ProviderSender<SmsMessage> = twilioSmsSender({ accountSid, authToken, from: '+15005550006' });
 * const port: SmsSender = sms;
 * ```
 */
export interface ProviderSender<M> {
  /** A short name for events and logs (`'twilio'`). */
  readonly name: string;
  /** Sends one message; rejects with a {@link DeliveryError}. */
  send(message: M, options?: SendOptions): Promise<SendReceipt>;
}
