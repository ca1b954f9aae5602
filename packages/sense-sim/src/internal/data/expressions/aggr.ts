import type { ModelField } from '../model/associative-model.js';
import type { Cell } from '../model/loaded-model.js';
import { type JoinedRecords, joinTables } from '../model/record-join.js';
import type { RowMasks } from '../selections/propagate-selections.js';
import { type GroupDimension, type Groups, groupsOfJoin } from './chart-groups.js';
import { elementsOf, nestedAggregation, recordDeduper } from './chart-records.js';
import { evaluateNode, ScopeBase } from './evaluate-expression.js';
import { ExpressionError } from './expression-error.js';
import { AGGREGATION_NAMES, createAggregator } from './functions/aggregators.js';
import type { AggregationResult, GroupEvaluator } from './group-evaluator.js';
import { evaluateInterRecord, usesInterRecord } from './inter-record.js';
import type { Expression, FunctionCall } from './script-bridge.js';
import { compareText } from './value-ops.js';

/**
 * The virtual table of one `Aggr(expr, D1, D2…)` call: a row per combination of its dimensions'
 * values among the records of its set (the current selections without one), the inner expression
 * computed per row as a chart measure would be over those dimensions alone.
 */
export interface AggrTable {
  readonly fields: readonly ModelField[];
  readonly groups: Groups;
  readonly values: readonly Cell[];
  /** NODISTINCT: one value per underlying record rather than one per combination. */
  readonly nodistinct: boolean;
}

const tables = new WeakMap<GroupEvaluator, Map<FunctionCall, AggrTable>>();

/** Whether `expression` holds an Aggr call that is not inside another aggregation. */
export function containsAggr(expression: Expression): boolean {
  return aggrCalls(expression).length > 0;
}

/** The Aggr calls of an expression, not looking inside them or inside other aggregations. */
export function aggrCalls(expression: Expression): FunctionCall[] {
  const out: FunctionCall[] = [];
  const walk = (node: Expression): void => {
    switch (node.kind) {
      case 'FunctionCall': {
        const name = node.name.toLowerCase();
        if (name === 'aggr') out.push(node);
        else if (!AGGREGATION_NAMES.has(name)) for (const arg of node.args) walk(arg);
        return;
      }
      case 'UnaryExpression':
        walk(node.operand);
        return;
      case 'BinaryExpression':
        walk(node.left);
        walk(node.right);
        return;
      default:
        return;
    }
  };
  walk(expression);
  return out;
}

/**
 * The Aggr table of `call` (computed once per evaluator): its dimensions must be fields, as in
 * Qlik ("each dimension in an Aggr() function must be a single field, not an expression").
 */
export function aggrTable(evaluator: GroupEvaluator, call: FunctionCall): AggrTable {
  let perEvaluator = tables.get(evaluator);
  if (!perEvaluator) {
    perEvaluator = new Map();
    tables.set(evaluator, perEvaluator);
  }
  let table = perEvaluator.get(call);
  if (!table) {
    table = computeAggrTable(evaluator, call);
    perEvaluator.set(call, table);
  }
  return table;
}

function computeAggrTable(evaluator: GroupEvaluator, call: FunctionCall): AggrTable {
  const [inner, ...dimArgs] = call.args;
  if (!inner || dimArgs.length === 0) throw new ExpressionError('Aggr takes an expression and at least one dimension');
  const ctx = evaluator.ctx;
  const fields = dimArgs.map((arg) => {
    const field = arg.kind === 'FieldRef' ? ctx.model.field(arg.name) : undefined;
    if (!field) {
      throw new ExpressionError(
        arg.kind === 'FieldRef' ? `field ${arg.name} not found` : 'the dimensions of Aggr must be fields',
      );
    }
    return field;
  });
  // The set of Aggr limits its rows; the inner aggregations keep the chart's records unless they have their own set.
  const masks = evaluator.masksOf(call);
  const dims = dimensionTables(fields);
  const join = joinTables(ctx.model, [...new Set(dims.map((dim) => dim.table))], masks);
  const groups = groupsOfJoin(dims, join, masks);
  const inside = evaluator.nested(groups);
  // Rank, Above … inside Aggr run over its rows in their sort order, one segment per value of all but the last dimension.
  const values = usesInterRecord(inner)
    ? evaluateInterRecord(inside, inner, aggrRowOrder(groups, fields, call), dims.map((_, d) => d).slice(0, -1))
    : inside.evaluate(inner);
  return { fields, groups, values, nodistinct: call.distinct === 'nodistinct' };
}

/**
 * The rows of an Aggr table in the order of its dimensions' sorts (`(Month, (NUMERIC, DESCENDING))`):
 * NUMERIC by number, TEXT by text, anything else by load order; DESCENDING, REVERSE and Z2A turn
 * it round. A dimension without a sort keeps load order. NULL sorts last.
 */
function aggrRowOrder(groups: Groups, fields: readonly ModelField[], call: FunctionCall): Int32Array {
  const steps = fields.map((field, d) => {
    const sort = call.argSorts?.[d + 1];
    const elems = groups.elems[d] as Int32Array;
    const sign = sort && ['DESCENDING', 'REVERSE', 'Z2A'].includes(sort.ordering) ? -1 : 1;
    const compareElems = (x: number, y: number): number => {
      if (sort?.sortType === 'NUMERIC') {
        const a = field.nums[x] as number;
        const b = field.nums[y] as number;
        if (!Number.isNaN(a) || !Number.isNaN(b)) return Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b;
      }
      if (sort?.sortType === 'TEXT') return compareText(field.values[x]?.text ?? '', field.values[y]?.text ?? '');
      return x - y;
    };
    return (a: number, b: number): number => {
      const x = elems[a] as number;
      const y = elems[b] as number;
      if (x < 0 || y < 0) return x === y ? 0 : x < 0 ? 1 : -1;
      return sign * compareElems(x, y);
    };
  });
  const rows = Array.from({ length: groups.count }, (_, g) => g);
  rows.sort((a, b) => {
    for (const step of steps) {
      const result = step(a, b);
      if (result !== 0) return result;
    }
    return a - b;
  });
  return Int32Array.from(rows);
}

/** A key field is read from a table another dimension uses, so the join stays small. */
function dimensionTables(fields: readonly ModelField[]): GroupDimension[] {
  const used = new Set<number>();
  for (const field of fields) if (field.tables.length === 1) used.add(field.tables[0] as number);
  return fields.map((field) => {
    const table = field.tables.find((t) => used.has(t)) ?? (field.tables[0] as number);
    used.add(table);
    return { field, table };
  });
}

/** Each joined record's cube group (or TOTAL group) and Aggr row. */
interface AggrPairs {
  readonly join: JoinedRecords;
  readonly tupleGroups: Int32Array;
  readonly count: number;
  readonly toCubeGroups: Int32Array | undefined;
  readonly aggrRows: Int32Array;
  readonly aggrTables: readonly number[];
}

function aggrPairs(
  evaluator: GroupEvaluator,
  table: AggrTable,
  masks: RowMasks,
  dimSlots: readonly number[],
): AggrPairs {
  const { fieldTables, dimTables } = evaluator.chooseTables(table.fields, dimSlots);
  const join = evaluator.join(masks, [...dimTables, ...fieldTables.values()]);
  const { tupleGroups, count, toCubeGroups } = evaluator.tupleGroups(join, dimSlots, dimTables);
  const columns = table.fields.map((field) => elementsOf(join, field, fieldTables.get(field) as number));
  const aggrRows = table.groups.index.ids(columns, join.length, false);
  return { join, tupleGroups, count, toCubeGroups, aggrRows, aggrTables: [...new Set(fieldTables.values())] };
}

/**
 * An aggregation whose argument holds Aggr (`Avg(Aggr(Sum(Sales), Customer))`), or a bare Aggr
 * used as a measure (as Only: a row's value when the Aggr rows it gets agree). Each cube row
 * aggregates the Aggr rows its records reach: with DISTINCT (the default) an Aggr row counts in one
 * cube row only, with NODISTINCT once per record in every row it reaches (see feedPairs).
 */
export function aggrAggregation(evaluator: GroupEvaluator, call: FunctionCall): AggregationResult {
  if (call.name.toLowerCase() === 'aggr') return bareAggr(evaluator, call);
  const argument = call.args[0] as Expression;
  const calls = aggrCalls(argument);
  const first = aggrTable(evaluator, calls[0] as FunctionCall);
  const others = calls.slice(1).map((other) => alignedValues(first, aggrTable(evaluator, other)));
  const pairs = aggrPairs(evaluator, first, evaluator.masksOf(call), evaluator.dimSlots(call));
  const aggregator = createAggregator(call.name, pairs.count, {
    distinct: call.distinct === 'distinct',
    params: evaluator.constantParams(call),
  });
  const valueAt = rowValues(argument, first, calls, others, evaluator);
  feedPairs(pairs, first, evaluator, (g, a) => aggregator.add(g, valueAt(a)));
  return evaluator.resultOf(aggregator, pairs.count, pairs.toCubeGroups);
}

function bareAggr(evaluator: GroupEvaluator, call: FunctionCall): AggregationResult {
  const table = aggrTable(evaluator, call);
  const pairs = aggrPairs(evaluator, table, evaluator.defaultMasks(), evaluator.dimSlots(call));
  const only = createAggregator('only', pairs.count, { distinct: false, params: [] });
  feedPairs(pairs, table, evaluator, (g, a) => only.add(g, table.values[a] ?? null));
  return evaluator.resultOf(only, pairs.count, pairs.toCubeGroups);
}

/**
 * Calls `add(g, a)` for the Aggr rows each (aggregation) group gets. DISTINCT: an Aggr row goes to
 * one group only, the first (lowest) its records reach — Qlik's "grain mismatch": Aggr over
 * Customer in a chart by Month counts a customer in one month only. NODISTINCT: once per record
 * of every group it reaches.
 */
function feedPairs(
  pairs: AggrPairs,
  table: AggrTable,
  evaluator: GroupEvaluator,
  add: (g: number, a: number) => void,
): void {
  const { join, tupleGroups, aggrRows } = pairs;
  if (table.nodistinct) {
    const dedupe = recordDeduper(join, pairs.aggrTables, (t) => evaluator.ctx.model.tables[t]?.rowCount ?? 0);
    for (let i = 0; i < join.length; i++) {
      const g = tupleGroups[i] as number;
      const a = aggrRows[i] as number;
      if (g >= 0 && a >= 0 && dedupe(g, i)) add(g, a);
    }
    return;
  }
  const owner = new Int32Array(table.groups.count).fill(-1);
  for (let i = 0; i < join.length; i++) {
    const g = tupleGroups[i] as number;
    const a = aggrRows[i] as number;
    if (g < 0 || a < 0) continue;
    const current = owner[a] as number;
    if (current < 0 || g < current) owner[a] = g;
  }
  owner.forEach((g, a) => {
    if (g >= 0) add(g, a);
  });
}

/** The values of another Aggr over the same dimensions, by the rows of `first`. */
function alignedValues(first: AggrTable, other: AggrTable): Cell[] {
  const same = first.fields.length === other.fields.length && first.fields.every((f, i) => other.fields[i] === f);
  if (!same) throw new ExpressionError('Aggr calls over different dimensions in one aggregation are not supported');
  const rows = other.groups.index.ids(first.groups.elems, first.groups.count, false);
  return Array.from(rows, (row) => (row < 0 ? null : (other.values[row] ?? null)));
}

/** The argument's value for each Aggr row (computed once per row). */
function rowValues(
  argument: Expression,
  first: AggrTable,
  calls: readonly FunctionCall[],
  others: readonly Cell[][],
  evaluator: GroupEvaluator,
): (a: number) => Cell {
  if (argument === calls[0]) return (a) => first.values[a] ?? null;
  const cache = new Map<number, Cell>();
  const scope = new AggrRowScope(evaluator, first, calls, others);
  return (a) => {
    let value = cache.get(a);
    if (value === undefined && !cache.has(a)) {
      scope.a = a;
      value = evaluateNode(argument, scope);
      cache.set(a, value);
    }
    return value ?? null;
  };
}

/** One row of an Aggr table: its Aggr values and its dimension values. */
class AggrRowScope extends ScopeBase {
  a = 0;
  constructor(
    private readonly evaluator: GroupEvaluator,
    private readonly first: AggrTable,
    private readonly calls: readonly FunctionCall[],
    private readonly others: readonly Cell[][],
  ) {
    super(evaluator.ctx.env);
  }
  field(name: string): Cell | undefined {
    const d = this.first.fields.findIndex((field) => field.name === name);
    if (d >= 0) return this.first.fields[d]?.value((this.first.groups.elems[d] as Int32Array)[this.a] as number);
    if (this.evaluator.ctx.model.field(name)) throw new ExpressionError(`field ${name} cannot be used here`);
    return undefined;
  }
  aggregate(call: FunctionCall): Cell {
    const index = this.calls.indexOf(call);
    if (index < 0) throw nestedAggregation();
    return index === 0 ? (this.first.values[this.a] ?? null) : (this.others[index - 1]?.[this.a] ?? null);
  }
}
