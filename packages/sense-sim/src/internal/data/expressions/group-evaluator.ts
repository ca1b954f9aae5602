import type { ModelField } from '../model/associative-model.js';
import type { Cell } from '../model/loaded-model.js';
import type { JoinedRecords } from '../model/record-join.js';
import type { RowMasks } from '../selections/propagate-selections.js';
import type { ChartContext } from './chart-context.js';
import type { Groups } from './chart-groups.js';
import type { EvaluationScope } from './evaluate-expression.js';
import type { GroupAggregator } from './functions/aggregators.js';
import type { Expression, FunctionCall } from './script-bridge.js';

/** An aggregation computed for every group: numbers (NaN for NULL) or, when not all numeric, cells. */
export interface AggregationResult {
  readonly nums: Float64Array | undefined;
  cells: Cell[] | undefined;
}

/** Each joined tuple's aggregation group, how many groups there are, and each cube group's one (TOTAL). */
export interface TupleGroups {
  tupleGroups: Int32Array;
  count: number;
  toCubeGroups: Int32Array | undefined;
}

/**
 * What `Aggr` and the chart inter-record functions (Above, Rank …) use of the evaluator that computes
 * a chart's expressions per group (`ChartEvaluator` is the one): they compute over its groups, its
 * records and its selections without depending on how it is made.
 */
export interface GroupEvaluator {
  readonly ctx: ChartContext;
  readonly groups: Groups;
  /** A scope over all possible records (no dimensions), for `=` variables used inside groups. */
  globalScope(): EvaluationScope;
  /** An evaluator over other groups under the same selections (the rows of an Aggr table). */
  nested(groups: Groups): GroupEvaluator;
  /** The value of `expression` in every group. */
  evaluate(expression: Expression): Cell[];
  /** The value of field `name` in group `g`: the group's own value for a dimension, else Only(name). */
  fieldValue(name: string, g: number): Cell | undefined;
  /** An aggregation's value in every group (computed once per call node). */
  aggregateAll(call: FunctionCall): Cell[];
  /** The extra arguments of an aggregation (Concat's delimiter, a rank), evaluated once. */
  constantParams(call: FunctionCall): Cell[];
  /** The records an aggregation runs over: its set's, else the evaluator's base masks. */
  masksOf(call: FunctionCall): RowMasks;
  /** The row masks of the current selections this evaluator computes under. */
  defaultMasks(): RowMasks;
  /** The dimensions an aggregation groups by: all of them; those named by TOTAL <F…>; none for a plain TOTAL. */
  dimSlots(call: FunctionCall): number[];
  /** An aggregator's results for every cube group (`toCubeGroups` maps a cube group to its aggregation group). */
  resultOf(aggregator: GroupAggregator, count: number, toCubeGroups: Int32Array | undefined): AggregationResult;
  /** Which table each field of an argument (and each kept dimension) is read from. */
  chooseTables(
    fields: readonly ModelField[],
    dimSlots: readonly number[],
  ): { fieldTables: Map<ModelField, number>; dimTables: number[] };
  /** Each tuple's aggregation group. */
  tupleGroups(join: JoinedRecords, dimSlots: readonly number[], dimTables: readonly number[]): TupleGroups;
  /** The records of `tables` joined under `masks`, cached. */
  join(masks: RowMasks, tables: readonly number[]): JoinedRecords;
}
