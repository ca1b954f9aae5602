import { type Cell, numberDual } from '../model/loaded-model.js';
import {
  boundedResult,
  type EvaluationEnvironment,
  type EvaluationScope,
  evaluateNode,
  type RowContext,
  resolveCall,
  rowScope,
} from './evaluate-expression.js';
import type { FunctionSpec } from './functions/function-types.js';
import type { BinaryExpression, Expression, FunctionCall, UnaryExpression } from './script-bridge.js';
import { checkTextLength } from './text-limit.js';
import { booleanCell, compareCells, isTrue, numberCell, textCell, textOf, toNumber } from './value-ops.js';

/** An expression made into a function of the scope it is evaluated in. */
type Compiled = (scope: EvaluationScope) => Cell;
/** An expression that is a number by construction, as a number: NaN is NULL, and it is never infinite. */
type CompiledNumber = (scope: EvaluationScope) => number;

/** What an expression compiles to: its value, and — when it is numeric by construction — its number. */
interface CompiledNode {
  readonly cell: Compiled;
  readonly number: CompiledNumber | undefined;
}

/**
 * A LOAD expression compiled once and bound to the record scope it runs in. `number` is there when
 * the expression is a number by construction (arithmetic, numeric functions such as Mod, Round,
 * RecNo): it gives the value without making a cell — NaN for NULL, never an infinity — so that a
 * column can take it as a number (see `ColumnBuilder.pushNumber`). `cell()` is the same value as a cell.
 */
export interface BoundExpression {
  cell(): Cell;
  readonly number: (() => number) | undefined;
}

const compiled = new WeakMap<Expression, CompiledNode>();

/**
 * {@link rowEvaluator} for the script's LOAD expressions, which run once per record: each
 * expression is turned once into a tree of closures — literals made once, each call's function
 * and argument count looked up once, its argument array reused — instead of being walked node by
 * node for every record. The closures call the evaluator's own operations (`numberCell`,
 * `compareCells`, the function table, `boundedResult`), so the values are the same; every node it
 * does not specialise (variables, `$(…)`, aggregations, set analysis, bit and text operators) is
 * handed to {@link evaluateNode} as it is. Numeric subexpressions (`Mod(RecNo(), 7) + 1`) are
 * computed as numbers, without a cell per intermediate value.
 */
export function compiledRowEvaluator(row: RowContext, env: EvaluationEnvironment): (expression: Expression) => Cell {
  const scope = rowScope(row, env);
  return (expression) => compile(expression).cell(scope);
}

/**
 * {@link compiledRowEvaluator} for a caller that evaluates the same expressions for every record
 * (a LOAD's fields, WHERE, WHILE): each is compiled and bound to the row context once, and called
 * without a lookup per record.
 */
export function compiledRowBinder(
  row: RowContext,
  env: EvaluationEnvironment,
): (expression: Expression) => BoundExpression {
  const scope = rowScope(row, env);
  return (expression) => {
    const { cell, number } = compile(expression);
    return { cell: () => cell(scope), number: number && (() => number(scope)) };
  };
}

function compile(node: Expression): CompiledNode {
  let fn = compiled.get(node);
  if (fn === undefined) {
    fn = compileNode(node);
    compiled.set(node, fn);
  }
  return fn;
}

/** A compiled node whose value is not known to be a number. */
function cellOnly(cell: Compiled): CompiledNode {
  return { cell, number: undefined };
}

/** A compiled node that is a number by construction: its cell is made from its number. */
function numeric(number: CompiledNumber): CompiledNode {
  return { cell: (scope) => numberCell(number(scope)), number };
}

/** An operand read as a number: numeric nodes without a cell, others through `toNumber`. */
function asNumber(node: CompiledNode): CompiledNumber {
  if (node.number) return node.number;
  const cell = node.cell;
  return (scope) => toNumber(cell(scope));
}

/** NaN for a result that is not finite (what `numberCell` makes NULL). */
function finite(num: number): number {
  return num - num === 0 ? num : Number.NaN;
}

function compileNode(node: Expression): CompiledNode {
  switch (node.kind) {
    case 'NumberLiteral': {
      const value = numberDual(node.value);
      const num = node.value;
      // A literal too big for a double stays the evaluator's (an infinite dual), not NULL.
      return { cell: () => value, number: Number.isFinite(num) ? () => num : undefined };
    }
    case 'StringLiteral': {
      const value = textCell(node.value);
      return cellOnly(() => value);
    }
    case 'FieldRef': {
      const name = node.name;
      if (name === '*') return cellOnly((scope) => evaluateNode(node, scope));
      // A field of the record; anything else (a variable) as the evaluator reads it.
      return cellOnly((scope) => {
        const value = scope.field(name);
        return value !== undefined ? value : evaluateNode(node, scope);
      });
    }
    case 'UnaryExpression':
      return compileUnary(node);
    case 'BinaryExpression':
      return compileBinary(node);
    case 'FunctionCall':
      return compileCall(node);
    default:
      return cellOnly((scope) => evaluateNode(node, scope));
  }
}

function compileUnary(node: UnaryExpression): CompiledNode {
  if (node.operator !== '-' && node.operator !== '+') return cellOnly((scope) => evaluateNode(node, scope));
  const operand = asNumber(compile(node.operand));
  return node.operator === '-' ? numeric((s) => finite(-operand(s))) : numeric((s) => finite(operand(s)));
}

function compileBinary(node: BinaryExpression): CompiledNode {
  switch (node.operator) {
    case '+':
    case '-':
    case '*':
    case '/':
      return numeric(arithmetic(node.operator, asNumber(compile(node.left)), asNumber(compile(node.right))));
    default:
      return cellOnly(compileOther(node, compile(node.left).cell, compile(node.right).cell));
  }
}

/** `+ - * /` over numbers (the left operand first, as the evaluator computes them); x / 0 is NULL. */
function arithmetic(operator: '+' | '-' | '*' | '/', left: CompiledNumber, right: CompiledNumber): CompiledNumber {
  switch (operator) {
    case '+':
      return (s) => finite(left(s) + right(s));
    case '-':
      return (s) => finite(left(s) - right(s));
    case '*':
      return (s) => finite(left(s) * right(s));
    case '/':
      return (s) => {
        const dividend = left(s);
        const divisor = right(s);
        return divisor === 0 ? Number.NaN : finite(dividend / divisor);
      };
  }
}

function compileOther(node: BinaryExpression, left: Compiled, right: Compiled): Compiled {
  switch (node.operator) {
    case '&':
      return (s) => {
        const a = left(s);
        const b = right(s);
        if (a === null && b === null) return null;
        const text = textOf(a);
        const more = textOf(b);
        checkTextLength(text.length + more.length, "'&'");
        return textCell(text + more);
      };
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const operator = node.operator;
      return (s) => compareCells(left(s), operator, right(s));
    }
    // Both sides are evaluated, as the evaluator does (an error on the right is not skipped).
    case 'and':
      return (s) => {
        const a = isTrue(left(s));
        const b = isTrue(right(s));
        return booleanCell(a && b);
      };
    case 'or':
      return (s) => {
        const a = isTrue(left(s));
        const b = isTrue(right(s));
        return booleanCell(a || b);
      };
    default:
      return (s) => evaluateNode(node, s);
  }
}

function compileCall(call: FunctionCall): CompiledNode {
  const fallback = cellOnly((scope) => evaluateNode(call, scope));
  if (call.set !== null || call.total !== null || call.distinct !== null) return fallback;
  const found = resolveCall(call);
  // Compiled expressions run in the load script, where chart functions are what they fall back to.
  const resolved = found.kind === 'chart' ? found.fallback : found;
  if (resolved.kind === 'if') {
    if (call.args.length < 2 || call.args.length > 3) return fallback;
    const condition = compile(call.args[0] as Expression).cell;
    const then = compile(call.args[1] as Expression).cell;
    const otherwise = call.args[2] === undefined ? undefined : compile(call.args[2]).cell;
    return cellOnly((s) => (isTrue(condition(s)) ? then(s) : otherwise === undefined ? null : otherwise(s)));
  }
  if (resolved.kind !== 'scalar') return fallback;
  const spec = resolved.spec;
  const count = call.args.length;
  if (count < spec.min || count > spec.max) return fallback;
  const args = call.args.map(compile);
  if (spec.numeric) return numeric(numericCall(spec.numeric, args.map(asNumber)));
  const cells = args.map((arg) => arg.cell);
  const name = call.name;
  return cellOnly((scope) => {
    // A new array per call: a function may keep its arguments (and calls nest).
    const values: Cell[] = new Array(count);
    for (let i = 0; i < count; i++) values[i] = (cells[i] as Compiled)(scope);
    return boundedResult(spec.fn(values, scope), name);
  });
}

/** A call of a numeric function: its arguments as numbers (left out: the spec's defaults), no cells. */
function numericCall(numeric: NonNullable<FunctionSpec['numeric']>, args: readonly CompiledNumber[]): CompiledNumber {
  const { kernel, defaults } = numeric;
  const a = args[0];
  const b = args[1];
  const c = args[2];
  const da = defaults[0] ?? Number.NaN;
  const db = defaults[1] ?? Number.NaN;
  const dc = defaults[2] ?? Number.NaN;
  if (a === undefined) return (s) => finite(kernel(da, db, dc, s));
  if (b === undefined) return (s) => finite(kernel(a(s), db, dc, s));
  if (c === undefined) return (s) => finite(kernel(a(s), b(s), dc, s));
  return (s) => {
    // In argument order, as the evaluator computes them.
    const x = a(s);
    const y = b(s);
    return finite(kernel(x, y, c(s), s));
  };
}
