import { compareText, toNumber } from '../expressions/value-ops.js';
import { asRecord, type JsonRecord } from '../json-record.js';
import type { ModelField } from '../model/associative-model.js';
import type { Cell } from '../model/loaded-model.js';
import { STATE } from '../selections/field-value-states.js';

/** What sorting a field's values may need besides the values themselves. */
export interface SortInputs {
  /** State code per element number. */
  readonly states: Uint8Array;
  /** Occurrences per element number (computed only when sorting by frequency). */
  frequency(): Uint32Array;
  /** The sort expression's value per element number (only when sorting by expression). */
  expression(criteria: Readonly<JsonRecord>): readonly Cell[];
}

/** Selected and locked first, then possible, alternative, excluded (sort by state ascending). */
const STATE_RANK: Record<number, number> = {
  [STATE.L]: 0,
  [STATE.S]: 0,
  [STATE.O]: 1,
  [STATE.D]: 2,
  [STATE.A]: 2,
  [STATE.XS]: 3,
  [STATE.XL]: 3,
  [STATE.X]: 3,
};

function direction(value: unknown, reverse: boolean): number {
  if (typeof value !== 'number' || value === 0) return 0;
  return (value > 0 ? 1 : -1) * (reverse ? -1 : 1);
}

/** Orders two sort keys in direction `dir` (1 or -1): numbers numerically before texts alphabetically; NULL always last. */
export function compareSortCells(a: Cell, b: Cell, dir: number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = toNumber(a);
  const y = toNumber(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return (x - y) * dir;
  if (!Number.isNaN(x)) return -1;
  if (!Number.isNaN(y)) return 1;
  return compareText(a.text, b.text) * dir;
}

/**
 * A comparator of a field's element numbers for one SortCriteria, applying its criteria in the
 * engine's priority — state, expression, frequency, numeric, text (ascii), load order — and load
 * order last to break ties. 1 sorts ascending, -1 descending; `reverse` (qReverseSort) flips all.
 * Numbers sort before texts whichever the direction.
 */
export function elementComparator(
  field: ModelField,
  criteria: Readonly<JsonRecord> | undefined,
  inputs: SortInputs,
  reverse = false,
): (a: number, b: number) => number {
  const c = asRecord(criteria);
  const steps: ((a: number, b: number) => number)[] = [];
  const byState = direction(c.qSortByState, reverse);
  if (byState !== 0) {
    const states = inputs.states;
    steps.push((a, b) => ((STATE_RANK[states[a] ?? 0] ?? 0) - (STATE_RANK[states[b] ?? 0] ?? 0)) * byState);
  }
  const byExpression = direction(c.qSortByExpression, reverse);
  if (byExpression !== 0) {
    const values = inputs.expression(c);
    steps.push((a, b) => compareSortCells(values[a] ?? null, values[b] ?? null, byExpression));
  }
  const byFrequency = direction(c.qSortByFrequency, reverse);
  if (byFrequency !== 0) {
    const frequency = inputs.frequency();
    steps.push((a, b) => ((frequency[a] ?? 0) - (frequency[b] ?? 0)) * byFrequency);
  }
  const byNumeric = direction(c.qSortByNumeric, reverse);
  if (byNumeric !== 0) {
    const nums = field.nums;
    steps.push((a, b) => {
      const x = nums[a] as number;
      const y = nums[b] as number;
      const xn = Number.isNaN(x);
      const yn = Number.isNaN(y);
      if (xn || yn) return xn === yn ? 0 : xn ? 1 : -1;
      return (x - y) * byNumeric;
    });
  }
  const byAscii = direction(c.qSortByAscii, reverse);
  if (byAscii !== 0) {
    // Ranking texts costs a collator sort; a numeric field sorted by number first may never need it.
    let ranks: Int32Array | undefined;
    steps.push((a, b) => {
      ranks ??= field.textRank();
      return ((ranks[a] as number) - (ranks[b] as number)) * byAscii;
    });
  }
  const byLoadOrder = direction(c.qSortByLoadOrder, reverse);
  if (byLoadOrder !== 0) steps.push((a, b) => (a - b) * byLoadOrder);
  return (a, b) => {
    for (const step of steps) {
      const order = step(a, b);
      if (order !== 0) return order;
    }
    return a - b;
  };
}

/**
 * The rank of every element number (0 sorts first) under a comparator: computed once, so sorting
 * many cube rows compares integers. Index `cardinal` (NULL) ranks last.
 */
export function elementRanks(cardinal: number, compare: (a: number, b: number) => number): Int32Array {
  const order = Array.from({ length: cardinal }, (_, i) => i).sort(compare);
  const ranks = new Int32Array(cardinal + 1);
  order.forEach((elem, rank) => {
    ranks[elem] = rank;
  });
  ranks[cardinal] = cardinal;
  return ranks;
}
