/**
 * The memory layer's exports; the public entry with its documentation is `src/memory.ts`.
 * @internal
 * @module
 */
import type { Clock } from '../../ports/clock.js';
import type { FactorStore, Stores } from '../../ports/factor-store.js';
import { memoryFactorStore } from './factor-store.js';
import { memoryStateStore, type MemoryStateStore, type MemoryStateStoreOptions } from './state-store.js';

export { memoryFactorStore } from './factor-store.js';
export { memoryStateStore } from './state-store.js';
export type { MemoryStateStore, MemoryStateStoreOptions } from './state-store.js';

/**
 * Options of {@link memoryStores}.
 *
 * @example
 * ```ts
 * const options: MemoryStoresOptions = { clock: { now: () => Date.now() }, maxKeys: 50_000 };
 * ```
 */
export interface MemoryStoresOptions extends MemoryStateStoreOptions {
  /** Time source for TTLs. Default: the wall clock. Pass the same clock as `createMfa`. */
  readonly clock?: Clock;
}

/**
 * Both stores returned by {@link memoryStores}; `state` has `size()` and `sweep()`.
 *
 * @example
 * ```ts
 * const { factors, state }: MemoryStores = memoryStores();
 * state.size(); // 0
 * ```
 */
export interface MemoryStores extends Stores {
  /** Durable data: factors, preferred factor, exception list. */
  readonly factors: FactorStore;
  /** Short-lived security state, bounded to `maxKeys` keys. */
  readonly state: MemoryStateStore;
}

/**
 * Creates an in-memory {@link FactorStore} and {@link MemoryStateStore}.
 *
 * TTLs are evaluated against `clock.now()` on every read and write, and expired keys
 * are swept from inside `write` at most once per `sweepIntervalMs`: there is no timer.
 * The state store holds at most `maxKeys` keys and never evicts a live one: when full
 * it drops expired keys, and if none expired the write rejects with
 * `MfaError('store_failed')` (mfakit then fails closed).
 *
 * @example
 * ```ts
 * import { memoryStores } from 'mfakit/memory';
 *
 * const clock = { now: () => Date.now() };
 * const stores = memoryStores({ clock, maxKeys: 100_000 });
 * const mfa = createMfa({ stores, clock, ...options });
 * ```
 */
export function memoryStores(options: MemoryStoresOptions = {}): MemoryStores {
  return { factors: memoryFactorStore(), state: memoryStateStore(options) };
}
