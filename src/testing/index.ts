/**
 * The testing layer's exports; the public entry with its documentation is `src/testing.ts`.
 * @internal
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
