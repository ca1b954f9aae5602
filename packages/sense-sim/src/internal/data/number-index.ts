import { numberShard, ValueIndex } from './value-index.js';

/** Largest integer key held in the dense array (4 M entries, 16 MB at most). */
const DENSE_LIMIT = 1 << 22;
/** Integer keys are held densely while the array stays within this many slots per key held (plus a start). */
const DENSE_SLACK = 4;
const DENSE_START = 1 << 16;

/**
 * A map from numbers to symbol numbers (non-negative integers) for a field's values. Most
 * numeric values a script loads are small non-negative integers (ids, keys, years, counters):
 * those are held in a typed array indexed by the number itself while it stays dense — one array
 * read instead of a hash lookup, which for a million-row column is most of the cost of building
 * it. Other numbers, and integers too sparse for the array, go to a {@link ValueIndex}. 0 and -0
 * are one key, as in a Map.
 *
 * @example
 * const index = new NumberIndex();
 * index.set(42, 0);
 * index.set(0.5, 1);
 * index.get(42); // 0
 */
export class NumberIndex {
  /** Symbol + 1 per integer key (0: not held here). */
  #dense = new Int32Array(0);
  #held = 0;
  #sparse = new ValueIndex<number>(numberShard);
  #sparseSize = 0;

  get(num: number): number | undefined {
    const dense = this.#dense;
    if (num >= 0 && num < dense.length && (num | 0) === num) {
      const known = dense[num] as number;
      if (known > 0) return known - 1;
    }
    return this.#sparseSize > 0 ? this.#sparse.get(num) : undefined;
  }

  /** Adds `num` (not held yet) as symbol `symbol`. */
  set(num: number, symbol: number): void {
    this.#held++;
    if (num >= 0 && num < DENSE_LIMIT && (num | 0) === num) {
      if (num >= this.#dense.length) this.#widen(num);
      if (num < this.#dense.length) {
        this.#dense[num] = symbol + 1;
        return;
      }
    }
    this.#sparse.set(num, symbol);
    this.#sparseSize++;
  }

  /** Grows the dense array to hold `num` when it stays dense enough; keys it cannot hold go to the sparse map. */
  #widen(num: number): void {
    const room = DENSE_SLACK * this.#held + DENSE_START;
    if (num >= room) return;
    const length = Math.min(DENSE_LIMIT, Math.max(num + 1, this.#dense.length * 2, 1024), room);
    const grown = new Int32Array(length);
    grown.set(this.#dense);
    this.#dense = grown;
  }
}
