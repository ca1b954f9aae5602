import type { ChartContext } from '../expressions/chart-context.js';
import type { Expression } from '../expressions/script-bridge.js';
import { toNumber } from '../expressions/value-ops.js';
import { applyNumFormat, fieldNumberFormat } from '../formats/apply-num-format.js';
import { type JsonRecord, nxNumber } from '../json-record.js';
import type { ModelField } from '../model/associative-model.js';
import type { Cell } from '../model/loaded-model.js';
import { countStates } from '../selections/field-value-states.js';
import type { RowMasks } from '../selections/propagate-selections.js';
import type { DimensionFacts, NumberFormat, NxCell } from './hypercube-shape.js';

// The cells, columns, row sort and facts of a straight hypercube (hypercube-data.ts builds them).

/** A measure's values: numbers for every group (NaN for NULL and text), cells when not all numeric. */
export interface MeasureColumn {
  readonly nums: Float64Array;
  readonly cells: Cell[] | undefined;
}

/** The column of a measure not computed (no rows, or computed later). */
export const EMPTY_COLUMN: MeasureColumn = { nums: new Float64Array(0), cells: undefined };

/** Rows whose text the glyph count looks at, besides the extremes and the total. */
export const GLYPH_SAMPLE = 200;

/** A column showing an error message in every cell, as the engine does for a measure it cannot compute. */
export function errorColumn(message: string, count: number): MeasureColumn {
  return {
    nums: new Float64Array(count).fill(Number.NaN),
    cells: new Array<Cell>(count).fill({ text: message, num: Number.NaN }),
  };
}

/** One column's part of the row order; dimensions also give an integer key for the fast path. */
export interface SortStep {
  readonly compare: (a: number, b: number) => number;
  readonly key?: (g: number) => number;
  readonly radix?: number;
}

/**
 * Sorts groups by the steps, ties by group index. When every step has an integer key and the
 * combined keys fit a double exactly, the rows sort as one Float64Array of `key × n + position`
 * (native numeric sort, no comparator calls) — the common all-dimension case on large cubes.
 */
export function sortRows(rows: Int32Array, steps: readonly SortStep[]): Int32Array {
  const n = rows.length;
  let span = 1;
  for (const step of steps) span *= step.radix ?? Number.POSITIVE_INFINITY;
  if (steps.every((step) => step.key) && span * Math.max(n, 1) < Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const g = rows[i] as number;
      let key = 0;
      for (const step of steps) key = key * (step.radix as number) + (step.key as (g: number) => number)(g);
      // Rows arrive in group order, so the position breaks ties as the group index would.
      keys[i] = key * n + i;
    }
    keys.sort();
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = rows[(keys[i] as number) % n] as number;
    return out;
  }
  const list = Array.from(rows);
  list.sort((a, b) => {
    for (const step of steps) {
      const result = step.compare(a, b);
      if (result !== 0) return result;
    }
    return a - b;
  });
  return Int32Array.from(list);
}

/** An attribute expression's value as the engine sends it in `qAttrExps.qValues`. */
export function attributeValue(value: Cell): { qText: string; qNum: number | 'NaN' } {
  return value === null ? { qText: '', qNum: 'NaN' } : { qText: value.text, qNum: nxNumber(toNumber(value)) };
}

/** A measure value's text: `-` for NULL, else formatted by the measure's fixed format when it has one. */
export function cellText(value: Cell, format: Readonly<JsonRecord> | undefined, ctx: ChartContext): string {
  if (value === null) return '-';
  if (!format) return value.text;
  return applyNumFormat(toNumber(value), format, ctx.model.settings) ?? value.text;
}

/** A grand-total cell (`qElemNumber -1`, `qState X`, `qIsTotalCell`). */
export function totalCell(value: Cell, format: Readonly<JsonRecord> | undefined, ctx: ChartContext): NxCell {
  if (value === null)
    return { qText: '-', qNum: 'NaN', qElemNumber: -1, qState: 'X', qIsTotalCell: true, qIsNull: true };
  return {
    qText: cellText(value, format, ctx),
    qNum: nxNumber(toNumber(value)),
    qElemNumber: -1,
    qState: 'X',
    qIsTotalCell: true,
  };
}

/**
 * The format the engine picks for a measure it formats automatically: counts are integers shown
 * `###0` (CTL golden: `count(numbers)` → `{qType:'I', qFmt:'###0', qUseThou:1, qDec:'.'}`); other
 * measures are unknown (halyard golden: `Sum(country_sort)` → `U`).
 */
export function autoFormat(expression: Expression, ctx: ChartContext): NumberFormat {
  if (
    expression.kind === 'FunctionCall' &&
    /^(count|numericcount|textcount|nullcount|missingcount)$/i.test(expression.name)
  ) {
    return { qType: 'I', qnDec: 0, qUseThou: 1, qFmt: '###0', qDec: ctx.model.settings.decimalSep };
  }
  return { qType: 'U', qnDec: 0, qUseThou: 0 };
}

/** How many possible records of `table` hold each value of `field` (frequency sort, qFrequencyMode). */
export function frequencies(field: ModelField, table: number, masks: RowMasks): Uint32Array {
  const counts = new Uint32Array(field.cardinal);
  const column = field.columns.get(table);
  if (!column) return counts;
  const mask = masks[table] ?? null;
  for (let r = 0; r < column.length; r++) {
    const elem = column[r] as number;
    if (elem >= 0 && (mask === null || mask[r] === 1)) counts[elem] = (counts[elem] as number) + 1;
  }
  return counts;
}

/** DimensionFacts of a field in the context's state (shared with list objects). */
export function dimensionFacts(
  field: ModelField,
  ctx: ChartContext,
  hypercubeCardinal?: number,
  /** The values' states when they are not the field's own (a calculated dimension). */
  states?: Uint8Array,
): DimensionFacts {
  let min = Number.NaN;
  let max = Number.NaN;
  for (const num of field.nums) {
    if (Number.isNaN(num)) continue;
    if (Number.isNaN(min) || num < min) min = num;
    if (Number.isNaN(max) || num > max) max = num;
  }
  const facts: DimensionFacts = {
    cardinal: field.cardinal,
    ...(hypercubeCardinal === undefined ? {} : { hypercubeCardinal }),
    apprMaxGlyphCount: field.maxGlyphCount(),
    tags: field.tags,
    dimensionType: field.kind.hasNumbers ? 'N' : 'D',
    numFormat: fieldNumberFormat(field, ctx.model.settings),
    min,
    max,
    stateCounts: states ? countStates(states) : ctx.base.stateCounts(field.index),
    ...(!states && ctx.base.isLocked(field.index) ? { locked: true } : {}),
  };
  return facts;
}
