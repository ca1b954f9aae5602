import type { Cell } from '../model/loaded-model.js';
import type { Groups } from './chart-groups.js';
import { type EvaluationScope, evaluateNode, INTER_RECORD_FUNCTION_NAMES, ScopeBase } from './evaluate-expression.js';
import { scalarFunction } from './functions/scalar-functions.js';
import type { GroupEvaluator } from './group-evaluator.js';
import type { Expression, FunctionCall } from './script-bridge.js';
import { numberCell, toNumber } from './value-ops.js';

/** The functions returning another row's value; with a count above 1, a range for the range functions. */
const SHIFT_NAMES: ReadonlySet<string> = new Set(['above', 'below', 'top', 'bottom']);

/** Horizontal (pivot) functions: a straight table has no horizontal dimension, so they are NULL. */
const HORIZONTAL_NAMES: ReadonlySet<string> = new Set([
  'before',
  'after',
  'first',
  'last',
  'columnno',
  'noofcolumns',
  'hrank',
]);

/** Whether an expression reads other rows of the chart (its values then depend on the cube's row order). */
export function usesInterRecord(expression: Expression | undefined): boolean {
  if (!expression) return false;
  switch (expression.kind) {
    case 'FunctionCall':
      return INTER_RECORD_FUNCTION_NAMES.has(expression.name.toLowerCase()) || expression.args.some(usesInterRecord);
    case 'UnaryExpression':
      return usesInterRecord(expression.operand);
    case 'BinaryExpression':
      return usesInterRecord(expression.left) || usesInterRecord(expression.right);
    default:
      return false;
  }
}

/** The rows of a column in display order, cut into column segments. */
interface Segments {
  /** Per display position, its segment (a list of positions) and its index there. */
  readonly of: readonly (readonly number[])[];
  readonly index: Int32Array;
}

/**
 * Computes an expression with inter-record functions for every row of a straight cube, in the
 * cube's display order (`rows[r]` is the group shown at row `r`). The column segment of a row is
 * the rows sharing its values of `segmentDims` (every dimension but the last in the sort order);
 * TOTAL, or a cube with one dimension, spans the whole column. Groups not shown get NULL.
 */
export function evaluateInterRecord(
  evaluator: GroupEvaluator,
  expression: Expression,
  rows: Int32Array,
  segmentDims: readonly number[],
): Cell[] {
  const scope = new InterRecordScope(evaluator, rows, segmentsOf(evaluator.groups, rows, segmentDims));
  const out = new Array<Cell>(evaluator.groups.count).fill(null);
  for (let r = 0; r < rows.length; r++) {
    scope.r = r;
    out[rows[r] as number] = evaluateNode(expression, scope);
  }
  return out;
}

function segmentsOf(groups: Groups, rows: Int32Array, dims: readonly number[]): Segments {
  const byKey = new Map<string, number[]>();
  const of: number[][] = [];
  const index = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const g = rows[r] as number;
    const key = dims.map((d) => (groups.elems[d] as Int32Array)[g]).join(',');
    let segment = byKey.get(key);
    if (!segment) {
      segment = [];
      byKey.set(key, segment);
    }
    index[r] = segment.length;
    segment.push(r);
    of.push(segment);
  }
  return { of, index };
}

function wholeColumn(count: number): Segments {
  const all = Array.from({ length: count }, (_, r) => r);
  return { of: all.map(() => all), index: Int32Array.from(all) };
}

/** One row of the cube, with the other rows of its column in reach. */
class InterRecordScope extends ScopeBase {
  r = 0;
  private total: Segments | undefined;
  private readonly ranks = new Map<FunctionCall, Cell[]>();

  constructor(
    private readonly evaluator: GroupEvaluator,
    private readonly rows: Int32Array,
    private readonly segments: Segments,
  ) {
    super(evaluator.ctx.env);
  }

  private get g(): number {
    return this.rows[this.r] as number;
  }

  field(name: string): Cell | undefined {
    return this.evaluator.fieldValue(name, this.g);
  }

  aggregate(call: FunctionCall): Cell {
    return this.evaluator.aggregateAll(call)[this.g] ?? null;
  }

  global(): EvaluationScope {
    return this.evaluator.globalScope();
  }

  chartFunction(call: FunctionCall): Cell | undefined {
    const name = call.name.toLowerCase();
    if (SHIFT_NAMES.has(name)) {
      const values = this.shifted(call, name);
      // A range of rows is for the range functions; alone it is no single value.
      return values.length === 1 ? (values[0] ?? null) : null;
    }
    if (HORIZONTAL_NAMES.has(name)) return null;
    if (name === 'rowno' || name === 'noofrows') {
      const segments = this.segmentsFor(call, isTotalArgument(call.args[0]));
      return numberCell(name === 'rowno' ? (segments.index[this.r] as number) + 1 : this.segment(segments).length);
    }
    if (name === 'rank') return this.rank(call);
    return this.range(call, name);
  }

  private segmentsFor(call: FunctionCall, total = false): Segments {
    if (!total && call.total === null) return this.segments;
    this.total ??= wholeColumn(this.rows.length);
    return this.total;
  }

  private segment(segments: Segments): readonly number[] {
    return segments.of[this.r] ?? [];
  }

  /** The value of `expression` at display row `r`. */
  private at(r: number, expression: Expression): Cell {
    const saved = this.r;
    this.r = r;
    try {
      return evaluateNode(expression, this);
    } finally {
      this.r = saved;
    }
  }

  /** Above/Below/Top/Bottom(expr, offset, count): the values of `count` rows of the segment, NULL outside it. */
  private shifted(call: FunctionCall, name: string): Cell[] {
    const [expression, offsetArg, countArg] = call.args;
    if (!expression) return [null];
    const defaultOffset = name === 'above' || name === 'below' ? 1 : 0;
    const offset = offsetArg ? Math.trunc(toNumber(evaluateNode(offsetArg, this))) : defaultOffset;
    const count = countArg ? Math.trunc(toNumber(evaluateNode(countArg, this))) : 1;
    if (Number.isNaN(offset) || Number.isNaN(count) || count < 1) return [null];
    const segments = this.segmentsFor(call);
    const segment = this.segment(segments);
    const here = segments.index[this.r] as number;
    const out: Cell[] = [];
    for (let k = 0; k < count; k++) {
      const target =
        name === 'above'
          ? here - offset - k
          : name === 'below'
            ? here + offset + k
            : name === 'top'
              ? offset + k
              : segment.length - 1 - offset - k;
      const r = segment[target];
      out.push(r === undefined ? null : this.at(r, expression));
    }
    return out;
  }

  /** A range function whose arguments hold Above/Below/Top/Bottom ranges; undefined for an ordinary call. */
  private range(call: FunctionCall, name: string): Cell | undefined {
    const spec = scalarFunction(name);
    const isShift = (arg: Expression): arg is FunctionCall =>
      arg.kind === 'FunctionCall' && SHIFT_NAMES.has(arg.name.toLowerCase());
    if (!spec || !call.args.some(isShift)) return undefined;
    const values: Cell[] = [];
    for (const arg of call.args) {
      if (isShift(arg)) values.push(...this.shifted(arg, arg.name.toLowerCase()));
      else values.push(evaluateNode(arg, this));
    }
    return spec.fn(values, this);
  }

  /** Rank([TOTAL] expr[, mode[, fmt]]) of this row in its segment, computed for every row at once. */
  private rank(call: FunctionCall): Cell {
    let ranks = this.ranks.get(call);
    if (!ranks) {
      ranks = this.computeRanks(call);
      this.ranks.set(call, ranks);
    }
    return ranks[this.r] ?? null;
  }

  private computeRanks(call: FunctionCall): Cell[] {
    const [expression, modeArg, fmtArg] = call.args;
    const out = new Array<Cell>(this.rows.length).fill(null);
    if (!expression) return out;
    const mode = modeArg ? toNumber(evaluateNode(modeArg, this)) : 0;
    const fmt = fmtArg ? toNumber(evaluateNode(fmtArg, this)) : 0;
    const segments = this.segmentsFor(call);
    const done = new Set<readonly number[]>();
    for (let r = 0; r < this.rows.length; r++) {
      const segment = segments.of[r] ?? [];
      if (done.has(segment)) continue;
      done.add(segment);
      const nums = segment.map((row) => toNumber(this.at(row, expression)));
      rankSegment(segment, nums, mode, fmt, out);
    }
    return out;
  }
}

/** `Above(TOTAL …)` is a qualifier; `RowNo(TOTAL)` and `NoOfRows(TOTAL)` read it as their argument. */
export function isTotalArgument(arg: Expression | undefined): boolean {
  return arg?.kind === 'FieldRef' && arg.name.toUpperCase() === 'TOTAL';
}

/**
 * Ranks one segment: the highest number ranks 1; rows that are not numbers get NULL. Tied rows
 * share the ranks lo…hi; `mode` picks their number (0: lo when the tie lies above the middle
 * rank, hi when below it, else the middle of the whole ranking; 1 lo; 2 the average; 3 hi; 4 lo,
 * lo+1… in display order) and `fmt` their text (0: "lo-hi"; 1: lo; 2: lo on the first row of the
 * tie, empty on the others).
 */
export function rankSegment(
  segment: readonly number[],
  nums: readonly number[],
  mode: number,
  fmt: number,
  out: Cell[],
): void {
  const order = nums.map((_, i) => i).filter((i) => !Number.isNaN(nums[i] as number));
  order.sort((a, b) => (nums[b] as number) - (nums[a] as number) || a - b);
  const n = order.length;
  const middle = (n + 1) / 2;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && nums[order[end] as number] === nums[order[start] as number]) end++;
    const lo = start + 1;
    const hi = end;
    for (let k = start; k < end; k++) {
      let num: number;
      if (mode === 1) num = lo;
      else if (mode === 2) num = (lo + hi) / 2;
      else if (mode === 3) num = hi;
      else if (mode === 4) num = lo + (k - start);
      else num = hi < middle ? lo : lo > middle ? hi : (1 + n) / 2;
      const text = fmt === 1 ? `${lo}` : fmt === 2 ? (k === start ? `${lo}` : '') : lo === hi ? `${lo}` : `${lo}-${hi}`;
      out[segment[order[k] as number] as number] = { text, num };
    }
    start = end;
  }
}
