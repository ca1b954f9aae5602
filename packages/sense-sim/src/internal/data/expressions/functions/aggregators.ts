import type { Cell } from '../../model/loaded-model.js';
import { ExpressionError, unsupportedFunction } from '../expression-error.js';
import { checkTextLength } from '../text-limit.js';
import { compareText, numberCell, sameValue, textCell, toNumber, valueKey } from '../value-ops.js';

/**
 * Aggregation function names (lower case). A call to one of these in a chart is computed over the
 * records of each dimension value; nested inside another one (without Aggr between) it is an error.
 */
export const AGGREGATION_NAMES: ReadonlySet<string> = new Set([
  'sum',
  'count',
  'avg',
  'min',
  'max',
  'only',
  'concat',
  'minstring',
  'maxstring',
  'nullcount',
  'numericcount',
  'textcount',
  'missingcount',
  'median',
  'mode',
  'stdev',
  'firstsortedvalue',
  'aggr',
]);

const UNSUPPORTED_AGGREGATIONS: Readonly<Record<string, string>> = {
  firstsortedvalue: 'FirstSortedValue',
};

/**
 * Throws the "not supported" error for aggregations charts cannot compute here (the load script
 * computes FirstSortedValue: it feeds sort weights per record, see {@link SORT_WEIGHT_ARGUMENT}).
 */
export function assertSupportedAggregation(name: string): void {
  const unsupported = UNSUPPORTED_AGGREGATIONS[name.toLowerCase()];
  if (unsupported) throw unsupportedFunction(unsupported);
}

/**
 * The argument of an aggregation that is a per-record sort weight rather than a value or a
 * constant: Concat's third (`Concat(Team, '-', Amount)`), FirstSortedValue's second. An
 * aggregator made with `weighted` takes each record through {@link GroupAggregator.addWeighted}.
 */
export const SORT_WEIGHT_ARGUMENT: Readonly<Record<string, number>> = { concat: 2, firstsortedvalue: 1 };

/** Accumulates the values of one aggregation for many groups at once. */
export interface GroupAggregator {
  /** Whether {@link addNumber} may be used instead of {@link add} (the result reads numbers only). */
  readonly numeric: boolean;
  /** Adds one record's value to group `g`; `key` identifies the value for DISTINCT (e.g. an element number). */
  add(g: number, cell: Cell, key?: number | string): void;
  /** Adds a value known only by its number (NaN for NULL or text). */
  addNumber(g: number, num: number, key?: number): void;
  /** Adds one record's value with its sort weight (NaN when the weight is not a number); weighted aggregators only. */
  addWeighted?(g: number, cell: Cell, weight: number): void;
  result(g: number): Cell;
  /** The result as a number (NaN for NULL), for aggregations whose results are always numbers or NULL. */
  readonly resultNumber?: ((g: number) => number) | undefined;
}

/** What shapes an aggregation besides its main argument. */
export interface AggregatorOptions {
  readonly distinct: boolean;
  /** The other arguments, evaluated once (Concat's delimiter, Min/Max/FirstSortedValue rank). */
  readonly params: readonly Cell[];
  /** Records come with their sort weight through `addWeighted` (see {@link SORT_WEIGHT_ARGUMENT}). */
  readonly weighted?: boolean;
}

/**
 * An aggregator for function `name` over `groups` groups. Empty groups give: Sum 0, the counts 0,
 * the others NULL.
 */
export function createAggregator(name: string, groups: number, options: AggregatorOptions): GroupAggregator {
  const base = baseAggregator(name.toLowerCase(), groups, options);
  return options.distinct ? new DistinctAggregator(base, groups) : base;
}

function baseAggregator(name: string, groups: number, options: AggregatorOptions): GroupAggregator {
  switch (name) {
    case 'sum':
      return new SumAggregator(groups, 'sum');
    case 'avg':
      return new SumAggregator(groups, 'avg');
    case 'count':
      return new CountAggregator(groups, (cell) => cell !== null);
    case 'numericcount':
      return new CountAggregator(groups, (cell) => !Number.isNaN(toNumber(cell)));
    case 'textcount':
      return new CountAggregator(groups, (cell) => cell !== null && Number.isNaN(toNumber(cell)));
    case 'nullcount':
      return new CountAggregator(groups, (cell) => cell === null);
    case 'missingcount':
      return new CountAggregator(groups, (cell) => cell === null || Number.isNaN(toNumber(cell)));
    case 'min':
    case 'max': {
      const rank = rankParam(name, options.params);
      return rank === 1
        ? new ExtremeAggregator(groups, name === 'max')
        : new RankAggregator(groups, name === 'max', rank);
    }
    case 'firstsortedvalue': {
      if (!options.weighted) throw unsupportedFunction('FirstSortedValue');
      const rank = rankParam(name, options.params);
      return rank === 1 ? new FirstSortedAggregator(groups) : new RankedSortedAggregator(groups, rank);
    }
    case 'only':
      return new OnlyAggregator(groups);
    case 'minstring':
    case 'maxstring':
      return new StringExtremeAggregator(groups, name === 'maxstring');
    case 'concat': {
      const delimiter = options.params[0]?.text ?? '';
      if (options.weighted) return new WeightedConcatAggregator(groups, delimiter);
      if (options.params.length > 1) throw new ExpressionError('Concat with a sort weight is not supported');
      return new ConcatAggregator(groups, delimiter);
    }
    case 'median':
      return new ListAggregator(groups, (values) => {
        if (values.length === 0) return Number.NaN;
        values.sort((a, b) => a - b);
        const mid = values.length >> 1;
        return values.length % 2 === 1
          ? (values[mid] as number)
          : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
      });
    case 'stdev':
      return new ListAggregator(groups, (values) => {
        if (values.length < 2) return Number.NaN;
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
      });
    case 'mode':
      return new ModeAggregator(groups);
    default:
      assertSupportedAggregation(name);
      throw unsupportedFunction(name);
  }
}

/** The rank argument of Min, Max and FirstSortedValue: 1 when left out. */
function rankParam(name: string, params: readonly Cell[]): number {
  const rank = params.length > 0 ? toNumber(params[0] ?? null) : 1;
  if (!Number.isInteger(rank) || rank < 1) throw new ExpressionError(`${name} rank must be a positive integer`);
  return rank;
}

class SumAggregator implements GroupAggregator {
  readonly numeric = true;
  private readonly sums: Float64Array;
  private readonly counts: Uint32Array;
  constructor(
    groups: number,
    private readonly mode: 'sum' | 'avg',
  ) {
    this.sums = new Float64Array(groups);
    this.counts = new Uint32Array(groups);
  }
  add(g: number, cell: Cell): void {
    this.addNumber(g, toNumber(cell));
  }
  addNumber(g: number, num: number): void {
    if (Number.isNaN(num)) return;
    this.sums[g] = (this.sums[g] as number) + num;
    this.counts[g] = (this.counts[g] as number) + 1;
  }
  result(g: number): Cell {
    return numberCell(this.resultNumber(g));
  }
  resultNumber(g: number): number {
    const count = this.counts[g] as number;
    if (this.mode === 'avg') return count === 0 ? Number.NaN : (this.sums[g] as number) / count;
    return this.sums[g] as number;
  }
}

class CountAggregator implements GroupAggregator {
  readonly numeric: boolean;
  private readonly counts: Uint32Array;
  constructor(
    groups: number,
    /** Which values this count counts (non-NULL, numeric, text, NULL …). */
    private readonly accepts: (cell: Cell) => boolean,
  ) {
    this.counts = new Uint32Array(groups);
    // Counting NULLs and texts needs the values, not only their numbers.
    this.numeric = false;
  }
  add(g: number, cell: Cell): void {
    if (this.accepts(cell)) this.counts[g] = (this.counts[g] as number) + 1;
  }
  addNumber(g: number, num: number): void {
    this.add(g, Number.isNaN(num) ? null : { text: '', num });
  }
  result(g: number): Cell {
    return numberCell(this.counts[g] as number);
  }
  resultNumber(g: number): number {
    return this.counts[g] as number;
  }
}

class ExtremeAggregator implements GroupAggregator {
  readonly numeric = true;
  private readonly values: Float64Array;
  constructor(
    groups: number,
    private readonly max: boolean,
  ) {
    this.values = new Float64Array(groups).fill(Number.NaN);
  }
  add(g: number, cell: Cell): void {
    this.addNumber(g, toNumber(cell));
  }
  addNumber(g: number, num: number): void {
    if (Number.isNaN(num)) return;
    const current = this.values[g] as number;
    if (Number.isNaN(current) || (this.max ? num > current : num < current)) this.values[g] = num;
  }
  result(g: number): Cell {
    return numberCell(this.values[g] as number);
  }
  resultNumber(g: number): number {
    return this.values[g] as number;
  }
}

class ListAggregator implements GroupAggregator {
  readonly numeric = true;
  private readonly lists: number[][];
  constructor(
    groups: number,
    private readonly reduce: (values: number[]) => number,
  ) {
    this.lists = Array.from({ length: groups }, () => []);
  }
  add(g: number, cell: Cell): void {
    this.addNumber(g, toNumber(cell));
  }
  addNumber(g: number, num: number): void {
    if (!Number.isNaN(num)) this.lists[g]?.push(num);
  }
  result(g: number): Cell {
    return numberCell(this.resultNumber(g));
  }
  resultNumber(g: number): number {
    return this.reduce(this.lists[g] ?? []);
  }
}

class RankAggregator extends ListAggregator {
  constructor(groups: number, max: boolean, rank: number) {
    super(groups, (values) => {
      values.sort((a, b) => (max ? b - a : a - b));
      return values[rank - 1] ?? Number.NaN;
    });
  }
}

class OnlyAggregator implements GroupAggregator {
  readonly numeric = false;
  private readonly values: Cell[];
  private readonly conflicts: Uint8Array;
  constructor(groups: number) {
    this.values = new Array<Cell>(groups).fill(null);
    this.conflicts = new Uint8Array(groups);
  }
  add(g: number, cell: Cell): void {
    if (cell === null || this.conflicts[g] === 1) return;
    const current = this.values[g] ?? null;
    if (current === null) this.values[g] = cell;
    else if (!sameValue(current, cell)) this.conflicts[g] = 1;
  }
  addNumber(g: number, num: number): void {
    this.add(g, numberCell(num));
  }
  result(g: number): Cell {
    return this.conflicts[g] === 1 ? null : (this.values[g] ?? null);
  }
}

class StringExtremeAggregator implements GroupAggregator {
  readonly numeric = false;
  private readonly values: Cell[];
  constructor(
    groups: number,
    private readonly max: boolean,
  ) {
    this.values = new Array<Cell>(groups).fill(null);
  }
  add(g: number, cell: Cell): void {
    if (cell === null) return;
    const current = this.values[g] ?? null;
    if (current === null) {
      this.values[g] = cell;
      return;
    }
    const order = compareForString(cell, current);
    if (this.max ? order > 0 : order < 0) this.values[g] = cell;
  }
  addNumber(g: number, num: number): void {
    this.add(g, numberCell(num));
  }
  result(g: number): Cell {
    return this.values[g] ?? null;
  }
}

/** Numbers before texts; numbers by value, texts alphabetically. */
function compareForString(a: NonNullable<Cell>, b: NonNullable<Cell>): number {
  const x = toNumber(a);
  const y = toNumber(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  if (!Number.isNaN(x)) return -1;
  if (!Number.isNaN(y)) return 1;
  return compareText(a.text, b.text);
}

class ConcatAggregator implements GroupAggregator {
  readonly numeric = false;
  private readonly lists: string[][];
  constructor(
    groups: number,
    private readonly delimiter: string,
  ) {
    this.lists = Array.from({ length: groups }, () => []);
  }
  add(g: number, cell: Cell): void {
    if (cell !== null) this.lists[g]?.push(cell.text);
  }
  addNumber(g: number, num: number): void {
    this.add(g, numberCell(num));
  }
  result(g: number): Cell {
    const list = this.lists[g] ?? [];
    if (list.length === 0) return null;
    let length = this.delimiter.length * (list.length - 1);
    for (const text of list) length += text.length;
    checkTextLength(length, 'Concat');
    // Without a sort weight the engine concatenates in text order (help.qlik.com Concat examples).
    return textCell([...list].sort(compareText).join(this.delimiter));
  }
}

/**
 * Concat with a sort weight: the lowest weight first, equal weights in text order (help.qlik.com's
 * `Concat(distinct Team, '-', Amount)` gives Delta-Beta-Gamma-Alpha for weights 14000, 20000,
 * 20000, 25000). A weight of 0 everywhere is documented as "no sorting": the values keep the
 * order the records came in (ORDER BY decides it). Records whose weight is not a number follow
 * the others (the simulator's choice; the documentation does not say).
 */
class WeightedConcatAggregator implements GroupAggregator {
  readonly numeric = false;
  private readonly lists: { text: string; weight: number }[][];
  constructor(
    groups: number,
    private readonly delimiter: string,
  ) {
    this.lists = Array.from({ length: groups }, () => []);
  }
  add(g: number, cell: Cell): void {
    this.addWeighted(g, cell, Number.NaN);
  }
  addNumber(g: number, num: number): void {
    this.addWeighted(g, numberCell(num), Number.NaN);
  }
  addWeighted(g: number, cell: Cell, weight: number): void {
    if (cell !== null) this.lists[g]?.push({ text: cell.text, weight });
  }
  result(g: number): Cell {
    const list = this.lists[g] ?? [];
    if (list.length === 0) return null;
    let length = this.delimiter.length * (list.length - 1);
    for (const item of list) length += item.text.length;
    checkTextLength(length, 'Concat');
    const ordered = list.every((item) => item.weight === 0)
      ? list
      : [...list].sort((a, b) => compareWeights(a.weight, b.weight) || compareText(a.text, b.text));
    return textCell(ordered.map((item) => item.text).join(this.delimiter));
  }
}

/** Lower weights first; weights that are not numbers last. */
function compareWeights(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  return a - b;
}

/**
 * FirstSortedValue(value, weight): the value of the record with the lowest weight, NULL when
 * several records share that weight (even with the same value: DISTINCT drops such duplicates).
 * Records whose weight is not a number do not take part. Keeps one candidate per group.
 */
class FirstSortedAggregator implements GroupAggregator {
  readonly numeric = false;
  private readonly weights: Float64Array;
  private readonly values: Cell[];
  private readonly ties: Uint8Array;
  constructor(groups: number) {
    this.weights = new Float64Array(groups).fill(Number.NaN);
    this.values = new Array<Cell>(groups).fill(null);
    this.ties = new Uint8Array(groups);
  }
  add(): void {
    throw new ExpressionError('FirstSortedValue needs a sort weight');
  }
  addNumber(): void {
    this.add();
  }
  addWeighted(g: number, cell: Cell, weight: number): void {
    if (Number.isNaN(weight)) return;
    const best = this.weights[g] as number;
    if (Number.isNaN(best) || weight < best) {
      this.weights[g] = weight;
      this.values[g] = cell;
      this.ties[g] = 0;
    } else if (weight === best) this.ties[g] = 1;
  }
  result(g: number): Cell {
    return this.ties[g] === 1 ? null : (this.values[g] ?? null);
  }
}

/** FirstSortedValue(value, weight, rank) for a rank above 1: the rank-th record by weight, NULL on a tie there. */
class RankedSortedAggregator implements GroupAggregator {
  readonly numeric = false;
  private readonly lists: { value: Cell; weight: number }[][];
  constructor(
    groups: number,
    private readonly rank: number,
  ) {
    this.lists = Array.from({ length: groups }, () => []);
  }
  add(): void {
    throw new ExpressionError('FirstSortedValue needs a sort weight');
  }
  addNumber(): void {
    this.add();
  }
  addWeighted(g: number, cell: Cell, weight: number): void {
    if (!Number.isNaN(weight)) this.lists[g]?.push({ value: cell, weight });
  }
  result(g: number): Cell {
    const sorted = [...(this.lists[g] ?? [])].sort((a, b) => a.weight - b.weight);
    const at = sorted[this.rank - 1];
    if (!at) return null;
    const tied = sorted[this.rank - 2]?.weight === at.weight || sorted[this.rank]?.weight === at.weight;
    return tied ? null : at.value;
  }
}

class ModeAggregator implements GroupAggregator {
  readonly numeric = false;
  private readonly counts: Map<string | number, { cell: NonNullable<Cell>; count: number }>[];
  constructor(groups: number) {
    this.counts = Array.from({ length: groups }, () => new Map());
  }
  add(g: number, cell: Cell): void {
    if (cell === null) return;
    const map = this.counts[g];
    if (!map) return;
    const key = valueKey(cell);
    const entry = map.get(key);
    if (entry) entry.count++;
    else map.set(key, { cell, count: 1 });
  }
  addNumber(g: number, num: number): void {
    this.add(g, numberCell(num));
  }
  result(g: number): Cell {
    let best: { cell: NonNullable<Cell>; count: number } | undefined;
    let tie = false;
    for (const entry of this.counts[g]?.values() ?? []) {
      if (!best || entry.count > best.count) {
        best = entry;
        tie = false;
      } else if (entry.count === best.count) tie = true;
    }
    return best && !tie ? best.cell : null;
  }
}

/** DISTINCT: each value counts once per group. */
class DistinctAggregator implements GroupAggregator {
  readonly numeric: boolean;
  private readonly seen: Set<number | string>[];
  constructor(
    private readonly inner: GroupAggregator,
    groups: number,
  ) {
    this.numeric = inner.numeric;
    this.seen = Array.from({ length: groups }, () => new Set());
  }
  add(g: number, cell: Cell, key?: number | string): void {
    if (cell === null) {
      this.inner.add(g, cell);
      return;
    }
    const id = key ?? valueKey(cell);
    const seen = this.seen[g];
    if (!seen || seen.has(id)) return;
    seen.add(id);
    this.inner.add(g, cell);
  }
  addNumber(g: number, num: number, key?: number): void {
    if (Number.isNaN(num)) return;
    const id = key ?? num;
    const seen = this.seen[g];
    if (!seen || seen.has(id)) return;
    seen.add(id);
    this.inner.addNumber(g, num);
  }
  /** DISTINCT of a weighted aggregation drops repeats of the same value with the same weight. */
  addWeighted(g: number, cell: Cell, weight: number): void {
    const id = `${cell === null ? '' : valueKey(cell)}\u0000${weight}`;
    const seen = this.seen[g];
    if (!seen || seen.has(id)) return;
    seen.add(id);
    this.inner.addWeighted?.(g, cell, weight);
  }
  result(g: number): Cell {
    return this.inner.result(g);
  }
  get resultNumber(): ((g: number) => number) | undefined {
    const inner = this.inner;
    return inner.resultNumber ? (g) => inner.resultNumber?.(g) ?? Number.NaN : undefined;
  }
}
