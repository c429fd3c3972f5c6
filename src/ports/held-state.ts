/**
 * An optional capability of a {@link StateStore} that lives in this process (the memory
 * store): it keeps each record as the decoded, immutable value mfakit wrote (its objects
 * frozen; its lists of numbers left unfrozen and never handed out: `settled`), so no
 * JSON passes in or out on the hot path. The string contract of `StateStore` still holds
 * for its `read` and `write`: a held value is encoded when read as a string, and a string
 * written through `write` is decoded (and checked) when read here.
 * @internal
 * @module
 */
import type { StateStore } from './state-store.js';

/** The property of a state store that holds the capability. @internal */
export const HELD: unique symbol = Symbol.for('mfakit.heldRecords');

/** How a kind of record is encoded, and which kind it is (a held value is read back only as its own kind). @internal */
export interface HeldCodec {
  readonly kind: string;
  encode(state: never): string;
}

/**
 * A record as held: the frozen value and its codec, or a string (written through
 * `StateStore.write`, or a held value the store encoded while it was idle). One field holds
 * either, so a kept record costs one field less. @internal
 */
export type HeldRecord =
  | { readonly version: number; readonly codec: HeldCodec; /** The frozen value. */ readonly value: unknown }
  | { readonly version: number; readonly codec: undefined; /** The record as a string. */ readonly value: string };

/** One compare-and-set of {@link HeldRecords.commit}: `state` `undefined` deletes the key. @internal */
export interface HeldWrite {
  readonly key: string;
  readonly codec: HeldCodec;
  /** The new value, made immutable by `settled` (the store keeps this very object); `undefined` deletes. */
  readonly state: unknown;
  readonly expectedVersion: number | null;
  readonly ttlMs: number | null;
}

/** Synchronous reads and all-or-none compare-and-set of held records. @internal */
export interface HeldRecords {
  /** The record of `key`, or `null` when missing or expired. Take what is needed of it at once: a later commit may change it in place. */
  read(key: string): HeldRecord | null;
  /**
   * Writes every change when every key has its expected version (the new versions, in
   * order; `null` for a delete), else changes nothing and returns `null`. Rejects (throws)
   * when full, before anything is written.
   */
  commit(writes: readonly HeldWrite[]): (number | null)[] | null;
}

/** A state store with held records. @internal */
export interface HeldStateStore extends StateStore {
  readonly [HELD]: HeldRecords;
}

/** The held records of `store`, if it has them. @internal */
export function heldRecordsOf(store: StateStore): HeldRecords | undefined {
  return (store as Partial<HeldStateStore>)[HELD];
}
