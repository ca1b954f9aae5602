import type { ChartContext } from '../expressions/chart-context.js';
import { ChartEvaluator } from '../expressions/chart-evaluator.js';
import { parseChartExpression } from '../expressions/chart-expression.js';
import { type GroupDimension, type Groups, groupsOf, groupsOfJoin, singleGroup } from '../expressions/chart-groups.js';
import { ExpressionError } from '../expressions/expression-error.js';
import { createAggregator } from '../expressions/functions/aggregators.js';
import { evaluateInterRecord, usesInterRecord } from '../expressions/inter-record.js';
import type { Expression } from '../expressions/script-bridge.js';
import { compareText, numberCell, toNumber } from '../expressions/value-ops.js';
import { applyNumFormat, isFixedFormat } from '../formats/apply-num-format.js';
import { asRecord, asRecords, asText, type JsonRecord, nxNumber } from '../json-record.js';
import type { Cell } from '../model/loaded-model.js';
import { joinTables } from '../model/record-join.js';
import { STATE, STATE_LETTERS } from '../selections/field-value-states.js';
import type { RowMasks } from '../selections/propagate-selections.js';
import {
  attributeValue,
  autoFormat,
  cellText,
  dimensionFacts,
  EMPTY_COLUMN,
  errorColumn,
  frequencies,
  GLYPH_SAMPLE,
  type MeasureColumn,
  type SortStep,
  sortRows,
  totalCell,
} from './cube-cells.js';
import { type CubeDimension, resolveDimension } from './cube-dimension.js';
import type {
  CellState,
  DimensionFacts,
  LayoutDataView,
  LibraryItems,
  MeasureFacts,
  NumberFormat,
  NxCell,
  Rect,
} from './hypercube-shape.js';
import { emptyDimensionFacts } from './hypercube-shape.js';
import { compareSortCells, elementComparator, elementRanks, type SortInputs } from './sort-values.js';

export { dimensionFacts, frequencies } from './cube-cells.js';

/** A measure of the cube, resolved from its definition (or master item). */
interface CubeMeasure {
  readonly expression: Expression | undefined;
  readonly error: string | undefined;
  readonly format: Readonly<JsonRecord> | undefined;
  readonly autoFormat: NumberFormat;
  readonly sortBy: Readonly<JsonRecord>;
  readonly reverse: boolean;
  readonly aggrFunc: string;
  readonly brutalSum: boolean;
  readonly attributes: readonly (Expression | undefined)[];
  /** Reads other rows (Above, RowNo, Rank …): computed once the rows are sorted. */
  readonly interRecord: boolean;
}

const NULL_DIMENSION_CELL: NxCell = { qText: '-', qNum: 'NaN', qElemNumber: -2, qState: 'L', qIsNull: true };

/**
 * The data of a hypercube (straight mode) for a defaulted HyperCubeDef in one selection state: the
 * {@link LayoutDataView} the layout module turns into `qHyperCube`, plus pages for GetHyperCubeData.
 *
 * Rows are the combinations of the dimensions' possible values that occur together in the data
 * (with one dimension, every possible value; with several, the full outer join of their tables
 * along the associations, so unmatched values pair with NULL); each measure is aggregated per row
 * over the records associated with it. Everything is computed once, in the constructor.
 *
 * @example
 * const data = new HyperCubeData(def, ctx);
 * buildHyperCubeLayout(def, data); // the qHyperCube of a layout
 * data.page({ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 10 }); // a qMatrix
 */
export class HyperCubeData implements LayoutDataView {
  /** Why parts of the cube could not be computed (unknown fields, expression errors). */
  readonly errors: string[] = [];
  private readonly ctx: ChartContext;
  private readonly dims: CubeDimension[] = [];
  private readonly measures: CubeMeasure[] = [];
  /** Field names of the dimensions, in order (undefined for unresolved ones). */
  readonly dimensionFields: (string | undefined)[] = [];
  /** Per dimension, whether it is calculated (`=expr`): its values are no field's values. */
  readonly dimensionCalculated: boolean[] = [];
  private readonly groups: Groups;
  /** Group index of each cube row, in display order. */
  private readonly rows: Int32Array;
  /** Per measure, its value in every group. */
  private readonly columns: MeasureColumn[];
  private readonly totals: NxCell[];
  private readonly dimAttributes: (readonly Cell[])[][];
  private readonly measureAttributes: (readonly Cell[])[][];
  private readonly valid: boolean;
  /** The evaluator the measures were computed with, over the cube's groups (pivot inter-record functions reuse it). */
  readonly evaluator: ChartEvaluator;

  constructor(def: Readonly<JsonRecord>, ctx: ChartContext, library?: LibraryItems) {
    this.ctx = ctx;
    const dimensionDefs = asRecords(def.qDimensions);
    const measureDefs = asRecords(def.qMeasures);
    let valid = true;
    for (const dimensionDef of dimensionDefs) {
      const dim = resolveDimension(dimensionDef, this.ctx, library, this.errors, (text) => this.parseOptional(text));
      if (!dim) valid = false;
      this.dimensionFields.push(dim?.field.name);
      this.dimensionCalculated.push(dim?.calculated === true);
      if (dim) this.dims.push(dim);
    }
    for (const measureDef of measureDefs) this.measures.push(this.resolveMeasure(measureDef, library));
    this.valid = valid;
    this.groups = valid ? this.buildGroups() : singleGroup();
    const evaluator = new ChartEvaluator(ctx, this.groups);
    this.evaluator = evaluator;
    const hasRows = valid && (this.dims.length > 0 || this.measures.length > 0);
    this.columns = this.measures.map((measure) =>
      hasRows && !measure.interRecord
        ? this.evaluateColumn(evaluator, measure.expression, measure.error)
        : EMPTY_COLUMN,
    );
    this.dimAttributes = this.dims.map((dim) =>
      dim.attributes.map((attribute) => (hasRows ? this.evaluate(evaluator, attribute, undefined) : [])),
    );
    this.measureAttributes = this.measures.map((measure) =>
      measure.attributes.map((attribute) => (hasRows ? this.evaluate(evaluator, attribute, undefined) : [])),
    );
    const kept = hasRows ? this.suppress(def) : [];
    this.rows = this.sort(Int32Array.from(kept), def, evaluator);
    if (hasRows) this.evaluateInterRecord(evaluator, def);
    this.totals = this.measures.map((measure, m) => this.total(measure, m, def));
  }

  // ── LayoutDataView ─────────────────────────────────────────────────────────────────────────

  rowCount(): number {
    return this.rows.length;
  }

  dimension(index: number): DimensionFacts {
    const dim = this.dims[index];
    if (!dim) {
      return emptyDimensionFacts();
    }
    const elems = this.groups.elems[index] as Int32Array;
    const seen = new Set<number>();
    for (const g of this.rows) {
      const elem = elems[g] as number;
      // NULL (from unmatched combinations) is no value of the field.
      if (elem >= 0) seen.add(elem);
    }
    const facts = dimensionFacts(dim.field, this.ctx, seen.size, dim.calculated ? this.states(dim) : undefined);
    return { ...facts, groupPos: dim.groupPos };
  }

  measure(index: number): MeasureFacts {
    const measure = this.measures[index];
    const nums = this.columns[index]?.nums ?? new Float64Array(0);
    let min = Number.NaN;
    let max = Number.NaN;
    let minRow = -1;
    let maxRow = -1;
    for (const g of this.rows) {
      const num = nums[g] as number;
      if (Number.isNaN(num)) continue;
      if (Number.isNaN(min) || num < min) {
        min = num;
        minRow = g;
      }
      if (Number.isNaN(max) || num > max) {
        max = num;
        maxRow = g;
      }
    }
    // "Approximate" glyph count: the total, the extremes and the first rows, not every row's text.
    let glyphs = (this.totals[index]?.qText ?? '').length;
    const sample = [minRow, maxRow, ...this.rows.subarray(0, GLYPH_SAMPLE)];
    for (const g of sample) if (g >= 0) glyphs = Math.max(glyphs, this.measureText(index, g).length);
    return {
      apprMaxGlyphCount: glyphs,
      numFormat: measure?.autoFormat ?? { qType: 'U', qnDec: 0, qUseThou: 0 },
      min,
      max,
    };
  }

  grandTotal(index: number): NxCell {
    return { ...(this.totals[index] ?? totalCell(null, undefined, this.ctx)) };
  }

  page(area: Rect): NxCell[][] {
    const matrix: NxCell[][] = [];
    const width = this.dims.length + this.measures.length;
    const bottom = Math.min(area.qTop + area.qHeight, this.rows.length);
    const right = Math.min(area.qLeft + area.qWidth, width);
    for (let r = area.qTop; r < bottom; r++) {
      const g = this.rows[r] as number;
      const row: NxCell[] = [];
      for (let c = area.qLeft; c < right; c++)
        row.push(c < this.dims.length ? this.dimensionCell(c, g) : this.measureCell(c - this.dims.length, g));
      matrix.push(row);
    }
    return matrix;
  }

  attributeExpression(column: number, index: number): { readonly min: number; readonly max: number } {
    const values =
      column < this.dims.length
        ? this.dimAttributes[column]?.[index]
        : this.measureAttributes[column - this.dims.length]?.[index];
    let min = Number.NaN;
    let max = Number.NaN;
    for (const g of this.rows) {
      const num = toNumber(values?.[g] ?? null);
      if (Number.isNaN(num)) continue;
      if (Number.isNaN(min) || num < min) min = num;
      if (Number.isNaN(max) || num > max) max = num;
    }
    return { min, max };
  }

  /**
   * The group of a combination of the dimensions' element numbers, in dimension order (a cell's
   * -2 for NULL is read as NULL); -1 when the combination is no group of the cube.
   */
  groupOf(elems: readonly number[]): number {
    if (!this.valid || elems.length !== this.dims.length) return -1;
    const columns = elems.map((elem) => Int32Array.of(elem < 0 ? -1 : elem));
    return this.groups.index.ids(columns, 1, false)[0] ?? -1;
  }

  /** Pivot and stacked pages are not implemented. */
  pivotPage(): never {
    throw new ExpressionError('pivot and stacked hypercubes (qMode P/K) are not supported; use straight mode');
  }

  // ── Cells ──────────────────────────────────────────────────────────────────────────────────

  private dimensionCell(d: number, g: number): NxCell {
    const dim = this.dims[d] as CubeDimension;
    const elem = (this.groups.elems[d] as Int32Array)[g] as number;
    const value = dim.field.value(elem);
    if (value === null) return { ...NULL_DIMENSION_CELL };
    const states = this.states(dim);
    const text = dim.presentation
      ? (applyNumFormat(value.num, dim.presentation, this.ctx.model.settings) ?? value.text)
      : value.text;
    const cell: NxCell = {
      qText: text,
      qNum: nxNumber(value.num),
      qElemNumber: elem,
      qState: STATE_LETTERS[states[elem] ?? STATE.O] as CellState,
    };
    const attributes = this.dimAttributes[d] ?? [];
    if (attributes.length > 0)
      cell.qAttrExps = { qValues: attributes.map((values) => attributeValue(values[g] ?? null)) };
    return cell;
  }

  private measureValue(m: number, g: number): Cell {
    const column = this.columns[m];
    if (!column) return null;
    if (column.cells) return column.cells[g] ?? null;
    const num = column.nums[g] as number;
    return Number.isNaN(num) ? null : numberCell(num);
  }

  private measureText(m: number, g: number): string {
    return cellText(this.measureValue(m, g), this.measures[m]?.format, this.ctx);
  }

  private measureCell(m: number, g: number): NxCell {
    const value = this.measureValue(m, g);
    const cell: NxCell =
      value === null
        ? { qText: '-', qNum: 'NaN', qElemNumber: 0, qState: 'L', qIsNull: true }
        : { qText: this.measureText(m, g), qNum: nxNumber(toNumber(value)), qElemNumber: 0, qState: 'L' };
    const attributes = this.measureAttributes[m] ?? [];
    if (attributes.length > 0)
      cell.qAttrExps = { qValues: attributes.map((values) => attributeValue(values[g] ?? null)) };
    return cell;
  }

  /** The state of each value of a dimension's field; a calculated dimension's values are all optional. */
  private states(dim: CubeDimension): Uint8Array {
    return dim.calculated
      ? new Uint8Array(dim.field.cardinal).fill(STATE.O)
      : this.ctx.base.fieldStates(dim.field.index);
  }

  // ── Building ───────────────────────────────────────────────────────────────────────────────

  private resolveMeasure(def: Readonly<JsonRecord>, library: LibraryItems | undefined): CubeMeasure {
    const inline = asRecord(def.qDef);
    const libraryId = asText(def.qLibraryId);
    const master = libraryId === '' ? undefined : library?.measure(libraryId);
    const text = asText(master?.qDef ?? inline.qDef);
    const format = master?.qNumFormat ?? inline.qNumFormat;
    let expression: Expression | undefined;
    let error: string | undefined;
    if (libraryId !== '' && !master) error = `master measure ${libraryId} not found`;
    else {
      try {
        expression = parseChartExpression(text, this.ctx);
      } catch (caught) {
        if (!(caught instanceof ExpressionError)) throw caught;
        error = caught.message;
      }
    }
    if (error) this.errors.push(error);
    return {
      expression,
      error,
      format: isFixedFormat(asRecord(format)) ? asRecord(format) : undefined,
      autoFormat: expression ? autoFormat(expression, this.ctx) : { qType: 'U', qnDec: 0, qUseThou: 0 },
      sortBy: asRecord(def.qSortBy),
      reverse: inline.qReverseSort === true,
      aggrFunc: asText(inline.qAggrFunc),
      brutalSum: inline.qBrutalSum === true,
      interRecord: usesInterRecord(expression),
      attributes: asRecords(def.qAttributeExpressions).map((attribute) =>
        this.parseOptional(asText(attribute.qExpression)),
      ),
    };
  }

  private parseOptional(text: string): Expression | undefined {
    if (text.trim() === '') return undefined;
    try {
      return parseChartExpression(text, this.ctx);
    } catch (caught) {
      if (!(caught instanceof ExpressionError)) throw caught;
      this.errors.push(caught.message);
      return undefined;
    }
  }

  private evaluateColumn(
    evaluator: ChartEvaluator,
    expression: Expression | undefined,
    error: string | undefined,
  ): MeasureColumn {
    if (expression) {
      try {
        return evaluator.evaluateColumn(expression);
      } catch (caught) {
        if (!(caught instanceof ExpressionError)) throw caught;
        this.errors.push(caught.message);
        return errorColumn(caught.message, this.groups.count);
      }
    }
    return error
      ? errorColumn(error, this.groups.count)
      : { nums: new Float64Array(this.groups.count).fill(Number.NaN), cells: undefined };
  }

  private evaluate(evaluator: ChartEvaluator, expression: Expression | undefined, error: string | undefined): Cell[] {
    if (!expression) return new Array<Cell>(this.groups.count).fill(error ? { text: error, num: Number.NaN } : null);
    try {
      return evaluator.evaluate(expression);
    } catch (caught) {
      if (!(caught instanceof ExpressionError)) throw caught;
      this.errors.push(caught.message);
      // The engine shows the error text in the measure's cells.
      return new Array<Cell>(this.groups.count).fill({ text: caught.message, num: Number.NaN });
    }
  }

  /** The cube's rows: the dimensions' value combinations that occur together among possible records. */
  private buildGroups(): Groups {
    if (this.dims.length === 0) return singleGroup();
    const state = this.ctx.base;
    if (this.dims.length === 1 && !this.dims[0]?.calculated) {
      const dim = this.dims[0] as CubeDimension;
      const states = state.fieldStates(dim.field.index);
      const elems: number[] = [];
      for (let elem = 0; elem < states.length; elem++) {
        const s = states[elem];
        if (s === STATE.O || s === STATE.S || s === STATE.L) elems.push(elem);
      }
      return groupsOf([{ field: dim.field, table: dim.table }], [Int32Array.from(elems)], elems.length);
    }
    const dims = this.chooseDimensionTables();
    const masks: RowMasks = state.rowMasks();
    const join = joinTables(this.ctx.model, [...new Set(dims.map((dim) => dim.table))], masks);
    return groupsOfJoin(dims, join, masks);
  }

  /** A key-field dimension is read from a table another dimension already uses, so the join stays small. */
  private chooseDimensionTables(): GroupDimension[] {
    const used = new Set<number>();
    for (const dim of this.dims) if (dim.field.tables.length === 1) used.add(dim.field.tables[0] as number);
    return this.dims.map((dim) => {
      const table = dim.field.tables.find((t) => used.has(t)) ?? dim.table;
      used.add(table);
      return { field: dim.field, table };
    });
  }

  /** qSuppressZero, qSuppressMissing and per-dimension qNullSuppression. */
  private suppress(def: Readonly<JsonRecord>): number[] {
    const kept: number[] = [];
    const suppressZero = def.qSuppressZero === true;
    const suppressMissing = def.qSuppressMissing === true;
    for (let g = 0; g < this.groups.count; g++) {
      if (this.dims.some((dim, d) => dim.nullSuppression && ((this.groups.elems[d] as Int32Array)[g] as number) < 0))
        continue;
      // Inter-record measures are computed after the rows are chosen: they keep no row out.
      if (this.measures.some((measure) => !measure.interRecord) && (suppressZero || suppressMissing)) {
        const allEmpty = this.columns.every((column, m) => {
          if (this.measures[m]?.interRecord === true) return true;
          const isNull = column.cells ? (column.cells[g] ?? null) === null : Number.isNaN(column.nums[g] as number);
          return isNull || (suppressZero && column.nums[g] === 0);
        });
        if (allEmpty) continue;
      }
      kept.push(g);
    }
    return kept;
  }

  /** The columns in sort order: qInterColumnSortOrder, then the others. */
  private sortOrder(def: Readonly<JsonRecord>): number[] {
    const width = this.dims.length + this.measures.length;
    const requested = (Array.isArray(def.qInterColumnSortOrder) ? def.qInterColumnSortOrder : []).filter(
      (column): column is number => Number.isInteger(column) && column >= 0 && column < width,
    );
    const order = [...new Set(requested)];
    for (let column = 0; column < width; column++) if (!order.includes(column)) order.push(column);
    return order;
  }

  /**
   * Measures with inter-record functions, over the sorted rows: a row's column segment is the rows
   * sharing its values of every dimension but the last one in the sort order.
   */
  private evaluateInterRecord(evaluator: ChartEvaluator, def: Readonly<JsonRecord>): void {
    const dimOrder = this.sortOrder(def).filter((column) => column < this.dims.length);
    const segmentDims = dimOrder.slice(0, -1);
    this.measures.forEach((measure, m) => {
      if (!measure.interRecord) return;
      if (!measure.expression) {
        this.columns[m] = this.evaluateColumn(evaluator, undefined, measure.error);
        return;
      }
      try {
        const cells = evaluateInterRecord(evaluator, measure.expression, this.rows, segmentDims);
        this.columns[m] = { nums: Float64Array.from(cells, (cell) => toNumber(cell)), cells };
      } catch (caught) {
        if (!(caught instanceof ExpressionError)) throw caught;
        this.errors.push(caught.message);
        this.columns[m] = errorColumn(caught.message, this.groups.count);
      }
    });
  }

  /** Sorts rows by the columns in qInterColumnSortOrder (the rest after), each by its own criteria. */
  private sort(rows: Int32Array, def: Readonly<JsonRecord>, evaluator: ChartEvaluator): Int32Array {
    const order = this.sortOrder(def);
    const steps: SortStep[] = [];
    for (const column of order) {
      const step =
        column < this.dims.length ? this.dimensionSort(column) : this.measureSort(column - this.dims.length, evaluator);
      if (step) steps.push(step);
    }
    return sortRows(rows, steps);
  }

  /** A dimension sorts by the rank of its value under its criteria (NULL last). */
  private dimensionSort(d: number): SortStep {
    const dim = this.dims[d] as CubeDimension;
    const compare = elementComparator(dim.field, dim.criteria, this.sortInputs(dim), dim.reverse);
    const ranks = elementRanks(dim.field.cardinal, compare);
    const elems = this.groups.elems[d] as Int32Array;
    const last = dim.field.cardinal;
    const key = (g: number): number => {
      const elem = elems[g] as number;
      return ranks[elem < 0 ? last : elem] as number;
    };
    return { compare: (a, b) => key(a) - key(b), key, radix: last + 1 };
  }

  private sortInputs(dim: CubeDimension): SortInputs {
    return {
      states: this.states(dim),
      frequency: () => frequencies(dim.field, dim.table, this.ctx.base.rowMasks()),
      expression: (criteria) => {
        const text = asText(asRecord(criteria.qExpression).qv);
        if (text.trim() === '') return [];
        const all = Int32Array.from({ length: dim.field.cardinal }, (_, i) => i);
        const groups = groupsOf([{ field: dim.field, table: dim.table }], [all], all.length);
        try {
          return new ChartEvaluator(this.ctx, groups).evaluate(parseChartExpression(text, this.ctx));
        } catch (caught) {
          if (!(caught instanceof ExpressionError)) throw caught;
          this.errors.push(caught.message);
          return [];
        }
      },
    };
  }

  private measureSort(m: number, evaluator: ChartEvaluator): SortStep | undefined {
    // Values that depend on the row order cannot order the rows.
    if (this.measures[m]?.interRecord === true) return undefined;
    const compare = this.measureComparator(m, evaluator);
    return compare ? { compare } : undefined;
  }

  private measureComparator(m: number, evaluator: ChartEvaluator): ((a: number, b: number) => number) | undefined {
    const measure = this.measures[m] as CubeMeasure;
    const sortBy = measure.sortBy;
    const flip = measure.reverse ? -1 : 1;
    const dir = (value: unknown): number => (typeof value === 'number' && value !== 0 ? Math.sign(value) * flip : 0);
    const column = this.columns[m] ?? EMPTY_COLUMN;
    const byExpression = dir(sortBy.qSortByExpression);
    if (byExpression !== 0) {
      const text = asText(asRecord(sortBy.qExpression).qv);
      if (text.trim() !== '') {
        const keys = this.evaluate(evaluator, this.parseOptional(text), undefined);
        return (a, b) => compareSortCells(keys[a] ?? null, keys[b] ?? null, byExpression);
      }
    }
    const byNumeric = dir(sortBy.qSortByNumeric);
    if (byNumeric !== 0) {
      const cells = column.cells;
      if (cells) return (a, b) => compareSortCells(cells[a] ?? null, cells[b] ?? null, byNumeric);
      const nums = column.nums;
      return (a, b) => {
        const x = nums[a] as number;
        const y = nums[b] as number;
        if (Number.isNaN(x) || Number.isNaN(y))
          return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
        return (x - y) * byNumeric;
      };
    }
    const byAscii = dir(sortBy.qSortByAscii);
    if (byAscii !== 0) return (a, b) => compareText(this.measureText(m, a), this.measureText(m, b)) * byAscii;
    return undefined;
  }

  /** The grand total: the measure over all records (qAggrFunc '' / Expr), an aggregation of the rows, or none. */
  private total(measure: CubeMeasure, m: number, def: Readonly<JsonRecord>): NxCell {
    if (def.qSuppressMeasureTotals === true || !this.valid) return totalCell(null, measure.format, this.ctx);
    const func = measure.brutalSum ? 'sum' : measure.aggrFunc.toLowerCase();
    if (func === 'none') return totalCell(null, measure.format, this.ctx);
    if (func !== '' && func !== 'expr') {
      try {
        const aggregator = createAggregator(func, 1, { distinct: false, params: [] });
        for (const g of this.rows) aggregator.add(0, this.measureValue(m, g));
        return totalCell(aggregator.result(0), measure.format, this.ctx);
      } catch (caught) {
        if (!(caught instanceof ExpressionError)) throw caught;
        return totalCell(null, measure.format, this.ctx);
      }
    }
    // Inter-record functions are NULL in the total row (help.qlik.com, Rank examples).
    if (!measure.expression || measure.interRecord) return totalCell(null, measure.format, this.ctx);
    try {
      const value = new ChartEvaluator(this.ctx, singleGroup()).evaluate(measure.expression)[0] ?? null;
      return totalCell(value, measure.format, this.ctx);
    } catch (caught) {
      if (!(caught instanceof ExpressionError)) throw caught;
      return totalCell({ text: caught.message, num: Number.NaN }, undefined, this.ctx);
    }
  }
}
