import { MfaError } from '../../config/errors.js';
import { checkTtl } from '../../config/validate.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import { HELD, type HeldCodec, type HeldRecord, type HeldRecords, type HeldWrite } from '../../ports/held-state.js';
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
   * store never keeps a process alive. A sweep also stores mfakit's records that were not
   * written since the sweep before it as their encoded string (about half the memory of
   * the decoded record; see `idleRecordsPerSweep`); the next write holds a record decoded
   * again.
   */
  readonly sweepIntervalMs?: number;
  /**
   * Most idle records a sweep inside a write stores as their string (default `20_000`: at
   * about 2 µs each, at most about 40 ms added to that one write); the rest wait for the next
   * sweep. A store whose writes touch more distinct keys than this per `sweepIntervalMs`
   * keeps the others decoded for longer: raise it, or sweep more often. `0` keeps every
   * record decoded (most memory, no encoding work at all); `sweep()` called by hand encodes
   * every idle record unless this is `0`.
   */
  readonly idleRecordsPerSweep?: number;
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
  /**
   * Drops every expired key now and stores every record not written since the previous
   * sweep as its encoded string (see `sweepIntervalMs`); returns how many keys were dropped.
   */
  sweep(): number;
}

/**
 * A record: the string written through `write` (or encoded while idle), or the frozen value
 * mfakit committed (held) with its codec.
 * A held commit over a live record updates its entry in place (no second lookup, no new
 * entry); a reader takes what it needs of an entry at once.
 */
type Entry = HeldRecord & {
  /** Clock time at which the entry is gone, or `null` for never. */
  readonly expiresAt: number | null;
};

/** An entry as the store itself changes it (its codec and value change together). */
interface MutableEntry {
  version: number;
  codec: HeldCodec | undefined;
  value: unknown;
  expiresAt: number | null;
}

/**
 * A key (or an encoded record) as kept. V8 keeps a concatenated string as a tree of its
 * parts (and a slice of a longer string with that whole string) until something reads its
 * characters; reading one flattens it in place, so a kept key costs its own characters only
 * (~80 bytes less for a number's `dest:` key). The string itself is unchanged.
 */
const kept = (key: string): string => {
  key.charCodeAt(0);
  return key;
};

/** The string form of a record, as `read` answers it (a held value is encoded now). */
const valueOf = (entry: Entry): string => (entry.codec === undefined ? entry.value : entry.codec.encode(entry.value as never));

const DEFAULT_MAX_KEYS = 100_000;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
const DEFAULT_IDLE_RECORDS_PER_SWEEP = 20_000;

function positiveInteger(name: string, value: number | undefined, fallback: number, least = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < least) {
    throw new MfaError('invalid_options', `memory store: ${name} must be ${least === 0 ? 'a whole number, 0 or more' : 'a positive integer'}`);
  }
  return value;
}

/**
 * Creates an in-memory {@link StateStore}: versioned compare-and-set with TTLs evaluated
 * lazily against the injected clock, bounded to `maxKeys` keys.
 *
 * Versions come from one counter shared by every key of the store, so a key deleted
 * and written again never gets back a version a stale reader could still hold. mfakit's
 * own records are kept as the decoded, frozen values it committed (no JSON on its hot
 * path); `read` encodes them, so the string contract holds for any other caller.
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
  const idlePerSweep = positiveInteger('idleRecordsPerSweep', options.idleRecordsPerSweep, DEFAULT_IDLE_RECORDS_PER_SWEEP, 0);
  const entries = new Map<string, Entry>();
  let lastVersion = 0;
  /**
   * `lastVersion` at the previous sweep. Versions only grow, so a held record whose version
   * is at most this was not written since then: it is idle, and the next sweep encodes it.
   */
  let versionAtLastSweep = 0;
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

  /**
   * Drops the expired keys. A periodic sweep (`encodeAtMost` a number: the write's, or
   * `sweep()`) also encodes up to that many idle held records in place (same version: a
   * reader holding it still matches; a record its codec cannot encode stays held) and starts
   * the next period; `size()` and a full store's drop of expired keys (`null`) do neither, so
   * they never postpone the encoding of idle records.
   */
  const sweepAt = (now: number, encodeAtMost: number | null): number => {
    let dropped = 0;
    let earliest = Number.POSITIVE_INFINITY;
    let encodeLeft = encodeAtMost ?? 0;
    const idle = versionAtLastSweep;
    for (const [key, entry] of entries) {
      if (isExpired(entry, now)) {
        entries.delete(key);
        dropped += 1;
        continue;
      }
      if (entry.expiresAt !== null && entry.expiresAt < earliest) earliest = entry.expiresAt;
      if (encodeLeft > 0 && entry.codec !== undefined && entry.version <= idle) {
        encodeLeft -= 1;
        encodeInPlace(entry as MutableEntry, entry.codec);
      }
    }
    earliestExpiry = earliest;
    if (encodeAtMost !== null) {
      lastSweepAt = now;
      versionAtLastSweep = lastVersion;
    }
    return dropped;
  };
  /** An entry's held value from now on as its string (the value `read` answers, encoded once). */
  const encodeInPlace = (e: MutableEntry, codec: HeldCodec): void => {
    let value: string;
    try {
      value = codec.encode(e.value as never);
    } catch {
      return;
    }
    e.value = kept(value); // one flat string, not the tree of parts the codec joined
    e.codec = undefined;
  };
  /** The periodic sweep of a write. */
  const sweepInWrite = (now: number): void => {
    if (now - lastSweepAt >= sweepIntervalMs) sweepAt(now, idlePerSweep);
  };

  /** Makes room for `added` new keys, or throws when only live keys fill the store. */
  const reserve = (added: number, now: number): void => {
    if (added === 0 || entries.size + added <= maxKeys) return;
    // Only sweep when something may have expired, so a store full of live keys
    // refuses new ones in O(1).
    if (now >= earliestExpiry) sweepAt(now, null);
    if (entries.size + added > maxKeys) {
      throw new MfaError('store_failed', `memory state store is full (${maxKeys} live keys)`);
    }
  };

  /** A new entry: `value` is the held value of `codec`, or a string when `codec` is `undefined`. */
  const put = (key: string, codec: HeldCodec | undefined, value: unknown, ttlMs: number | null, now: number): number => {
    const expiresAt = ttlMs === null ? null : now + ttlMs;
    if (expiresAt !== null && expiresAt < earliestExpiry) earliestExpiry = expiresAt;
    lastVersion += 1;
    entries.set(kept(key), { version: lastVersion, codec, value, expiresAt } as Entry);
    return lastVersion;
  };

  /** A held commit over the live entry `entry`: changed in place. */
  const replace = (entry: Entry, codec: HeldCodec, state: unknown, ttlMs: number | null, now: number): number => {
    const expiresAt = ttlMs === null ? null : now + ttlMs;
    if (expiresAt !== null && expiresAt < earliestExpiry) earliestExpiry = expiresAt;
    lastVersion += 1;
    const e = entry as MutableEntry;
    e.codec = codec;
    e.value = state;
    e.version = lastVersion;
    e.expiresAt = expiresAt;
    return lastVersion;
  };

  const held: HeldRecords = {
    read: (key) => live(key, clock.now()) ?? null,
    commit(writes: readonly HeldWrite[]) {
      const now = clock.now();
      sweepInWrite(now);
      let added = 0;
      const found: (Entry | undefined)[] = new Array(writes.length);
      for (let i = 0; i < writes.length; i++) {
        const w = writes[i] as HeldWrite;
        checkTtl(w.ttlMs);
        const current = live(w.key, now);
        if (current === undefined ? w.expectedVersion !== null : current.version !== w.expectedVersion) return null;
        if (current === undefined && w.state !== undefined) added += 1;
        found[i] = current;
      }
      // Sweeps only what has expired: the entries found live stay.
      reserve(added, now);
      const versions: (number | null)[] = new Array(writes.length);
      for (let i = 0; i < writes.length; i++) {
        const w = writes[i] as HeldWrite;
        const current = found[i];
        if (w.state === undefined) {
          entries.delete(w.key);
          versions[i] = null;
        } else if (current === undefined) {
          versions[i] = put(w.key, w.codec, w.state, w.ttlMs, now);
        } else {
          versions[i] = replace(current, w.codec, w.state, w.ttlMs, now);
        }
      }
      return versions;
    },
  };

  const store: MemoryStateStore = {
    async read(key: string): Promise<VersionedRecord | null> {
      const entry = live(key, clock.now());
      return entry === undefined ? null : { value: valueOf(entry), version: entry.version };
    },

    async write(key, value, expectedVersion, ttlMs) {
      checkTtl(ttlMs);
      const now = clock.now();
      sweepInWrite(now);
      const current = live(key, now);
      const matches = current === undefined ? expectedVersion === null : current.version === expectedVersion;
      if (!matches) return false;
      if (value === null) {
        entries.delete(key);
        return true;
      }
      if (current === undefined) reserve(1, now);
      put(key, undefined, value, ttlMs, now);
      return true;
    },

    size() {
      sweepAt(clock.now(), null);
      return entries.size;
    },

    sweep() {
      return sweepAt(clock.now(), idlePerSweep === 0 ? 0 : Number.POSITIVE_INFINITY);
    },
  };
  return Object.assign(store, { [HELD]: held });
}
