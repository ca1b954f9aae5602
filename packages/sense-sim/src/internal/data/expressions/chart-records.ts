import type { ModelField } from '../model/associative-model.js';
import type { Cell } from '../model/loaded-model.js';
import type { JoinedRecords } from '../model/record-join.js';
import type { ChartContext } from './chart-context.js';
import { type EvaluationEnvironment, type EvaluationScope, parseCached, ScopeBase } from './evaluate-expression.js';
import { ExpressionError } from './expression-error.js';
import { AGGREGATION_NAMES } from './functions/aggregators.js';
import type { Expression, FunctionCall } from './script-bridge.js';

// What the chart evaluator reads records through: joined tuples, their fields, the checks on an aggregation's argument.

/** Per tuple, the element number of `field` read from `table` (-1 for NULL or no row). */
export function elementsOf(join: JoinedRecords, field: ModelField, table: number): Int32Array {
  const slot = join.tables.indexOf(table);
  const column = field.columns.get(table);
  // Every row of the field's own table, in order: the column is the answer (callers never write to it).
  if (join.identity === true && slot === 0 && column) return column;
  const out = new Int32Array(join.length).fill(-1);
  const rows = join.rows[slot];
  if (slot < 0 || !column || !rows) return out;
  for (let i = 0; i < join.length; i++) {
    const row = rows[i] as number;
    if (row >= 0) out[i] = column[row] as number;
  }
  return out;
}

/** The span of nodes the engine makes itself (the `Only(field)` of a bare field). */
export const SYNTHETIC_SPAN = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

/** How a field is read per joined tuple: the tuple's row of the field's table, and the field's column there. */
export interface FieldAccessor {
  readonly field: ModelField;
  readonly rows: Int32Array;
  readonly column: Int32Array;
}

/** The scope of one joined record inside an aggregation. */
export class TupleScope extends ScopeBase {
  i = 0;
  constructor(
    private readonly chart: ChartContext,
    private readonly accessors: ReadonlyMap<string, FieldAccessor>,
    private readonly globalOf: () => EvaluationScope,
  ) {
    super(chart.env);
  }
  global(): EvaluationScope {
    return this.globalOf();
  }
  field(name: string): Cell | undefined {
    const accessor = this.accessors.get(name);
    if (!accessor) {
      if (this.chart.model.field(name)) throw new ExpressionError(`field ${name} cannot be used here`);
      return undefined;
    }
    const row = accessor.rows[this.i] as number;
    return row < 0 ? null : accessor.field.value(accessor.column[row] as number);
  }
  aggregate(_call: FunctionCall): Cell {
    throw nestedAggregation();
  }
}

/** For the non-aggregated arguments of an aggregation (Concat's delimiter, a rank). */
export class ConstantScope extends ScopeBase {
  constructor(
    env: EvaluationEnvironment,
    private readonly owner: string,
  ) {
    super(env);
  }
  field(name: string): Cell | undefined {
    if (this.env.variable(name) !== undefined) return undefined;
    throw new ExpressionError(`the extra arguments of ${this.owner} must be constants, found field ${name}`);
  }
  aggregate(_call: FunctionCall): Cell {
    throw nestedAggregation();
  }
}

/** The model fields an aggregation argument reads, following variables; nested aggregations are errors. */
export function argumentFields(expression: Expression, ctx: ChartContext): ModelField[] {
  const out = new Set<ModelField>();
  const walk = (node: Expression, depth: number): void => {
    if (depth > 32) return;
    switch (node.kind) {
      case 'FieldRef': {
        const field = ctx.model.field(node.name);
        if (field) out.add(field);
        else walkText(ctx.env.variable(node.name), depth);
        return;
      }
      case 'DollarExpansion':
        if (node.form === 'expression') walkText(node.args[0], depth);
        else if (node.name !== null) walkText(ctx.env.variable(node.name), depth);
        return;
      case 'UnaryExpression':
        walk(node.operand, depth);
        return;
      case 'BinaryExpression':
        walk(node.left, depth);
        walk(node.right, depth);
        return;
      case 'FunctionCall':
        if (AGGREGATION_NAMES.has(node.name.toLowerCase())) {
          throw nestedAggregation();
        }
        for (const arg of node.args) walk(arg, depth);
        return;
      default:
        return;
    }
  };
  const walkText = (text: string | undefined, depth: number): void => {
    if (text === undefined) return;
    try {
      walk(parseCached(text.trim().replace(/^=/, '')), depth + 1);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
    }
  };
  walk(expression, 0);
  return [...out];
}

/**
 * A filter letting each record of the argument's tables count once per group: the join may repeat
 * a record (an order joined to several rows of another table), and Qlik aggregates records, not tuples.
 */
export function recordDeduper(
  join: JoinedRecords,
  argTables: readonly number[],
  tableRows: (table: number) => number,
): (g: number, i: number) => boolean {
  const always = (): boolean => true;
  if (join.tables.length <= 1 || argTables.length === 0) return always;
  const slots = argTables.map((table) => join.tables.indexOf(table));
  if (slots.length === 1) {
    const rows = join.rows[slots[0] as number] as Int32Array;
    const seen = new Uint8Array(tableRows(argTables[0] as number));
    let repeated = false;
    for (let i = 0; i < join.length && !repeated; i++) {
      const row = rows[i] as number;
      if (row < 0) continue;
      if (seen[row] === 1) repeated = true;
      else seen[row] = 1;
    }
    if (!repeated) return always;
    const taken = new Set<number>();
    const width = seen.length + 1;
    return (g, i) => {
      const key = g * width + ((rows[i] as number) + 1);
      if (taken.has(key)) return false;
      taken.add(key);
      return true;
    };
  }
  const taken = new Set<string>();
  return (g, i) => {
    const key = `${g}:${slots.map((slot) => (join.rows[slot] as Int32Array)[i]).join(',')}`;
    if (taken.has(key)) return false;
    taken.add(key);
    return true;
  };
}

/** Compiles arithmetic over fields and numbers to a closure over tuple indexes; undefined for anything else. */
export function compileNumeric(
  expression: Expression,
  accessors: ReadonlyMap<string, FieldAccessor>,
): ((i: number) => number) | undefined {
  switch (expression.kind) {
    case 'NumberLiteral': {
      const value = expression.value;
      return () => value;
    }
    case 'FieldRef': {
      const accessor = accessors.get(expression.name);
      if (!accessor) return undefined;
      const { rows, column } = accessor;
      const nums = accessor.field.nums;
      return (i) => {
        const row = rows[i] as number;
        if (row < 0) return Number.NaN;
        const elem = column[row] as number;
        return elem < 0 ? Number.NaN : (nums[elem] as number);
      };
    }
    case 'UnaryExpression': {
      if (expression.operator !== '-' && expression.operator !== '+') return undefined;
      const operand = compileNumeric(expression.operand, accessors);
      if (!operand) return undefined;
      return expression.operator === '-' ? (i) => -operand(i) : operand;
    }
    case 'BinaryExpression': {
      const op = expression.operator;
      if (op !== '+' && op !== '-' && op !== '*' && op !== '/') return undefined;
      const left = compileNumeric(expression.left, accessors);
      const right = compileNumeric(expression.right, accessors);
      if (!left || !right) return undefined;
      if (op === '+') return (i) => left(i) + right(i);
      if (op === '-') return (i) => left(i) - right(i);
      if (op === '*') return (i) => left(i) * right(i);
      return (i) => {
        const divisor = right(i);
        return divisor === 0 ? Number.NaN : left(i) / divisor;
      };
    }
    default:
      return undefined;
  }
}

/** The engine's error for an aggregation inside another one without Aggr between them (`Sum(Count(x))`). */
export function nestedAggregation(): ExpressionError {
  return new ExpressionError('Nested aggregation not allowed');
}
