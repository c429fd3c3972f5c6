/**
 * Bounded maps that forget one entry at a time when full (never all at once, so a working
 * set larger than the bound degrades gradually instead of emptying the map and starting
 * over): {@link WriteOrderMap} forgets the least recently written entry, {@link LruMap} the
 * least recently used one.
 * @internal
 * @module
 */

/**
 * A `Map` of at most `max` entries that forgets the least recently *written* entry: `get`
 * is one lookup and never reorders (cheaper than {@link LruMap} where every entry worth
 * keeping is written again anyway, as a remembered record is at each commit); `set` makes
 * the entry the newest.
 */
export class WriteOrderMap<K, V> {
  /** The entries, oldest first (a `Map` keeps insertion order). */
  protected readonly entries = new Map<K, V>();
  readonly #max: number;

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`${new.target.name}: max must be a positive integer`);
    this.#max = max;
  }

  /** The number of entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** The value of `key`, or `undefined` (its place in the order is unchanged). */
  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /**
   * The value of `key`, or, when none is held, `make(key)` remembered as the newest entry: for
   * values derived from a key that cost more to derive again than to keep (a number's keyed
   * name or masked form, a prepared message text).
   */
  getOr(key: K, make: (key: K) => V): V {
    let value = this.get(key);
    if (value === undefined) {
      value = make(key);
      this.set(key, value);
    }
    return value;
  }

  /** Sets `key` as the newest entry, dropping the oldest one when over the bound. */
  set(key: K, value: V): void {
    const map = this.entries;
    map.delete(key);
    map.set(key, value);
    if (map.size > this.#max) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  }

  /** Forgets `key`. */
  delete(key: K): boolean {
    return this.entries.delete(key);
  }
}

/** A `Map` of at most `max` entries; `get` and `set` make an entry the most recent. */
export class LruMap<K, V> extends WriteOrderMap<K, V> {
  /** The value of `key` (now the most recent), or `undefined`. */
  override get(key: K): V | undefined {
    const map = this.entries;
    const value = map.get(key);
    if (value === undefined) return undefined;
    // Re-inserting makes the entry the newest.
    map.delete(key);
    map.set(key, value);
    return value;
  }

  /** Whether `key` is held (does not refresh it). */
  has(key: K): boolean {
    return this.entries.has(key);
  }
}
