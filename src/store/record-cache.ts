/**
 * The last record this process saw of each key it does not read before writing (the
 * per-number send budgets), bounded. It is only a starting guess: the compare-and-set
 * proves it current or answers with the real record. Keys are HMACs, never numbers.
 * @internal
 * @module
 */
import { LruMap } from '../config/lru.js';
import type { VersionedRecord } from '../ports/state-store.js';

/** A bounded map of last-seen records; the least recently used entry goes first when it is full. */
export class RecordCache {
  readonly #map: LruMap<string, VersionedRecord | null>;

  constructor(max = 10_000) {
    this.#map = new LruMap(max);
  }

  /** The record last seen (`null`: seen missing), or `undefined` when never seen. */
  get(key: string): VersionedRecord | null | undefined {
    return this.#map.get(key);
  }

  set(key: string, record: VersionedRecord | null): void {
    this.#map.set(key, record);
  }
}
