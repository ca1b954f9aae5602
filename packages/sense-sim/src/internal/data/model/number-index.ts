/** Largest integer key held in the dense array (4 M entries, 16 MB at most). */
const DENSE_LIMIT = 1 << 22;
/** Integer keys are held densely while the array stays within this many slots per key held (plus a start). */
const DENSE_SLACK = 4;
const DENSE_START = 1 << 16;
/** Keys one sparse table holds before the index spreads them over {@link SHARDS} tables (as `ValueIndex` does). */
const SHARD_AT = 1 << 16;
const SHARDS = 64;

/**
 * A map from numbers to symbol numbers (non-negative integers) for a field's values. Most
 * numeric values a script loads are small non-negative integers (ids, keys, years, counters):
 * those are held in a typed array indexed by the number itself while it stays dense — one array
 * read instead of a hash lookup, which for a million-row column is most of the cost of building
 * it. Other numbers, and integers too sparse for the array, go to an open-addressing table of
 * typed arrays (no boxed keys: a Map of fractions hashes a heap number per lookup), spread over
 * 64 tables past 65 536 keys so that no table grows by millions of slots at once (a paced model
 * build must not stop for a long rehash). 0 and -0 are one key, as in a Map.
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
  #sparse: NumberTable[] = [new NumberTable()];
  #sparseSize = 0;

  get(num: number): number | undefined {
    const dense = this.#dense;
    if (num >= 0 && num < dense.length && (num | 0) === num) {
      const known = dense[num] as number;
      if (known > 0) return known - 1;
    }
    if (this.#sparseSize === 0) return undefined;
    const key = num === 0 ? 0 : num;
    const hash = hashOf(key);
    return this.#table(hash).get(key, hash);
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
    const key = num === 0 ? 0 : num;
    const hash = hashOf(key);
    this.#table(hash).set(key, hash, symbol);
    if (++this.#sparseSize === SHARD_AT && this.#sparse.length === 1) this.#spread();
  }

  #table(hash: number): NumberTable {
    const sparse = this.#sparse;
    return (sparse.length === 1 ? sparse[0] : sparse[hash >>> 26]) as NumberTable;
  }

  /** Spreads the one sparse table's keys over {@link SHARDS} tables (by the hash's top bits). */
  #spread(): void {
    const one = this.#sparse[0] as NumberTable;
    this.#sparse = Array.from({ length: SHARDS }, () => new NumberTable());
    one.forEach((key, hash, value) => {
      this.#table(hash).set(key, hash, value);
    });
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

// A number's bits, for hashing without boxing.
const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/** MurmurHash3's finaliser over both words of a number (callers pass 0 for -0). */
function hashOf(num: number): number {
  bits[0] = num;
  let h = Math.imul((words[0] as number) ^ Math.imul(words[1] as number, 0x9e3779b1), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Numbers → non-negative integers by linear probing over a Float64Array of keys and an Int32Array
 * of values (value + 1; 0 marks a free slot), at most half full; callers give each key's hash.
 * Growing rehashes every key at once, a typed-array loop.
 */
class NumberTable {
  #keys = new Float64Array(16);
  #hashes = new Int32Array(16);
  #values = new Int32Array(16);
  #size = 0;

  get(key: number, hash: number): number | undefined {
    const keys = this.#keys;
    const values = this.#values;
    const mask = keys.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const value = values[i] as number;
      if (value === 0) return undefined;
      if (keys[i] === key) return value - 1;
    }
  }

  /** Adds `key` (not held yet). */
  set(key: number, hash: number, value: number): void {
    if (2 * (this.#size + 1) > this.#keys.length) this.#grow();
    this.#put(key, hash, value + 1);
    this.#size++;
  }

  forEach(visit: (key: number, hash: number, value: number) => void): void {
    for (let i = 0; i < this.#keys.length; i++) {
      const stored = this.#values[i] as number;
      if (stored !== 0) visit(this.#keys[i] as number, this.#hashes[i] as number, stored - 1);
    }
  }

  #put(key: number, hash: number, stored: number): void {
    const keys = this.#keys;
    const values = this.#values;
    const mask = keys.length - 1;
    let i = hash & mask;
    while (values[i] !== 0) i = (i + 1) & mask;
    keys[i] = key;
    this.#hashes[i] = hash;
    values[i] = stored;
  }

  #grow(): void {
    const keys = this.#keys;
    const hashes = this.#hashes;
    const values = this.#values;
    this.#keys = new Float64Array(keys.length * 2);
    this.#hashes = new Int32Array(keys.length * 2);
    this.#values = new Int32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      const stored = values[i] as number;
      if (stored !== 0) this.#put(keys[i] as number, hashes[i] as number, stored);
    }
  }
}
