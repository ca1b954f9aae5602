/** Entries one Map of a {@link ValueIndex} holds before the index spreads them over shards. */
const SHARD_AT = 1 << 16;
const SHARDS = 64;

/**
 * A map from a field's values to their element numbers that never rehashes much at once. One Map
 * of millions of entries doubles its table in a single step — about 0.1 s at a million entries,
 * 0.4 s at four million, during which a paced model build cannot yield — so past 65 536 entries
 * the index spreads them over 64 Maps by a cheap hash, and no Map grows past a sixty-fourth.
 *
 * @example
 * const index = new ValueIndex<number>(numberShard);
 * index.set(42, 0);
 * index.get(42); // 0
 */
export class ValueIndex<K> {
  #one: Map<K, number> | undefined = new Map();
  #shards: Map<K, number>[] = [];
  readonly #shard: (key: K) => number;

  /** `shard` spreads keys: any integer, equal keys giving equal numbers. */
  constructor(shard: (key: K) => number) {
    this.#shard = shard;
  }

  get(key: K): number | undefined {
    return this.#one ? this.#one.get(key) : this.#shards[this.#shard(key) & (SHARDS - 1)]?.get(key);
  }

  set(key: K, value: number): void {
    const one = this.#one;
    if (!one) {
      this.#shards[this.#shard(key) & (SHARDS - 1)]?.set(key, value);
      return;
    }
    one.set(key, value);
    if (one.size < SHARD_AT) return;
    this.#shards = Array.from({ length: SHARDS }, () => new Map<K, number>());
    for (const [k, v] of one) this.#shards[this.#shard(k) & (SHARDS - 1)]?.set(k, v);
    this.#one = undefined;
  }
}

// A number's bits, for spreading non-integer numbers without boxing them.
const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/** The shard of a number key (0 and -0, one Map key, give the same shard). */
export function numberShard(num: number): number {
  if ((num | 0) === num) return mix(num);
  bits[0] = num;
  return mix((words[0] as number) ^ (words[1] as number));
}

/** The shard of a text key: from its length, first characters and last characters (where keys differ most). */
export function textShard(text: string): number {
  const length = text.length;
  let h = length;
  const head = Math.min(length, 4);
  for (let i = 0; i < head; i++) h = Math.imul(h, 31) + text.charCodeAt(i);
  for (let i = Math.max(head, length - 12); i < length; i++) h = Math.imul(h, 31) + text.charCodeAt(i);
  return mix(h);
}

/** MurmurHash3's finaliser: every input bit reaches the low bits a shard number uses. */
function mix(value: number): number {
  let h = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
