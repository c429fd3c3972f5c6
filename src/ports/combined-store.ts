import type { Factor } from '../core/types.js';
import type { VersionedRecord } from './state-store.js';

/**
 * One compare-and-set inside a {@link CombinedStore.commit}: the same four arguments as
 * {@link StateStore.write}.
 *
 * @example
 * ```ts
 * const w: StateWrite = { key: 'user:42', value: '{"v":1}', expectedVersion: 7, ttlMs: 600_000 };
 * ```
 */
export interface StateWrite {
  /** State key, as passed to {@link StateStore.write}. */
  readonly key: string;
  /** The new value, or `null` to delete the key. */
  readonly value: string | null;
  /** The version the key must have now (`null`: it must not exist). */
  readonly expectedVersion: number | null;
  /** Time to live in milliseconds (at least 1), or `null` for none. */
  readonly ttlMs: number | null;
}

/**
 * Sets `lastUsedAt` of an **active** factor when a {@link CombinedStore.commit} succeeds,
 * as {@link FactorStore.touchFactor} would.
 *
 * @example
 * ```ts
 * const touch: FactorTouch = { userId: '42', factorId: 'f_abc', at: Date.now() };
 * ```
 */
export interface FactorTouch {
  /** The factor's user. */
  readonly userId: string;
  /** The factor's id. */
  readonly factorId: string;
  /** The time to record (epoch ms). */
  readonly at: number;
}

/**
 * What {@link CombinedStore.loadUser} returns: the answers of `listFactors`,
 * `getPreferred` and `read(stateKey)`, taken at one instant.
 *
 * @example
 * ```ts
 * const { factors, preferred, state } = await stores.combined!.loadUser('42', 'user:42');
 * ```
 */
export interface UserSnapshot {
  /** All factors of the user, in creation order (as `listFactors`). */
  readonly factors: Factor[];
  /** The preferred factor id, or `null` (as `getPreferred`). */
  readonly preferred: string | null;
  /** The state record, or `null` (as `StateStore.read`). */
  readonly state: VersionedRecord | null;
}

/**
 * What {@link CombinedStore.loadUserWith} returns: a {@link UserSnapshot} and, in the
 * same order as asked, the other state records read with it (each as `StateStore.read`).
 *
 * @example
 * ```ts
 * const snap = await stores.combined!.loadUserWith!('42', 'user:42', ['settings']);
 * const [settings] = snap.also; // a VersionedRecord, or null when missing
 * ```
 */
export interface UserSnapshotWith extends UserSnapshot {
  /** The records of `alsoRead`, in order (`null`: missing or expired). */
  readonly also: readonly (VersionedRecord | null)[];
}

/**
 * What {@link CombinedStore.commit} resolves: either every write happened, with the new
 * versions, or none did, with what the keys hold now (so a caller can decide again
 * without reading them).
 *
 * @example
 * ```ts
 * const r: CommitResult = await stores.combined!.commit([w]);
 * if (!r.ok) console.log(r.current[0]?.version); // what user:42 holds now
 * ```
 */
export type CommitResult =
  | {
      /** Every write happened. */
      readonly ok: true;
      /** The new version of each write, in order (`null` for a delete). */
      readonly versions: readonly (number | null)[];
      /** Whether the `touch` was applied (`false` when none was asked or the factor is not active). */
      readonly touched: boolean;
    }
  | {
      /** No write happened: a version did not match. */
      readonly ok: false;
      /** The current record of each key, in order (`null`: missing or expired). */
      readonly current: readonly (VersionedRecord | null)[];
    };

/**
 * Optional fast paths for stores that keep a user's factors and state side by side, as
 * `redisStores()` does: each call does in one round trip (one Redis command) what mfakit
 * otherwise does with several calls of {@link FactorStore} and {@link StateStore}. A store
 * without it works the same, with more calls. Each member must behave exactly like the
 * plain calls it replaces; `defineStoreTests` from `mfakit/testing` checks that.
 *
 * With it, an uncontended `verify` costs one `commit` when this process wrote the user's
 * record last (else one `read` and one `commit`), and an uncontended `startChallenge` one
 * `loadUserWith` (or `loadUser` and a `read` of the shared settings) and one `commit`
 * (when `multiKey` is `true`): a `commit` that loses a race
 * answers with the current records, so mfakit may start from the copy it saw last.
 *
 * @example
 * ```ts
 * const stores = redisStores(redis);
 * const snap = await stores.combined!.loadUser('42', 'user:42');
 * const r = await stores.combined!.commit([
 *   { key: 'user:42', value: '{"v":2}', expectedVersion: snap.state?.version ?? null, ttlMs: 60_000 },
 * ]);
 * ```
 */
export interface CombinedStore {
  /**
   * Whether one `commit` may hold keys of different users and numbers. `false` when the
   * store can only be atomic within a shard (Redis Cluster: one hash slot); mfakit then
   * commits a user's record and a number's record one after the other.
   */
  readonly multiKey: boolean;
  /** Reads the user's factors, preferred factor id and the state record `stateKey` at one instant. */
  loadUser(userId: string, stateKey: string): Promise<UserSnapshot>;
  /**
   * Optional: `loadUser` plus the state records `alsoRead` (keys of any user or of none,
   * e.g. the shared settings `'settings'`), in as few round trips as the store can
   * (`redisStores`: one `EVALSHA` on a single node; on a cluster the other keys live in
   * other hash slots, so one `GET` each beside the load). Each record as
   * `StateStore.read` answers it at that call. Without it mfakit calls `loadUser` and
   * `StateStore.read` side by side.
   */
  loadUserWith?(userId: string, stateKey: string, alsoRead: readonly string[]): Promise<UserSnapshotWith>;
  /**
   * Compare-and-set of several state records, all or none (each write as
   * {@link StateStore.write}: versions, deletes and TTLs alike). When every write
   * happened and `touch` is given, sets that factor's `lastUsedAt` if it is active, in
   * the same atomic step. Without `multiKey`, every key (and the touched user) must
   * belong to one user. Any fault rejects; a commit that did not happen never resolves
   * `ok: true`.
   */
  commit(writes: readonly StateWrite[], touch?: FactorTouch): Promise<CommitResult>;
}
