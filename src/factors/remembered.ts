/**
 * A bounded map for values derived from a key that are costly to derive again (a number's
 * keyed name, its masked form): a read is one `Map` lookup (no reordering), and past the
 * bound the entry remembered first is forgotten, one at a time (never all at once, so a
 * working set larger than the bound degrades gradually instead of emptying the map).
 * @internal
 * @module
 */

/** A `Map` of at most `max` entries, forgetting the oldest one first. */
export class Remembered<K, V> {
  readonly #map = new Map<K, V>();
  readonly #max: number;

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('Remembered: max must be a positive integer');
    this.#max = max;
  }

  /** The number of entries held. */
  get size(): number {
    return this.#map.size;
  }

  /** The value of `key`, derived by `derive` (and remembered) when it is not held. */
  get(key: K, derive: (key: K) => V): V {
    const map = this.#map;
    let value = map.get(key);
    if (value === undefined) {
      value = derive(key);
      map.set(key, value);
      if (map.size > this.#max) {
        const oldest = map.keys().next();
        if (!oldest.done) map.delete(oldest.value);
      }
    }
    return value;
  }
}
