import type { Expression, FieldRef, FunctionCall, LoadQuery } from '@qixflow/script';
import { ExpressionError } from '../data/expressions/expression-error.js';
import {
  AGGREGATION_NAMES,
  type AggregatorOptions,
  createAggregator,
  type GroupAggregator,
  SORT_WEIGHT_ARGUMENT,
} from '../data/expressions/functions/aggregators.js';
import type { ColumnBuilder } from '../data/model/column-builder.js';
import type { Cell } from '../data/model/loaded-model.js';
import { ColumnTable } from './column-table.js';
import { beginLoad, endLoad } from './load-in-progress.js';
import type { RecordScope } from './record-scope.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';
import { toNumber, truthy } from './script-values.js';

/** An output field of a LOAD: its name and the expression computing it (`*` fields as references). */
export interface ProjectedField {
  readonly name: string;
  readonly expression: Expression;
}

/** One aggregation call of a LOAD's fields, and how its arguments are read. */
interface AggregationCall {
  readonly call: FunctionCall;
  /** Evaluated per record: the value aggregated. */
  readonly argument: Expression;
  /** Evaluated per record: Concat's and FirstSortedValue's sort weight. */
  readonly weight: Expression | undefined;
  /** Evaluated once: Concat's delimiter, a rank. */
  readonly params: readonly Expression[];
}

/**
 * How a LOAD with GROUP BY (or with aggregations and no GROUP BY: one group of every record)
 * builds its rows: the fields that key the groups, the aggregation calls, and the output fields
 * with each call replaced by a reference to its result in the group.
 */
export interface GroupingPlan {
  readonly keys: readonly string[];
  readonly aggregations: readonly AggregationCall[];
  readonly fields: readonly ProjectedField[];
}

/** Qlik's message (LOCERR_RELOAD_AGGREGATION_REQUIRED_BY_GROUP_BY) for a field neither grouped nor aggregated. */
const AGGREGATION_REQUIRED = 'Aggregation expressions required by GROUP BY clause.';

/** Names of the results in the group scope: no field name can hold a NUL. */
const resultName = (i: number): string => `\u0000aggregation ${i}`;

/**
 * The grouping plan of a LOAD, or undefined when it neither groups nor aggregates. Throws the
 * engine's script errors: a GROUP BY field the source does not have, a source field used outside
 * an aggregation without being grouped, an aggregation inside another or in WHERE / WHILE.
 */
export function planGrouping(
  query: LoadQuery,
  fields: readonly ProjectedField[],
  sourceFields: readonly string[],
): GroupingPlan | undefined {
  for (const clause of [query.where, query.while]) {
    if (clause && hasAggregation(clause)) throw new ExecutionError('Aggregations are not allowed in WHERE or WHILE');
  }
  if (query.groupBy.length === 0 && !fields.some((f) => hasAggregation(f.expression))) return undefined;
  const keys = query.groupBy.map((item) => {
    if (item.kind !== 'FieldRef') throw new ExecutionError('GROUP BY takes field names, not expressions');
    if (!sourceFields.includes(item.name)) throw new ExecutionError(`Field '${item.name}' not found`);
    return item.name;
  });
  const source = new Set(sourceFields);
  const grouped = new Set(keys);
  const aggregations: AggregationCall[] = [];
  const rewrite = (node: Expression): Expression => {
    switch (node.kind) {
      case 'FieldRef':
        if (source.has(node.name) && !grouped.has(node.name)) throw new ExecutionError(AGGREGATION_REQUIRED);
        return node;
      case 'UnaryExpression':
        return { ...node, operand: rewrite(node.operand) };
      case 'BinaryExpression':
        return { ...node, left: rewrite(node.left), right: rewrite(node.right) };
      case 'FunctionCall': {
        if (!isAggregation(node)) return { ...node, args: node.args.map(rewrite) };
        aggregations.push(aggregationCall(node));
        const ref: FieldRef = { kind: 'FieldRef', name: resultName(aggregations.length - 1), span: node.span };
        return ref;
      }
      default:
        return node;
    }
  };
  return { keys, aggregations, fields: fields.map((f) => ({ name: f.name, expression: rewrite(f.expression) })) };
}

/**
 * The rows of a grouping LOAD: one pass over the records (WHERE and WHILE as in any LOAD) feeds
 * each record to every aggregation of its group, then each group's row is computed. Groups come
 * out in the order of their first record, after ORDER BY (the documentation gives no order: the
 * simulator's choice). No records, no groups: an aggregation without GROUP BY over an empty table
 * gives no row, as a missing group gives none (also a choice; Qlik scripts guard such results
 * with `Alt(Peek(…), …)` either way). Memory grows with the groups (keys and aggregation states),
 * not with the records, except where an aggregation must keep values (Concat, Median, Stdev, Mode,
 * DISTINCT, a rank above 1).
 */
export async function groupRows(
  state: ScriptState,
  query: LoadQuery,
  plan: GroupingPlan,
  source: ColumnTable,
  order: Int32Array | undefined,
  scope: RecordScope,
): Promise<ColumnTable> {
  const { guard } = state;
  const aggregators = plan.aggregations.map((a) => new GrowingAggregator(aggregatorOptions(state, a), a.call.name));
  const groupOf = new Map<string | number, number>();
  const keyCells: Cell[] = [];
  const keyCount = plan.keys.length;
  const keyValues: Cell[] = new Array(keyCount);
  const count = source.rowCount;
  for (let r = 0; r < count; r++) {
    const record = order ? (order[r] as number) : r;
    for (let iter = 1; ; iter++) {
      scope.at(record, r + 1, r + 1, iter);
      if (query.while) {
        guard.iterate();
        if (!truthy(state.evaluate(query.while, scope))) break;
      }
      if (!query.where || truthy(state.evaluate(query.where, scope))) {
        for (let k = 0; k < keyCount; k++) keyValues[k] = scope.value(plan.keys[k] as string) ?? null;
        const key = groupKey(keyValues);
        let g = groupOf.get(key);
        if (g === undefined) {
          g = groupOf.size;
          groupOf.set(key, g);
          for (const cell of keyValues) keyCells.push(cell);
        }
        for (let a = 0; a < aggregators.length; a++) {
          const spec = plan.aggregations[a] as AggregationCall;
          const value = state.evaluate(spec.argument, scope);
          const aggregator = aggregators[a] as GrowingAggregator;
          if (spec.weight) aggregator.addWeighted(g, value, toNumber(state.evaluate(spec.weight, scope)));
          else aggregator.add(g, value);
        }
      }
      if (guard.due()) await guard.pause();
      if (!query.while) break;
    }
  }
  return groupOutput(state, query, plan, aggregators, keyCells, groupOf.size);
}

/**
 * Each group's row: its key values and aggregation results, read by the rewritten field
 * expressions. The inter-record functions see the groups' rows as the LOAD's (a running total
 * over groups: `RangeSum(Peek('Run'), Sum(Amount)) AS Run`).
 */
async function groupOutput(
  state: ScriptState,
  query: LoadQuery,
  plan: GroupingPlan,
  aggregators: readonly GrowingAggregator[],
  keyCells: readonly Cell[],
  groups: number,
): Promise<ColumnTable> {
  const { guard } = state;
  const keyCount = plan.keys.length;
  // The groups as records (keys, then results): Previous() reads the one before.
  const records = new ColumnTable([...plan.keys, ...aggregators.map((_, a) => resultName(a))]);
  const scope = state.recordScope(records);
  const width = plan.fields.length;
  const grow = state.growth(width);
  const out = new ColumnTable(plan.fields.map((f) => f.name));
  const load = beginLoad(state, query, out, scope);
  const record: Cell[] = new Array(keyCount + aggregators.length);
  const made: Cell[] = new Array(width);
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < keyCount; k++) record[k] = keyCells[g * keyCount + k] ?? null;
    for (let a = 0; a < aggregators.length; a++) record[keyCount + a] = (aggregators[a] as GrowingAggregator).result(g);
    records.pushRow(record);
    scope.at(g, g + 1, load.rowBase + g + 1, 1);
    // All cells first: Peek reads the rows made so far, not a half-made one.
    for (let c = 0; c < width; c++) made[c] = state.evaluate((plan.fields[c] as ProjectedField).expression, scope);
    for (let c = 0; c < width; c++) (out.columns[c] as ColumnBuilder).push(made[c] ?? null);
    load.accept(g);
    grow(g + 1);
    if (guard.due()) await guard.pause();
  }
  endLoad(state, load);
  return out;
}

function isAggregation(call: FunctionCall): boolean {
  const lower = call.name.toLowerCase();
  return AGGREGATION_NAMES.has(lower) && lower !== 'aggr';
}

function hasAggregation(node: Expression): boolean {
  switch (node.kind) {
    case 'UnaryExpression':
      return hasAggregation(node.operand);
    case 'BinaryExpression':
      return hasAggregation(node.left) || hasAggregation(node.right);
    case 'FunctionCall':
      return isAggregation(node) || node.args.some(hasAggregation);
    default:
      return false;
  }
}

/** Splits a call's arguments by role and refuses what the load script cannot aggregate. */
function aggregationCall(call: FunctionCall): AggregationCall {
  if (call.set !== null || call.total !== null) {
    throw new ExecutionError(`${call.name}: set analysis and TOTAL are only allowed in chart expressions`);
  }
  const [argument, ...rest] = call.args;
  if (!argument) throw new ExecutionError(`${call.name} takes at least one argument`);
  for (const arg of call.args) {
    if (hasAggregation(arg)) throw new ExecutionError(`Nested aggregation not allowed: ${call.name}`);
  }
  const weightAt = SORT_WEIGHT_ARGUMENT[call.name.toLowerCase()];
  const weight = weightAt === undefined ? undefined : call.args[weightAt];
  return { call, argument, weight, params: rest.filter((arg) => arg !== weight) };
}

/** The aggregator options of a call: its constant arguments are evaluated once, outside any record. */
function aggregatorOptions(state: ScriptState, spec: AggregationCall): AggregatorOptions {
  return {
    distinct: spec.call.distinct === 'distinct',
    params: spec.params.map((p) => state.evaluate(p, state.noRow())),
    weighted: spec.weight !== undefined,
  };
}

/**
 * A group's identity: numbers by value, texts by text, NULL as its own value (records with a NULL
 * key form a group of their own, as in Qlik).
 */
function groupKey(values: readonly Cell[]): string | number {
  if (values.length === 1) return cellKey(values[0] ?? null);
  let key = '';
  for (const cell of values) key += `${cellKey(cell)}\u0001`;
  return key;
}

function cellKey(cell: Cell): string | number {
  if (cell === null) return '\u0000';
  const num = toNumber(cell);
  return Number.isNaN(num) ? `t${cell.text}` : num;
}

const FIRST_CHUNK = 16;

/**
 * An aggregator over a number of groups not known in advance (groups appear as records are
 * read): chunks of doubling size, each an aggregator of the chart engine's kind, so the state
 * stays proportional to the groups and each chunk is allocated once.
 */
class GrowingAggregator {
  readonly #chunks: GroupAggregator[] = [];
  readonly #options: AggregatorOptions;
  readonly #name: string;

  constructor(options: AggregatorOptions, name: string) {
    this.#options = options;
    this.#name = name;
    // Made now, so that a bad call (an unknown aggregation, a bad rank) fails before any record.
    this.#chunk(0);
  }

  add(g: number, cell: Cell): void {
    const [chunk, offset] = this.#locate(g);
    chunk.add(offset, cell);
  }

  addWeighted(g: number, cell: Cell, weight: number): void {
    const [chunk, offset] = this.#locate(g);
    chunk.addWeighted?.(offset, cell, weight);
  }

  result(g: number): Cell {
    const [chunk, offset] = this.#locate(g);
    return scriptError(() => chunk.result(offset));
  }

  /** Chunk c holds groups 16·(2^c − 1) up to 16·(2^(c+1) − 1). */
  #locate(g: number): [GroupAggregator, number] {
    const c = 31 - Math.clz32((g >>> 4) + 1);
    return [this.#chunk(c), g - FIRST_CHUNK * ((1 << c) - 1)];
  }

  #chunk(c: number): GroupAggregator {
    let chunk = this.#chunks[c];
    if (!chunk) {
      const size = FIRST_CHUNK << c;
      chunk = scriptError(() => createAggregator(this.#name, size, this.#options));
      this.#chunks[c] = chunk;
    }
    return chunk;
  }
}

/** The chart engine's expression errors, as script errors (the statement runner adds the line). */
function scriptError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ExpressionError) throw new ExecutionError(error.message);
    throw error;
  }
}
