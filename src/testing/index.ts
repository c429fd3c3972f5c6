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
export { fakeClock, type FakeClock } from './clock.js';
export { outboxSender, type OutboxMessage, type OutboxSender } from './outbox.js';
export {
  defineStoreTests,
  type ExpectLike,
  type StoreTestContext,
  type StoreTestOptions,
  type TestApi,
  type TestFn,
} from './store-conformance.js';
