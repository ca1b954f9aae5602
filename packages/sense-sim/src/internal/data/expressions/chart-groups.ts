import type { ModelField } from '../model/associative-model.js';
import { ComboIndex } from '../model/combo-index.js';
import type { JoinedRecords } from '../model/record-join.js';
import type { RowMasks } from '../selections/propagate-selections.js';
import { elementsOf } from './chart-records.js';

/** A dimension of a grouping: its field and the table its values are read from by default. */
export interface GroupDimension {
  readonly field: ModelField;
  readonly table: number;
}

/** The groups (cube rows) expressions are computed for: one combination of dimension values each. */
export interface Groups {
  readonly dims: readonly GroupDimension[];
  readonly count: number;
  /** `elems[d][g]`: the element number of dimension `d` in group `g` (-1 for NULL). */
  readonly elems: readonly Int32Array[];
  /** Finds the group of any combination. */
  readonly index: ComboIndex;
  /**
   * The join the groups were found in and each of its tuples' group: an aggregation over the same
   * tables under the same masks reuses both instead of looking every record up again.
   */
  readonly source?: GroupSource;
}

/** Where a grouping came from (see {@link Groups.source}). */
interface GroupSource {
  readonly masks: RowMasks;
  /** The table each dimension was read from. */
  readonly dimTables: readonly number[];
  readonly join: JoinedRecords;
  readonly ids: Int32Array;
}

/** One group and no dimensions: what `Evaluate` and grand totals compute over. */
export function singleGroup(): Groups {
  return { dims: [], count: 1, elems: [], index: new ComboIndex([]) };
}

/** Groups for the given combinations (column-wise, `n` of them; duplicates merge). */
export function groupsOf(dims: readonly GroupDimension[], columns: readonly Int32Array[], n: number): Groups {
  const index = new ComboIndex(dims.map((dim) => dim.field.cardinal));
  index.ids(columns, n, true);
  return { dims, count: index.count, elems: index.combinations(), index };
}

/** Groups for the dimension combinations of the tuples of `join` (found under `masks`). */
export function groupsOfJoin(dims: readonly GroupDimension[], join: JoinedRecords, masks: RowMasks): Groups {
  const index = new ComboIndex(dims.map((dim) => dim.field.cardinal));
  const columns = dims.map((dim) => elementsOf(join, dim.field, dim.table));
  const ids = index.ids(columns, join.length, true);
  return {
    dims,
    count: index.count,
    elems: index.combinations(),
    index,
    source: { masks, dimTables: dims.map((dim) => dim.table), join, ids },
  };
}
