import { aggrCalls, aggrTable } from '../expressions/aggr.js';
import type { ChartContext } from '../expressions/chart-context.js';
import { ChartEvaluator } from '../expressions/chart-evaluator.js';
import { parseChartExpression } from '../expressions/chart-expression.js';
import { singleGroup } from '../expressions/chart-groups.js';
import { nestedAggregation } from '../expressions/chart-records.js';
import { evaluateNode, ScopeBase } from '../expressions/evaluate-expression.js';
import { ExpressionError } from '../expressions/expression-error.js';
import { AGGREGATION_NAMES } from '../expressions/functions/aggregators.js';
import type { Expression, FunctionCall } from '../expressions/script-bridge.js';
import { ModelField } from '../model/associative-model.js';
import type { Cell } from '../model/loaded-model.js';

/** A calculated dimension made into a field of its own: its values, and their column in one table. */
export interface CalculatedField {
  readonly field: ModelField;
  readonly table: number;
}

/**
 * Evaluates a calculated dimension (`=If(Amount > 100, 'big', 'small')`, `=Aggr(Sum(Sales), Customer)`)
 * for every record of the table holding the fields it reads, and makes the results a field of
 * their own (element numbers in order of first appearance, NULL as -1) with a column in that
 * table: the cube then groups, joins, sorts and aggregates by it as by any field. Aggregations
 * must sit inside Aggr, whose dimensions must be in that table too; an expression reading no
 * field has its one value on every record of every table.
 */
export function calculatedField(text: string, ctx: ChartContext): CalculatedField {
  const expression = parseChartExpression(text, ctx);
  const calls = aggrCalls(expression);
  const names = new Set<string>();
  collectFields(expression, names);
  for (const call of calls) {
    for (const arg of call.args.slice(1)) if (arg.kind === 'FieldRef') names.add(arg.name);
  }
  const fields = [...names].flatMap((name) => {
    const field = ctx.model.field(name);
    return field ? [field] : [];
  });
  const field = new ModelField(-1, text.trim(), false);
  const dataTables = ctx.model.tables.filter((table) => !table.isSystem && !table.derived).map((t) => t.index);
  const common = dataTables.filter((t) => fields.every((f) => f.tables.includes(t)));
  const table = common[0];
  if (table === undefined) {
    throw new ExpressionError(`calculated dimension ${text.trim()} reads fields of several tables (not supported)`);
  }
  const rowCount = ctx.model.tables[table]?.rowCount ?? 0;
  const evaluator = new ChartEvaluator(ctx, singleGroup());
  const aggrRows = calls.map((call) => {
    const aggr = aggrTable(evaluator, call);
    const columns = aggr.fields.map((f) => f.columns.get(table) ?? new Int32Array(rowCount).fill(-1));
    return { values: aggr.values, rows: aggr.groups.index.ids(columns, rowCount, false) };
  });
  const scope = new RecordScope(ctx, fields, table, calls, aggrRows);
  const column = new Int32Array(rowCount);
  const known = new Map<string, number>();
  for (let row = 0; row < rowCount; row++) {
    scope.row = row;
    const key = scope.key();
    let elem = known.get(key);
    if (elem === undefined) {
      const value = evaluateNode(expression, scope);
      elem = value === null ? -1 : field.intern(value);
      known.set(key, elem);
    }
    column[row] = elem;
  }
  const rowsOf = (t: number): number => ctx.model.tables[t]?.rowCount ?? 0;
  finishField(field, fields.length === 0 ? dataTables : [table], column, rowsOf);
  return { field, table };
}

/** Model fields read outside Aggr (names that are no field are variables and stay out). */
function collectFields(node: Expression, out: Set<string>): void {
  switch (node.kind) {
    case 'FieldRef':
      out.add(node.name);
      return;
    case 'UnaryExpression':
      collectFields(node.operand, out);
      return;
    case 'BinaryExpression':
      collectFields(node.left, out);
      collectFields(node.right, out);
      return;
    case 'FunctionCall': {
      const name = node.name.toLowerCase();
      if (name === 'aggr') return;
      if (AGGREGATION_NAMES.has(name)) throw nestedAggregation();
      for (const arg of node.args) collectFields(arg, out);
      return;
    }
    default:
      return;
  }
}

/** The field's column in its tables (one value everywhere when it reads no field), its numbers and kind. */
function finishField(
  field: ModelField,
  tables: readonly number[],
  column: Int32Array,
  rowsOf: (table: number) => number,
): void {
  if (tables.length === 1) field.columns.set(tables[0] as number, column);
  else {
    // No field read: the one value (if the expression gave one) on every record.
    const elem = field.values.length > 0 ? 0 : -1;
    for (const table of tables) field.columns.set(table, new Int32Array(rowsOf(table)).fill(elem));
  }
  field.tables.push(...tables);
  field.nums = Float64Array.from(field.values, (value) => value.num);
  const numeric = field.values.filter((value) => !Number.isNaN(value.num)).length;
  field.kind = {
    hasNumbers: numeric > 0,
    allNumeric: numeric === field.values.length && numeric > 0,
    allIntegers: numeric === field.values.length && field.values.every((value) => Number.isInteger(value.num)),
    allText: numeric === 0,
    allAscii: field.values.every((value) => /^[\x20-\x7e]*$/.test(value.text)),
    isDate: false,
    isTimestamp: false,
  };
}

/** One record of the calculated dimension's table. */
class RecordScope extends ScopeBase {
  row = 0;
  constructor(
    ctx: ChartContext,
    private readonly fields: readonly ModelField[],
    private readonly table: number,
    private readonly calls: readonly FunctionCall[],
    private readonly aggrRows: readonly { readonly values: readonly Cell[]; readonly rows: Int32Array }[],
  ) {
    super(ctx.env);
  }
  /** What the value depends on: the record's element numbers of the fields read and its Aggr rows. */
  key(): string {
    const parts: number[] = [];
    for (const field of this.fields) parts.push((field.columns.get(this.table) as Int32Array)[this.row] as number);
    for (const aggr of this.aggrRows) parts.push(aggr.rows[this.row] as number);
    return parts.join(',');
  }
  field(name: string): Cell | undefined {
    const field = this.fields.find((f) => f.name === name);
    if (!field) return undefined;
    return field.value((field.columns.get(this.table) as Int32Array)[this.row] as number);
  }
  aggregate(call: FunctionCall): Cell {
    const index = this.calls.indexOf(call);
    if (index < 0) throw nestedAggregation();
    const aggr = this.aggrRows[index];
    const row = aggr?.rows[this.row] ?? -1;
    return row < 0 ? null : (aggr?.values[row] ?? null);
  }
}
