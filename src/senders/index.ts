/**
 * The senders layer's exports; the public entry with its documentation is `src/senders.ts`.
 * @internal
 * @module
 */
export { consoleSender } from './console.js';
export type { SmsMessage, SmsSender, SendReceipt, VoiceMessage, VoiceSender, EmailMessage, EmailSender } from '../ports/sender.js';
export { devOutboxSender, type DevOutboxMessage, type DevOutboxSender } from './dev-outbox.js';
export {
  DeliveryError,
  isPermanentReason,
  type DeliveryAttempt,
  type DeliveryFailureReason,
  type ProviderSender,
  type SendOptions,
} from './delivery-error.js';
export type { TwilioAccount } from './twilio-api.js';
export { twilioSmsSender, type TwilioSmsOptions } from './twilio.js';
export { twilioVoiceSender, type TwilioVoiceOptions } from './twilio-voice.js';
export { vonageSmsSender, type VonageSmsOptions } from './vonage.js';
export { snsSmsSender, type SnsSmsOptions } from './sns.js';
export { smtpEmailSender, type SmtpEmailOptions, type SmtpMail, type SmtpTransport } from './smtp.js';
export { failoverSender, type FailoverOptions, type FailoverReceipt, type FailoverSender } from './failover.js';
export { isOptOutText, type DeliveryReport, type DeliveryStatus, type InboundMessage } from './reports.js';
export { parseTwilioInbound, parseTwilioStatus, verifyTwilioSignature, type TwilioSignedRequest } from './twilio-webhooks.js';
export {
  parseVonageInbound,
  parseVonageStatus,
  verifyVonageSignature,
  verifyVonageSmsSignature,
  type VonageSignedRequest,
  type VonageSmsSignatureAlgorithm,
  type VonageSmsSignedRequest,
} from './vonage-webhooks.js';
