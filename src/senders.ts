/**
 * Senders that ship with mfakit. A sender is a plain object with `name` and `send`;
 * wrap any provider in a few lines (see {@link SmsSender}).
 *
 * @example
 * ```ts
 * import { consoleSender } from 'mfakit/senders';
 * const sms = consoleSender();
 * ```
 * @module
 */
export * from './senders/index.js';
