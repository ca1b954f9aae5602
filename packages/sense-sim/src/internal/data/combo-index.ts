import { IntBuffer } from './int-buffer.js';

/**
 * Dense ids for combinations of element numbers, one element per dimension (-1 for NULL): the
 * rows of a hypercube, and the lookup of any record's dimension values to its row.
 *
 * Combinations are keyed level by level (`previousId × (cardinal + 1) + element + 1`), so every key
 * stays far below 2^53 however many dimensions there are, and each level needs one Map lookup.
 */
export class ComboIndex {
  private readonly cardinals: readonly number[];
  private readonly first: Int32Array;
  private readonly levels: Map<number, number>[];
  private readonly elems: IntBuffer[];
  private size = 0;
  /** How many ids each level has handed out. */
  private counters: number[] = [];

  constructor(cardinals: readonly number[]) {
    this.cardinals = cardinals;
    this.first = new Int32Array((cardinals[0] ?? 0) + 1).fill(-1);
    this.levels = cardinals.slice(1).map(() => new Map<number, number>());
    this.elems = cardinals.map(() => new IntBuffer());
  }

  /** Number of combinations with an id. */
  get count(): number {
    return this.cardinals.length === 0 ? 1 : this.size;
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
    if (dims === 0) return out;
    // Level ids of the prefixes: a level-0 id is dense among the first dimension's elements seen.
    const firstElems = elems[0] as Int32Array;
    const levelCounts = this.levelCounters();
    for (let i = 0; i < n; i++) {
      const slot = (firstElems[i] as number) + 1;
      let id = this.first[slot] as number;
      if (id < 0) {
        if (!create) {
          out[i] = -1;
          continue;
        }
        id = levelCounts[0] as number;
        levelCounts[0] = id + 1;
        this.first[slot] = id;
        if (dims === 1) this.record(i, elems);
      }
      out[i] = id;
    }
    for (let d = 1; d < dims; d++) {
      const column = elems[d] as Int32Array;
      const map = this.levels[d - 1] as Map<number, number>;
      const radix = (this.cardinals[d] as number) + 1;
      const last = d === dims - 1;
      for (let i = 0; i < n; i++) {
        const prefix = out[i] as number;
        if (prefix < 0) continue;
        const key = prefix * radix + (column[i] as number) + 1;
        let id = map.get(key);
        if (id === undefined) {
          if (!create) {
            out[i] = -1;
            continue;
          }
          id = levelCounts[d] as number;
          levelCounts[d] = id + 1;
          map.set(key, id);
          if (last) this.record(i, elems);
        }
        out[i] = id;
      }
    }
    this.counters = levelCounts;
    this.size = levelCounts[dims - 1] ?? 0;
    return out;
  }

  private levelCounters(): number[] {
    if (this.counters.length !== this.cardinals.length) this.counters = this.cardinals.map(() => 0);
    return this.counters;
  }

  private record(i: number, elems: readonly Int32Array[]): void {
    for (let d = 0; d < this.elems.length; d++)
      (this.elems[d] as IntBuffer).push((elems[d] as Int32Array)[i] as number);
  }
}
