import type { ModelField } from '../model/associative-model.js';
import { ComboIndex } from '../model/combo-index.js';
import type { Cell } from '../model/loaded-model.js';
import { type JoinedRecords, joinTables } from '../model/record-join.js';
import type { RowMasks } from '../selections/propagate-selections.js';
import { aggrAggregation, containsAggr } from './aggr.js';
import type { ChartContext } from './chart-context.js';
import { type GroupDimension, type Groups, singleGroup } from './chart-groups.js';
import {
  argumentFields,
  ConstantScope,
  compileNumeric,
  elementsOf,
  type FieldAccessor,
  recordDeduper,
  SYNTHETIC_SPAN,
  TupleScope,
} from './chart-records.js';
import { type EvaluationEnvironment, type EvaluationScope, evaluateNode, ScopeBase } from './evaluate-expression.js';
import { ExpressionError } from './expression-error.js';
import {
  AGGREGATION_NAMES,
  assertSupportedAggregation,
  createAggregator,
  type GroupAggregator,
} from './functions/aggregators.js';
import type { AggregationResult, GroupEvaluator, TupleGroups } from './group-evaluator.js';
import type { Expression, FieldRef, FunctionCall, SetExpression } from './script-bridge.js';
import { evaluateSet } from './set-analysis.js';
import { numberCell, toNumber } from './value-ops.js';

/**
 * Computes chart expressions for every group at once: each aggregation is computed in one pass over
 * the records joined for it (grouped by the dimensions, under the state's or its set's row masks),
 * then the expression around the aggregations is evaluated per group. A field outside any
 * aggregation means `Only(field)`, as in Qlik.
 */
export class ChartEvaluator implements GroupEvaluator {
  private readonly aggregations = new Map<FunctionCall, AggregationResult>();
  private readonly onlyCalls = new Map<string, FunctionCall>();
  private readonly joins = new Map<string, JoinedRecords>();
  private readonly setMasks = new Map<SetExpression, RowMasks>();
  private readonly maskIds = new WeakMap<RowMasks, number>();
  private readonly tupleGroupCache = new Map<JoinedRecords, Map<string, TupleGroups>>();
  private readonly scope: GroupScope;
  private global: ChartEvaluator | undefined;

  constructor(
    readonly ctx: ChartContext,
    readonly groups: Groups,
    /** Row masks standing for the current selections; the base state's when left out. */
    private readonly baseMasks?: RowMasks,
  ) {
    this.scope = new GroupScope(ctx.env, this);
  }

  /** A scope over all possible records (no dimensions), for `=` variables used inside groups. */
  globalScope(): EvaluationScope {
    if (this.groups.dims.length === 0 && !this.baseMasks) return this.scope;
    if (!this.global) this.global = new ChartEvaluator(this.ctx, singleGroup());
    return this.global.scope;
  }

  /** An evaluator over other groups under the same selections (the rows of an Aggr table). */
  nested(groups: Groups): ChartEvaluator {
    return new ChartEvaluator(this.ctx, groups, this.baseMasks);
  }

  /** The value of `expression` in every group. */
  evaluate(expression: Expression): Cell[] {
    // A measure that is one aggregation (the usual case) needs no per-group evaluation around it.
    if (isAggregation(expression)) return this.aggregateAll(expression).slice();
    const out = new Array<Cell>(this.groups.count);
    for (let g = 0; g < this.groups.count; g++) {
      this.scope.g = g;
      out[g] = evaluateNode(expression, this.scope);
    }
    return out;
  }

  /** The value of field `name` in group `g`: the group's own value for a dimension, else Only(name). */
  fieldValue(name: string, g: number): Cell | undefined {
    const field = this.ctx.model.field(name);
    if (!field) return undefined;
    const d = this.groups.dims.findIndex((dim) => dim.field === field);
    if (d >= 0) return field.value((this.groups.elems[d] as Int32Array)[g] as number);
    let call = this.onlyCalls.get(name);
    if (!call) {
      const ref: FieldRef = { kind: 'FieldRef', name, span: SYNTHETIC_SPAN };
      call = {
        kind: 'FunctionCall',
        name: 'Only',
        set: null,
        distinct: null,
        all: false,
        total: null,
        args: [ref],
        span: SYNTHETIC_SPAN,
      };
      this.onlyCalls.set(name, call);
    }
    return this.aggregateAll(call)[g] ?? null;
  }

  /**
   * The values of `expression` in every group as numbers, and as cells when they are not all
   * numbers: a measure that is one numeric aggregation never builds a value object per group.
   */
  evaluateColumn(expression: Expression): { readonly nums: Float64Array; readonly cells: Cell[] | undefined } {
    if (isAggregation(expression)) {
      const result = this.aggregation(expression);
      if (result.nums) return { nums: result.nums, cells: undefined };
    }
    const cells = this.evaluate(expression);
    return { nums: Float64Array.from(cells, (cell) => toNumber(cell)), cells };
  }

  /** An aggregation's value in every group (computed once per call node). */
  aggregateAll(call: FunctionCall): Cell[] {
    const result = this.aggregation(call);
    if (!result.cells) {
      const nums = result.nums as Float64Array;
      result.cells = Array.from(nums, (num) => (Number.isNaN(num) ? null : numberCell(num)));
    }
    return result.cells;
  }

  private aggregation(call: FunctionCall): AggregationResult {
    let result = this.aggregations.get(call);
    if (!result) {
      result = this.computeAggregation(call);
      this.aggregations.set(call, result);
    }
    return result;
  }

  private computeAggregation(call: FunctionCall): AggregationResult {
    const [argument] = call.args;
    if (!argument) throw new ExpressionError(`${call.name} takes at least one argument`);
    assertSupportedAggregation(call.name);
    // Aggr, bare or inside an aggregation: the virtual table's values, one per combination (aggr.ts).
    if (call.name.toLowerCase() === 'aggr' || containsAggr(argument)) return aggrAggregation(this, call);
    const params = this.constantParams(call);
    const masks = this.masksOf(call);
    const dimSlots = this.dimSlots(call);
    const fields = argumentFields(argument, this.ctx);
    const { fieldTables, dimTables } = this.chooseTables(fields, dimSlots);
    const join = this.join(masks, [...dimTables, ...fieldTables.values()]);
    // Groups of the aggregation: the cube's, or coarser ones for TOTAL.
    const { tupleGroups, count, toCubeGroups } = this.tupleGroups(join, dimSlots, dimTables);
    const aggregator = createAggregator(call.name, count, { distinct: call.distinct === 'distinct', params });
    const argTables = [...new Set(fieldTables.values())];
    const dedupe = recordDeduper(join, argTables, (table) => this.ctx.model.tables[table]?.rowCount ?? 0);
    this.accumulate(argument, join, tupleGroups, fieldTables, aggregator, dedupe);
    return this.resultOf(aggregator, count, toCubeGroups);
  }

  /** The extra arguments of an aggregation (Concat's delimiter, a rank), evaluated once. */
  constantParams(call: FunctionCall): Cell[] {
    return call.args.slice(1).map((arg) => evaluateNode(arg, new ConstantScope(this.ctx.env, call.name)));
  }

  /** The records an aggregation runs over: its set's, else the evaluator's base masks. */
  masksOf(call: FunctionCall): RowMasks {
    return call.set ? this.masksOfSet(call.set) : this.defaultMasks();
  }

  /** The row masks of the current selections this evaluator computes under. */
  defaultMasks(): RowMasks {
    return this.baseMasks ?? this.ctx.base.rowMasks();
  }

  /** The dimensions an aggregation groups by: all of them; those named by TOTAL <F…>; none for a plain TOTAL. */
  dimSlots(call: FunctionCall): number[] {
    const keep = call.total === null ? null : new Set(call.total.fields);
    return this.groups.dims
      .map((_, d) => d)
      .filter((d) => keep === null || keep.has(this.groups.dims[d]?.field.name ?? ''));
  }

  /** An aggregator's results for every cube group (`toCubeGroups` maps a cube group to its aggregation group). */
  resultOf(aggregator: GroupAggregator, count: number, toCubeGroups: Int32Array | undefined): AggregationResult {
    const cubeGroups = this.groups.count;
    const resultNumber = aggregator.resultNumber?.bind(aggregator);
    if (resultNumber) {
      const nums = new Float64Array(cubeGroups);
      for (let g = 0; g < cubeGroups; g++) nums[g] = resultNumber(toCubeGroups ? (toCubeGroups[g] as number) : g);
      return { nums, cells: undefined };
    }
    const results = new Array<Cell>(count);
    for (let g = 0; g < count; g++) results[g] = aggregator.result(g);
    if (!toCubeGroups) return { nums: undefined, cells: results };
    const cells = new Array<Cell>(cubeGroups);
    for (let g = 0; g < cubeGroups; g++) cells[g] = results[toCubeGroups[g] as number] ?? null;
    return { nums: undefined, cells };
  }

  /**
   * @internal (also for aggr.ts)
   * Which table each field of the argument (and each kept dimension) is read from: a field in one
   * table from it; a key field from a table already in use, else one holding a dimension.
   */
  chooseTables(
    fields: readonly ModelField[],
    dimSlots: readonly number[],
  ): { fieldTables: Map<ModelField, number>; dimTables: number[] } {
    const fieldTables = new Map<ModelField, number>();
    const used = new Set<number>();
    for (const field of fields) {
      if (field.tables.length === 1) {
        fieldTables.set(field, field.tables[0] as number);
        used.add(field.tables[0] as number);
      }
    }
    const dimFieldTables = new Set(dimSlots.flatMap((d) => this.groups.dims[d]?.field.tables ?? []));
    for (const field of fields) {
      if (fieldTables.has(field)) continue;
      const table =
        field.tables.find((t) => used.has(t)) ??
        field.tables.find((t) => dimFieldTables.has(t)) ??
        (field.tables[0] as number);
      fieldTables.set(field, table);
      used.add(table);
    }
    const dimTables = dimSlots.map((d) => {
      const dim = this.groups.dims[d] as GroupDimension;
      return dim.field.tables.find((t) => used.has(t)) ?? dim.table;
    });
    return { fieldTables, dimTables };
  }

  /** @internal Each tuple's aggregation group (also for aggr.ts). */
  tupleGroups(join: JoinedRecords, dimSlots: readonly number[], dimTables: readonly number[]): TupleGroups {
    const dims = this.groups.dims;
    if (dimSlots.length === 0) {
      const toCubeGroups = dims.length === 0 ? undefined : new Int32Array(this.groups.count);
      return { tupleGroups: new Int32Array(join.length), count: 1, toCubeGroups };
    }
    const source = this.groups.source;
    const allDims = dimSlots.length === dims.length;
    if (allDims && source && source.join === join && source.dimTables.every((table, d) => table === dimTables[d])) {
      return { tupleGroups: source.ids, count: this.groups.count, toCubeGroups: undefined };
    }
    // Measures over the same join share the lookup of every record's group.
    const key = `${dimSlots.join(',')}|${dimTables.join(',')}`;
    let perJoin = this.tupleGroupCache.get(join);
    if (!perJoin) {
      perJoin = new Map();
      this.tupleGroupCache.set(join, perJoin);
    }
    const cached = perJoin.get(key);
    if (cached) return cached;
    const result = this.computeTupleGroups(join, dimSlots, dimTables);
    perJoin.set(key, result);
    return result;
  }

  private computeTupleGroups(
    join: JoinedRecords,
    dimSlots: readonly number[],
    dimTables: readonly number[],
  ): TupleGroups {
    const dims = this.groups.dims;
    const tupleElems = dimSlots.map((d, k) =>
      elementsOf(join, (dims[d] as GroupDimension).field, dimTables[k] as number),
    );
    if (dimSlots.length === dims.length) {
      return {
        tupleGroups: this.groups.index.ids(tupleElems, join.length, false),
        count: this.groups.count,
        toCubeGroups: undefined,
      };
    }
    const subset = new ComboIndex(dimSlots.map((d) => (dims[d] as GroupDimension).field.cardinal));
    const toCubeGroups = subset.ids(
      dimSlots.map((d) => this.groups.elems[d] as Int32Array),
      this.groups.count,
      true,
    );
    return { tupleGroups: subset.ids(tupleElems, join.length, false), count: subset.count, toCubeGroups };
  }

  private accumulate(
    argument: Expression,
    join: JoinedRecords,
    tupleGroups: Int32Array,
    fieldTables: ReadonlyMap<ModelField, number>,
    aggregator: GroupAggregator,
    dedupe: (g: number, i: number) => boolean,
  ): void {
    const accessors = new Map<string, FieldAccessor>();
    for (const [field, table] of fieldTables) {
      const slot = join.tables.indexOf(table);
      const column = field.columns.get(table);
      const rows = join.rows[slot];
      if (column && rows) accessors.set(field.name, { field, rows, column });
    }
    const n = join.length;
    // Fast path 1: a plain field — element numbers straight from the column.
    if (argument.kind === 'FieldRef') {
      const accessor = accessors.get(argument.name);
      if (accessor) {
        const { field, rows, column } = accessor;
        const nums = field.nums;
        for (let i = 0; i < n; i++) {
          const g = tupleGroups[i] as number;
          const row = rows[i] as number;
          if (g < 0 || row < 0 || !dedupe(g, i)) continue;
          const elem = column[row] as number;
          if (aggregator.numeric) aggregator.addNumber(g, elem < 0 ? Number.NaN : (nums[elem] as number), elem);
          else aggregator.add(g, elem < 0 ? null : (field.values[elem] ?? null), elem);
        }
        return;
      }
    }
    // Fast path 2: arithmetic over fields and numbers for numeric aggregations, without objects.
    if (aggregator.numeric) {
      const compiled = compileNumeric(argument, accessors);
      if (compiled) {
        for (let i = 0; i < n; i++) {
          const g = tupleGroups[i] as number;
          if (g < 0 || !dedupe(g, i)) continue;
          aggregator.addNumber(g, compiled(i));
        }
        return;
      }
    }
    const scope = new TupleScope(this.ctx, accessors, () => this.globalScope());
    const slots = [...new Set(fieldTables.values())]
      .map((table) => join.rows[join.tables.indexOf(table)])
      .filter((rows) => rows !== undefined);
    for (let i = 0; i < n; i++) {
      const g = tupleGroups[i] as number;
      if (g < 0 || !dedupe(g, i)) continue;
      // A tuple with no row in any table of the argument is no record of it.
      if (slots.length > 0 && slots.every((rows) => (rows[i] as number) < 0)) continue;
      scope.i = i;
      aggregator.add(g, evaluateNode(argument, scope));
    }
  }

  private masksOfSet(set: SetExpression): RowMasks {
    let masks = this.setMasks.get(set);
    if (!masks) {
      masks = evaluateSet(set, this.ctx);
      this.setMasks.set(set, masks);
    }
    return masks;
  }

  /** @internal The records of `tables` joined under `masks`, cached (also for aggr.ts). */
  join(masks: RowMasks, tables: readonly number[]): JoinedRecords {
    let id = this.maskIds.get(masks);
    if (id === undefined) {
      id = nextMaskId++;
      this.maskIds.set(masks, id);
    }
    const unique = [...new Set(tables)];
    const key = `${id}|${unique.join(',')}`;
    let join = this.joins.get(key);
    if (!join) {
      const source = this.groups.source;
      const sameTables =
        source && source.join.tables.length === unique.length && unique.every((t) => source.join.tables.includes(t));
      join = source && source.masks === masks && sameTables ? source.join : joinTables(this.ctx.model, unique, masks);
      this.joins.set(key, join);
    }
    return join;
  }
}

let nextMaskId = 0;

function isAggregation(expression: Expression): expression is FunctionCall {
  return expression.kind === 'FunctionCall' && AGGREGATION_NAMES.has(expression.name.toLowerCase());
}

/** The scope of one group: aggregations come precomputed, fields are the group's own or Only(). */
class GroupScope extends ScopeBase {
  g = 0;
  constructor(
    env: EvaluationEnvironment,
    private readonly owner: ChartEvaluator,
  ) {
    super(env);
  }
  field(name: string): Cell | undefined {
    return this.owner.fieldValue(name, this.g);
  }
  aggregate(call: FunctionCall): Cell {
    return this.owner.aggregateAll(call)[this.g] ?? null;
  }
  global(): EvaluationScope {
    return this.owner.globalScope();
  }
}
