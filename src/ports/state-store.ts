/**
 * One record read from a {@link StateStore}, with the version to pass back to
 * {@link StateStore.write} for compare-and-set.
 *
 * @example
 * ```ts
 * const rec = await store.read('user:42'); // { value: '{"v":1,...}', version: 3 } or null
 * ```
 */
export interface VersionedRecord {
  /** The opaque value last written (mfakit writes JSON; a store must not interpret it). */
  readonly value: string;
  /** A number that changes on every successful write of this key. */
  readonly version: number;
}

/**
 * Short-lived security state: one opaque record per key (mfakit uses one key per user
 * and one per destination number), read with a version and written with
 * compare-and-set plus a time to live.
 *
 * Contract (checked by `defineStoreTests` from `mfakit/testing`):
 * - `read` of a missing or expired key resolves `null`.
 * - `write(key, value, expected, ttlMs)` succeeds (resolves `true`) only if the key's
 *   current version equals `expected` (`null` meaning "the key does not exist"); it then
 *   stores `value` with a new version and expires the key `ttlMs` milliseconds later
 *   (never, when `ttlMs` is `null`).
 *   Otherwise it changes nothing and resolves `false`.
 * - `value === null` deletes the key under the same compare-and-set rule.
 * - Concurrent writes with the same `expected` version: exactly one succeeds, across
 *   every process sharing the store.
 * - A version is never reused for a key, even after the key was deleted or expired, so a
 *   stale reader can never overwrite a record created since (versions need not start at 1).
 * - Deleting a key that does not exist with `expectedVersion` `null` resolves `true`.
 * - Any fault (connection lost, timeout, full) rejects; it never resolves `true`
 *   for a write that did not happen.
 *
 * @example
 * ```ts
 * const rec = await store.read('user:42');
 * const ok = await store.write('user:42', JSON.stringify(next), rec?.version ?? null, 60_000);
 * if (!ok) {
 *   // somebody else wrote first: read again and decide again
 * }
 * ```
 */
export interface StateStore {
  /** Reads one record, or `null` when the key is missing or expired. */
  read(key: string): Promise<VersionedRecord | null>;
  /**
   * Compare-and-set. Writes `value` (or deletes the key when `value` is `null`) only when
   * the current version equals `expectedVersion` (`null` = must not exist).
   * @param ttlMs - time to live of the written key in milliseconds (at least 1), or `null`
   *   for a key that never expires (mfakit uses that only for a lock that an admin must lift).
   * @returns `true` if written, `false` if the version did not match.
   */
  write(
    key: string,
    value: string | null,
    expectedVersion: number | null,
    ttlMs: number | null,
  ): Promise<boolean>;
}
