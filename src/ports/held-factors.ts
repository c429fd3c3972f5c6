/**
 * An optional capability of a {@link FactorStore} that lives in this process (the memory
 * store): the reads and the touch of the sign-in path, answered synchronously, so a memory
 * `loadUser` or commit resolves without a chain of awaits. The asynchronous `FactorStore`
 * contract still holds for every other call and caller.
 * @internal
 * @module
 */
import type { Factor } from '../core/types.js';
import type { FactorStore } from './factor-store.js';

/** The property of a factor store that holds the capability. @internal */
export const HELD_FACTORS: unique symbol = Symbol.for('mfakit.heldFactors');

/** Synchronous forms of `listFactors`, `getPreferred` and `touchFactor` (same answers, same copies). @internal */
export interface HeldFactors {
  /** The user's factors, as `listFactors` answers them (copies, in creation order). */
  list(userId: string): Factor[];
  /** The user's preferred factor id, as `getPreferred` answers it. */
  preferred(userId: string): string | null;
  /** Records a factor's use if it is still active, as `touchFactor`; `false` when it is not. */
  touch(userId: string, factorId: string, at: number): boolean;
}

/** A factor store with held factors. @internal */
export interface HeldFactorStore extends FactorStore {
  readonly [HELD_FACTORS]: HeldFactors;
}

/** The held factors of `store`, if it has them. @internal */
export function heldFactorsOf(store: FactorStore): HeldFactors | undefined {
  return (store as Partial<HeldFactorStore>)[HELD_FACTORS];
}
