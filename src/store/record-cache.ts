/**
 * The last record this process saw of each key it does not read before writing (the
 * per-number send budgets), bounded. It is only a starting guess: the compare-and-set
 * proves it current or answers with the real record. Keys are HMACs, never numbers.
 * @internal
 * @module
 */
import type { VersionedRecord } from '../ports/state-store.js';

/** A bounded map of last-seen records; the oldest entry goes first when it is full. */
export class RecordCache {
  readonly #map = new Map<string, VersionedRecord | null>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** The record last seen (`null`: seen missing), or `undefined` when never seen. */
  get(key: string): VersionedRecord | null | undefined {
    return this.#map.get(key);
  }

  set(key: string, record: VersionedRecord | null): void {
    this.#map.delete(key);
    this.#map.set(key, record);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }
}
