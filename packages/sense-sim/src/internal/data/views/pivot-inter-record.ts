import type { ChartContext } from '../expressions/chart-context.js';
import { parseChartExpression } from '../expressions/chart-expression.js';
import { type EvaluationScope, evaluateNode, ScopeBase } from '../expressions/evaluate-expression.js';
import { ExpressionError } from '../expressions/expression-error.js';
import { scalarFunction } from '../expressions/functions/scalar-functions.js';
import { isTotalArgument, rankSegment, usesInterRecord } from '../expressions/inter-record.js';
import type { Expression, FunctionCall } from '../expressions/script-bridge.js';
import { numberCell, toNumber } from '../expressions/value-ops.js';
import { isFixedFormat } from '../formats/apply-num-format.js';
import { asRecord, asRecords, asText, type JsonRecord } from '../json-record.js';
import type { Cell } from '../model/loaded-model.js';
import type { SubsetCubes } from './cube-subsets.js';
import type { HyperCubeData } from './hypercube-data.js';
import type { LibraryItems } from './hypercube-shape.js';

/** A leaf of a pivot axis (a data row or a data column) as the inter-record functions see it. */
export interface PivotLeaf {
  /** Dimension → element number (a cell's -2 for NULL) the leaf fixes. */
  readonly assignment: ReadonlyMap<number, number>;
  /** Leaves with the same key form one segment, in axis order; undefined for a total leaf. */
  readonly segment: string | undefined;
  /** Leaves with the same key form the whole line (what TOTAL reads); undefined for a total leaf. */
  readonly line: string | undefined;
}

/** A measure of a pivot whose expression reads other cells: computed by {@link PivotInterRecord}. */
export interface PivotMeasure {
  readonly expression: Expression;
  readonly format: Readonly<JsonRecord> | undefined;
}

type Axis = 'rows' | 'columns';
type Kind = 'back' | 'forward' | 'first' | 'last' | 'index' | 'count' | 'rank';

/**
 * The chart inter-record functions as a pivot reads them: the vertical ones along the column
 * segment (the data rows), the horizontal ones along the row segment (the data columns).
 */
const FUNCTIONS: ReadonlyMap<string, { readonly axis: Axis; readonly kind: Kind }> = new Map([
  ['above', { axis: 'rows', kind: 'back' }],
  ['below', { axis: 'rows', kind: 'forward' }],
  ['top', { axis: 'rows', kind: 'first' }],
  ['bottom', { axis: 'rows', kind: 'last' }],
  ['rowno', { axis: 'rows', kind: 'index' }],
  ['noofrows', { axis: 'rows', kind: 'count' }],
  ['rank', { axis: 'rows', kind: 'rank' }],
  ['before', { axis: 'columns', kind: 'back' }],
  ['after', { axis: 'columns', kind: 'forward' }],
  ['first', { axis: 'columns', kind: 'first' }],
  ['last', { axis: 'columns', kind: 'last' }],
  ['columnno', { axis: 'columns', kind: 'index' }],
  ['noofcolumns', { axis: 'columns', kind: 'count' }],
  ['hrank', { axis: 'columns', kind: 'rank' }],
]);

/** The segments of one axis: per leaf, the leaves of its segment (undefined for totals) and its place there. */
interface AxisSegments {
  readonly of: readonly (readonly number[] | undefined)[];
  readonly index: Int32Array;
}

function segmentsOf(leaves: readonly PivotLeaf[], key: (leaf: PivotLeaf) => string | undefined): AxisSegments {
  const byKey = new Map<string, number[]>();
  const of: (number[] | undefined)[] = [];
  const index = new Int32Array(leaves.length);
  leaves.forEach((leaf, i) => {
    const k = key(leaf);
    if (k === undefined) {
      of.push(undefined);
      return;
    }
    let segment = byKey.get(k);
    if (!segment) {
      segment = [];
      byKey.set(k, segment);
    }
    index[i] = segment.length;
    segment.push(i);
    of.push(segment);
  });
  return { of, index };
}

/**
 * The measures of a pivot that use inter-record functions, by index (others are left out): their
 * expression (inline or master) and fixed number format.
 */
export function pivotMeasures(
  def: Readonly<JsonRecord>,
  ctx: ChartContext,
  library: LibraryItems | undefined,
): Map<number, PivotMeasure> {
  const out = new Map<number, PivotMeasure>();
  asRecords(def.qMeasures).forEach((measureDef, m) => {
    const inline = asRecord(measureDef.qDef);
    const libraryId = asText(measureDef.qLibraryId);
    const master = libraryId === '' ? undefined : library?.measure(libraryId);
    if (libraryId !== '' && !master) return;
    const format = asRecord(master?.qNumFormat ?? inline.qNumFormat);
    try {
      const expression = parseChartExpression(asText(master?.qDef ?? inline.qDef), ctx);
      if (!usesInterRecord(expression)) return;
      out.set(m, { expression, format: isFixedFormat(format) ? format : undefined });
    } catch (caught) {
      if (!(caught instanceof ExpressionError)) throw caught;
    }
  });
  return out;
}

/**
 * Computes measures with chart inter-record functions over a pivot's data area: the cell at data
 * row `r` and data column `c` is the combination of the dimension values both leaves fix, its
 * aggregations computed over the straight cube of those dimensions. Above, Below, Top, Bottom,
 * RowNo, NoOfRows and Rank read the other rows of the cell's column segment; Before, After, First,
 * Last, ColumnNo, NoOfColumns and HRank the other columns of its row segment (help.qlik.com,
 * "Chart inter-record functions"). A segment is the leaves of an axis that share the measure, the
 * level and the values of every dimension above the leaf's own; TOTAL reads the whole line of the
 * measure. Along a total row or column the functions are NULL; a cell with no data reads as NULL.
 *
 * Qlik's help defines the row segment only for plain dimension columns. This simulator's choices,
 * unconfirmed against a real engine: the pseudo dimension does not cut segments (Before on a
 * measure's column reads the same measure's column of the previous value); collapsed nodes are
 * leaves of their own level and segment; totals are in no segment; HRank and Rank rank like Rank in
 * a straight table (rankSegment).
 *
 * @example
 * const inter = new PivotInterRecord(ctx, cubes, rows, columns);
 * inter.value(parseChartExpression('Sum(Amount) - Before(Sum(Amount))', ctx), 0, 1);
 */
export class PivotInterRecord extends ScopeBase {
  private r = 0;
  private c = 0;
  private readonly places = new Map<string, { data: HyperCubeData; g: number } | null>();
  private readonly axes: Record<Axis, { readonly segment: AxisSegments; readonly line: AxisSegments }>;
  private readonly ranks = new Map<FunctionCall, Map<string, Cell[]>>();

  constructor(
    private readonly ctx: ChartContext,
    private readonly cubes: SubsetCubes,
    private readonly rows: readonly PivotLeaf[],
    private readonly columns: readonly PivotLeaf[],
  ) {
    super(ctx.env);
    const axis = (leaves: readonly PivotLeaf[]) => ({
      segment: segmentsOf(leaves, (leaf) => leaf.segment),
      line: segmentsOf(leaves, (leaf) => leaf.line),
    });
    this.axes = { rows: axis(rows), columns: axis(columns) };
  }

  /** The value of `expression` in the cell at data row `r`, data column `c`. */
  value(expression: Expression, r: number, c: number): Cell {
    this.r = r;
    this.c = c;
    return evaluateNode(expression, this);
  }

  field(name: string): Cell | undefined {
    const place = this.place();
    if (!place) return this.ctx.model.field(name) ? null : undefined;
    return place.data.evaluator.fieldValue(name, place.g);
  }

  aggregate(call: FunctionCall): Cell {
    const place = this.place();
    return place ? (place.data.evaluator.aggregateAll(call)[place.g] ?? null) : null;
  }

  global(): EvaluationScope {
    return this.cubes.data([]).evaluator.globalScope();
  }

  chartFunction(call: FunctionCall): Cell | undefined {
    const fn = FUNCTIONS.get(call.name.toLowerCase());
    if (!fn) return this.range(call);
    if (fn.kind === 'index' || fn.kind === 'count') {
      const at = this.where(fn.axis, call.total !== null || isTotalArgument(call.args[0]));
      if (!at) return null;
      return numberCell(fn.kind === 'index' ? at.index + 1 : at.segment.length);
    }
    if (fn.kind === 'rank') return this.rank(call, fn.axis);
    const values = this.shifted(call, fn.axis, fn.kind);
    // A range of cells is for the range functions; alone it is no single value.
    return values.length === 1 ? (values[0] ?? null) : null;
  }

  /** The straight cube and group of the current cell; undefined when the combination has no data. */
  private place(): { data: HyperCubeData; g: number } | undefined {
    const key = `${this.r},${this.c}`;
    let place = this.places.get(key);
    if (place === undefined) {
      const assignment = new Map(this.rows[this.r]?.assignment);
      for (const [dim, elem] of this.columns[this.c]?.assignment ?? []) assignment.set(dim, elem);
      const dims = [...assignment.keys()].sort((a, b) => a - b);
      const data = this.cubes.data(dims);
      const g = data.groupOf(dims.map((d) => assignment.get(d) as number));
      place = g < 0 ? null : { data, g };
      this.places.set(key, place);
    }
    return place ?? undefined;
  }

  /** The current cell's segment (or line) along `axis` and its place there; undefined on a total. */
  private where(axis: Axis, total: boolean): { segment: readonly number[]; index: number } | undefined {
    const segments = total ? this.axes[axis].line : this.axes[axis].segment;
    const position = axis === 'rows' ? this.r : this.c;
    const segment = segments.of[position];
    return segment ? { segment, index: segments.index[position] as number } : undefined;
  }

  /** The value of `expression` with the cell moved to `position` along `axis`. */
  private at(axis: Axis, position: number, expression: Expression): Cell {
    const saved = axis === 'rows' ? this.r : this.c;
    if (axis === 'rows') this.r = position;
    else this.c = position;
    try {
      return evaluateNode(expression, this);
    } finally {
      if (axis === 'rows') this.r = saved;
      else this.c = saved;
    }
  }

  /** Above/Before, Below/After, Top/First, Bottom/Last(expr, offset, count): `count` cells, NULL outside the segment. */
  private shifted(call: FunctionCall, axis: Axis, kind: Kind): Cell[] {
    const [expression, offsetArg, countArg] = call.args;
    if (!expression) return [null];
    const defaultOffset = kind === 'back' || kind === 'forward' ? 1 : 0;
    const offset = offsetArg ? Math.trunc(toNumber(evaluateNode(offsetArg, this))) : defaultOffset;
    const count = countArg ? Math.trunc(toNumber(evaluateNode(countArg, this))) : 1;
    if (Number.isNaN(offset) || Number.isNaN(count) || count < 1) return [null];
    const at = this.where(axis, call.total !== null);
    if (!at) return new Array<Cell>(count).fill(null);
    const { segment, index } = at;
    const out: Cell[] = [];
    for (let k = 0; k < count; k++) {
      const target =
        kind === 'back'
          ? index - offset - k
          : kind === 'forward'
            ? index + offset + k
            : kind === 'first'
              ? offset + k
              : segment.length - 1 - offset - k;
      const position = segment[target];
      out.push(position === undefined ? null : this.at(axis, position, expression));
    }
    return out;
  }

  /** A range function whose arguments hold shifted ranges (`RangeSum(Before(x, 0, 3))`); undefined otherwise. */
  private range(call: FunctionCall): Cell | undefined {
    const spec = scalarFunction(call.name.toLowerCase());
    const shift = (arg: Expression) => {
      if (arg.kind !== 'FunctionCall') return undefined;
      const fn = FUNCTIONS.get(arg.name.toLowerCase());
      return fn && fn.kind !== 'index' && fn.kind !== 'count' && fn.kind !== 'rank' ? fn : undefined;
    };
    if (!spec || !call.args.some((arg) => shift(arg))) return undefined;
    const values: Cell[] = [];
    for (const arg of call.args) {
      const fn = shift(arg);
      if (fn) values.push(...this.shifted(arg as FunctionCall, fn.axis, fn.kind));
      else values.push(evaluateNode(arg, this));
    }
    return spec.fn(values, this);
  }

  /** Rank / HRank([TOTAL] expr[, mode[, fmt]]) of the cell in its segment, computed once per segment. */
  private rank(call: FunctionCall, axis: Axis): Cell {
    const at = this.where(axis, call.total !== null);
    const [expression, modeArg, fmtArg] = call.args;
    if (!at || !expression) return null;
    const other = axis === 'rows' ? this.c : this.r;
    const key = `${other}|${at.segment[0]}`;
    let byCall = this.ranks.get(call);
    if (!byCall) {
      byCall = new Map();
      this.ranks.set(call, byCall);
    }
    let ranks = byCall.get(key);
    if (!ranks) {
      const mode = modeArg ? toNumber(evaluateNode(modeArg, this)) : 0;
      const fmt = fmtArg ? toNumber(evaluateNode(fmtArg, this)) : 0;
      const nums = at.segment.map((position) => toNumber(this.at(axis, position, expression)));
      ranks = new Array<Cell>((axis === 'rows' ? this.rows : this.columns).length).fill(null);
      rankSegment(at.segment, nums, mode, fmt, ranks);
      byCall.set(key, ranks);
    }
    return ranks[axis === 'rows' ? this.r : this.c] ?? null;
  }
}
