/**
 * Test helpers: an outbox sender, a fake clock, and the store conformance suite that
 * any third-party store can run to prove itself.
 *
 * @example
 * ```ts
 * import { fakeClock, outboxSender } from 'mfakit/testing';
 * const clock = fakeClock();
 * const outbox = outboxSender();
 * ```
 * @module
 */
export * from './testing/index.js';
