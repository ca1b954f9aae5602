import { IntBuffer } from './int-buffer.js';

// Levels whose keys fit in this many slots use a flat Int32Array instead of a Map (≈ 64 MB at most).
const MAX_DENSE_SLOTS = 1 << 24;

/** A map from non-negative integer keys to ids: a flat array for small key spaces, a Map beyond. */
class KeyTable {
  /** Ids of keys below its length (-1: none); read directly by hot loops. */
  readonly dense: Int32Array;
  private readonly sparse = new Map<number, number>();

  constructor(expectedKeys: number) {
    this.dense = new Int32Array(Math.min(Math.max(expectedKeys, 0), MAX_DENSE_SLOTS)).fill(-1);
  }

  get(key: number): number {
    return key < this.dense.length ? (this.dense[key] as number) : (this.sparse.get(key) ?? -1);
  }

  set(key: number, id: number): void {
    if (key < this.dense.length) this.dense[key] = id;
    else this.sparse.set(key, id);
  }
}

/**
 * Dense ids for combinations of element numbers, one element per dimension (-1 for NULL): the
 * rows of a hypercube, and the lookup of any record's dimension values to its row.
 *
 * Combinations are keyed level by level (`previousId × (cardinal + 1) + element + 1`), so every key
 * stays far below 2^53 however many dimensions there are, and each level costs one array (or Map)
 * lookup per record.
 */
export class ComboIndex {
  private readonly cardinals: readonly number[];
  private readonly levels: (KeyTable | undefined)[];
  private readonly elems: IntBuffer[];
  /** How many ids each level has handed out. */
  private readonly counters: number[];

  constructor(cardinals: readonly number[]) {
    this.cardinals = cardinals;
    this.levels = cardinals.map(() => undefined);
    this.elems = cardinals.map(() => new IntBuffer());
    this.counters = cardinals.map(() => 0);
  }

  /** Number of combinations with an id. */
  get count(): number {
    return this.cardinals.length === 0 ? 1 : (this.counters[this.cardinals.length - 1] ?? 0);
  }

  /** The element numbers of every combination, per dimension (index = id). */
  combinations(): Int32Array[] {
    return this.elems.map((buffer) => buffer.toArray());
  }

  /**
   * The id of each of `n` combinations given column-wise (`elems[d][i]`). With `create`, unknown
   * combinations get new ids (in order of first appearance); without, they get -1.
   */
  ids(elems: readonly Int32Array[], n: number, create: boolean): Int32Array {
    const out = new Int32Array(n);
    const dims = this.cardinals.length;
    for (let d = 0; d < dims; d++) {
      const column = elems[d] as Int32Array;
      const radix = (this.cardinals[d] as number) + 1;
      // Level 0 has one prefix; the first use of a level sizes its table for the prefixes known now.
      const prefixes = d === 0 ? 1 : Math.max(this.counters[d - 1] as number, 1);
      let table = this.levels[d];
      if (!table) {
        table = new KeyTable(prefixes * radix);
        this.levels[d] = table;
      }
      const last = d === dims - 1;
      const dense = table.dense;
      const denseSize = dense.length;
      let counter = this.counters[d] as number;
      for (let i = 0; i < n; i++) {
        const prefix = d === 0 ? 0 : (out[i] as number);
        if (prefix < 0) continue;
        const key = prefix * radix + (column[i] as number) + 1;
        let id = key < denseSize ? (dense[key] as number) : table.get(key);
        if (id < 0) {
          if (!create) {
            out[i] = -1;
            continue;
          }
          id = counter++;
          table.set(key, id);
          if (last)
            for (let k = 0; k < dims; k++) (this.elems[k] as IntBuffer).push((elems[k] as Int32Array)[i] as number);
        }
        out[i] = id;
      }
      this.counters[d] = counter;
    }
    return out;
  }
}
