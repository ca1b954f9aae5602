import { asRecord, asRecords, asText, type JsonRecord } from '../json-record.js';
import { elemKey } from './cube-subsets.js';

/** The expansion of one dimension's nodes: the listed paths are expanded, or (exclude list) all but them. */
interface DimensionExpansion {
  exclude: boolean;
  readonly paths: Map<string, readonly number[]>;
}

/**
 * The expansion state of a pivot cube, kept in the definition's `qExpansionState` (ExpansionData[]).
 * One entry per dimension that is not in its default (all collapsed) state:
 * `{ qExcludeList, qPos: { qDimName, qElemNo, qElemValues: [] } }`. `qElemNo` holds the paths of
 * the listed nodes one after the other, each path being the node's element numbers (a measure
 * index for the pseudo dimension) from the first level of its axis down to its own level, so a
 * node on level `k` takes `k + 1` numbers. With `qExcludeList` false the listed nodes are
 * expanded; with it true every node of the dimension is expanded except the listed ones.
 *
 * The schema says no more than "expansion state per dimension" and a PositionMark per entry; the
 * path encoding is this simulator's choice.
 *
 * @example
 * const state = PivotExpansion.read(def, (d) => names[d], (d) => levelOf(d));
 * state.set(0, [3], true); // expand the node of element 3 of dimension 0 (first level)
 * state.write(); // → [{ qPos: { qDimName: 'Region', qElemNo: [3], qElemValues: [] } }]
 */
export class PivotExpansion {
  private readonly dims = new Map<number, DimensionExpansion>();

  private constructor(
    private readonly names: readonly string[],
    private readonly depthOf: (dim: number) => number,
  ) {}

  /** The state stored in `def.qExpansionState`; `names` are the dimensions' qDimName, `depthOf` their axis level. */
  static read(def: Readonly<JsonRecord>, names: readonly string[], depthOf: (dim: number) => number): PivotExpansion {
    const state = new PivotExpansion(names, depthOf);
    for (const entry of asRecords(def.qExpansionState)) {
      const pos = asRecord(entry.qPos);
      const dim = names.indexOf(asText(pos.qDimName));
      if (dim < 0) continue;
      const flat = Array.isArray(pos.qElemNo) ? pos.qElemNo.filter((n): n is number => Number.isInteger(n)) : [];
      const size = depthOf(dim) + 1;
      const expansion = state.of(dim);
      expansion.exclude = entry.qExcludeList === true;
      for (let i = 0; i + size <= flat.length; i += size) {
        const path = flat.slice(i, i + size);
        expansion.paths.set(elemKey(path), path);
      }
    }
    return state;
  }

  /** Whether the node of dimension `dim` at `path` is expanded. */
  isExpanded(dim: number, path: readonly number[]): boolean {
    const expansion = this.dims.get(dim);
    if (!expansion) return false;
    return expansion.paths.has(elemKey(path)) !== expansion.exclude;
  }

  /** Expands (or collapses) one node. */
  set(dim: number, path: readonly number[], expanded: boolean): void {
    const expansion = this.of(dim);
    if (expanded !== expansion.exclude) expansion.paths.set(elemKey(path), [...path]);
    else expansion.paths.delete(elemKey(path));
  }

  /** Expands (or collapses) every node of the dimensions. */
  setAll(dims: readonly number[], expanded: boolean): void {
    for (const dim of dims) {
      const expansion = this.of(dim);
      expansion.exclude = expanded;
      expansion.paths.clear();
    }
  }

  /** The `qExpansionState` to store. */
  write(): JsonRecord[] {
    const out: JsonRecord[] = [];
    const dims = [...this.dims.keys()].sort((a, b) => a - b);
    for (const dim of dims) {
      const expansion = this.dims.get(dim) as DimensionExpansion;
      if (!expansion.exclude && expansion.paths.size === 0) continue;
      const size = this.depthOf(dim) + 1;
      const qElemNo = [...expansion.paths.values()].filter((path) => path.length === size).flat();
      out.push({
        ...(expansion.exclude ? { qExcludeList: true } : {}),
        qPos: { qDimName: this.names[dim] ?? '', qElemNo, qElemValues: [] },
      });
    }
    return out;
  }

  private of(dim: number): DimensionExpansion {
    let expansion = this.dims.get(dim);
    if (!expansion) {
      expansion = { exclude: false, paths: new Map() };
      this.dims.set(dim, expansion);
    }
    return expansion;
  }
}
