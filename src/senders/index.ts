/**
 * The senders layer's exports; the public entry with its documentation is `src/senders.ts`.
 * @internal
 * @module
 */
export { consoleSender } from './console.js';
export type { SmsMessage, SmsSender, SendReceipt } from '../ports/sender.js';
export { devOutboxSender, type DevOutboxMessage, type DevOutboxSender } from './dev-outbox.js';
