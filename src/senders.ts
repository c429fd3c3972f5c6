/**
 * Senders that ship with mfakit. A sender is a plain object with `name` and `send`;
 * wrap any provider in a few lines (see {@link SmsSender}).
 *
 * - Development: {@link consoleSender}, {@link devOutboxSender}.
 * - Providers: {@link twilioSmsSender}, {@link twilioVoiceSender} and {@link vonageSmsSender}
 *   (their REST APIs over the global `fetch`: no SDK to install), {@link snsSmsSender} (the
 *   host's `SNSClient` from `@aws-sdk/client-sns`, an optional peer dependency) and
 *   {@link smtpEmailSender} (a `nodemailer` transport, an optional peer dependency).
 * - {@link failoverSender}: the next provider when one fails in a way another can fix.
 * - Every provider sender rejects with a {@link DeliveryError}: which provider, why
 *   ({@link DeliveryFailureReason}), whether another try can help, the provider's code; never
 *   the number, the address, the text or a credential.
 * - Webhooks: {@link verifyTwilioSignature} and {@link verifyVonageSignature} before anything
 *   else, then {@link parseTwilioStatus} / {@link parseVonageStatus} (delivery reports) and
 *   {@link parseTwilioInbound} / {@link parseVonageInbound} (STOP replies).
 *
 * @example
 * ```ts
 * import { failoverSender, twilioSmsSender, vonageSmsSender } from 'mfakit/senders';
 * const sms = failoverSender(
 *   [
 *     twilioSmsSender({ accountSid: process.env.TWILIO_ACCOUNT_SID!, authToken: process.env.TWILIO_AUTH_TOKEN!, from: '+15005550006' }),
 *     vonageSmsSender({ apiKey: process.env.VONAGE_API_KEY!, apiSecret: process.env.VONAGE_API_SECRET!, from: 'Acme' }),
 *   ],
 *   { timeoutMs: 5_000 },
 * );
 * ```
 * @module
 */
export * from './senders/index.js';
