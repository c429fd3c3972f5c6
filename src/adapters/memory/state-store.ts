import { MfaError } from '../../config/errors.js';
import { checkTtl } from '../../config/validate.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { StateStore, VersionedRecord } from '../../ports/state-store.js';

/**
 * Options of {@link memoryStateStore} (and of `memoryStores`).
 *
 * @example
 * ```ts
 * const options: MemoryStateStoreOptions = { maxKeys: 10_000, sweepIntervalMs: 30_000 };
 * ```
 */
export interface MemoryStateStoreOptions {
  /** Time source for TTLs. Default: the wall clock. Pass the same clock as `createMfa`. */
  readonly clock?: Clock;
  /**
   * Most keys held at once (default `100_000`). A write that would add a new key to a
   * full store first drops expired keys; if the store is still full it rejects with
   * `MfaError('store_failed')`. A live key is never evicted to make room.
   */
  readonly maxKeys?: number;
  /**
   * Writes sweep expired keys at most once per this many clock milliseconds
   * (default `60_000`). There is no timer: sweeping happens inside `write`, so the
   * store never keeps a process alive.
   */
  readonly sweepIntervalMs?: number;
}

/**
 * A {@link StateStore} held in this process's memory, with two extras for tests and
 * monitoring.
 *
 * @example
 * ```ts
 * const state: MemoryStateStore = memoryStateStore();
 * await state.write('user:42', '{}', null, 60_000);
 * state.size(); // 1
 * ```
 */
export interface MemoryStateStore extends StateStore {
  /** The number of live keys, after dropping the expired ones. */
  size(): number;
  /** Drops every expired key now; returns how many were dropped. */
  sweep(): number;
}

interface Entry {
  readonly value: string;
  readonly version: number;
  /** Clock time at which the entry is gone, or `null` for never. */
  readonly expiresAt: number | null;
}

const DEFAULT_MAX_KEYS = 100_000;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new MfaError('invalid_options', `memory store: ${name} must be a positive integer`);
  }
  return value;
}

/**
 * Creates an in-memory {@link StateStore}: versioned compare-and-set with TTLs evaluated
 * lazily against the injected clock, bounded to `maxKeys` keys.
 *
 * Versions come from one counter shared by every key of the store, so a key deleted
 * and written again never gets back a version a stale reader could still hold.
 * Only for a single process: several processes need a shared store such as `mfakit/redis`.
 *
 * @example
 * ```ts
 * import { memoryStateStore } from 'mfakit/memory';
 * const state = memoryStateStore({ maxKeys: 10_000 });
 * const ok = await state.write('user:42', '{"fails":1}', null, 60_000); // true
 * const rec = await state.read('user:42'); // { value: '{"fails":1}', version: 1 }
 * ```
 */
export function memoryStateStore(options: MemoryStateStoreOptions = {}): MemoryStateStore {
  const clock = options.clock ?? systemClock;
  const maxKeys = positiveInteger('maxKeys', options.maxKeys, DEFAULT_MAX_KEYS);
  const sweepIntervalMs = positiveInteger('sweepIntervalMs', options.sweepIntervalMs, DEFAULT_SWEEP_INTERVAL_MS);
  const entries = new Map<string, Entry>();
  let lastVersion = 0;
  let lastSweepAt = clock.now();
  /** A lower bound of the earliest `expiresAt` held; `Infinity` when nothing expires. */
  let earliestExpiry = Number.POSITIVE_INFINITY;

  const isExpired = (entry: Entry, now: number): boolean =>
    entry.expiresAt !== null && now >= entry.expiresAt;

  const live = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && isExpired(entry, now)) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const sweepAt = (now: number): number => {
    let dropped = 0;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, entry] of entries) {
      if (isExpired(entry, now)) {
        entries.delete(key);
        dropped += 1;
      } else if (entry.expiresAt !== null && entry.expiresAt < earliest) {
        earliest = entry.expiresAt;
      }
    }
    earliestExpiry = earliest;
    lastSweepAt = now;
    return dropped;
  };

  return {
    async read(key: string): Promise<VersionedRecord | null> {
      const entry = live(key, clock.now());
      return entry === undefined ? null : { value: entry.value, version: entry.version };
    },

    async write(key, value, expectedVersion, ttlMs) {
      checkTtl(ttlMs);
      const now = clock.now();
      if (now - lastSweepAt >= sweepIntervalMs) sweepAt(now);
      const current = live(key, now);
      const matches = current === undefined ? expectedVersion === null : current.version === expectedVersion;
      if (!matches) return false;
      if (value === null) {
        entries.delete(key);
        return true;
      }
      if (current === undefined && entries.size >= maxKeys) {
        // Only sweep when something may have expired, so a store full of live keys
        // refuses new ones in O(1).
        if (now >= earliestExpiry) sweepAt(now);
        if (entries.size >= maxKeys) {
          throw new MfaError('store_failed', `memory state store is full (${maxKeys} live keys)`);
        }
      }
      const expiresAt = ttlMs === null ? null : now + ttlMs;
      if (expiresAt !== null && expiresAt < earliestExpiry) earliestExpiry = expiresAt;
      lastVersion += 1;
      entries.set(key, { value, version: lastVersion, expiresAt });
      return true;
    },

    size() {
      sweepAt(clock.now());
      return entries.size;
    },

    sweep() {
      return sweepAt(clock.now());
    },
  };
}
