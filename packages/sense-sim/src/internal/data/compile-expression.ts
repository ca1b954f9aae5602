import {
  boundedResult,
  type EvaluationEnvironment,
  type EvaluationScope,
  evaluateNode,
  type RowContext,
  resolveCall,
  rowScope,
} from './evaluate-expression.js';
import { type Cell, numberDual } from './loaded-model.js';
import type { BinaryExpression, Expression, FunctionCall } from './script-bridge.js';
import { checkTextLength } from './text-limit.js';
import { booleanCell, compareCells, isTrue, numberCell, textCell, textOf, toNumber } from './value-ops.js';

/** An expression made into a function of the scope it is evaluated in. */
type Compiled = (scope: EvaluationScope) => Cell;

const compiled = new WeakMap<Expression, Compiled>();

/**
 * {@link rowEvaluator} for the script's LOAD expressions, which run once per record: each
 * expression is turned once into a tree of closures — literals made once, each call's function
 * and argument count looked up once, its argument array reused — instead of being walked node by
 * node for every record. The closures call the evaluator's own operations (`numberCell`,
 * `compareCells`, the function table, `boundedResult`), so the values are the same; every node it
 * does not specialise (variables, `$(…)`, aggregations, set analysis, bit and text operators) is
 * handed to {@link evaluateNode} as it is.
 */
export function compiledRowEvaluator(row: RowContext, env: EvaluationEnvironment): (expression: Expression) => Cell {
  const scope = rowScope(row, env);
  return (expression) => compile(expression)(scope);
}

function compile(node: Expression): Compiled {
  let fn = compiled.get(node);
  if (fn === undefined) {
    fn = compileNode(node);
    compiled.set(node, fn);
  }
  return fn;
}

function compileNode(node: Expression): Compiled {
  switch (node.kind) {
    case 'NumberLiteral': {
      const value = numberDual(node.value);
      return () => value;
    }
    case 'StringLiteral': {
      const value = textCell(node.value);
      return () => value;
    }
    case 'FieldRef': {
      const name = node.name;
      if (name === '*') return (scope) => evaluateNode(node, scope);
      // A field of the record; anything else (a variable) as the evaluator reads it.
      return (scope) => {
        const value = scope.field(name);
        return value !== undefined ? value : evaluateNode(node, scope);
      };
    }
    case 'BinaryExpression':
      return compileBinary(node);
    case 'FunctionCall':
      return compileCall(node);
    default:
      return (scope) => evaluateNode(node, scope);
  }
}

function compileBinary(node: BinaryExpression): Compiled {
  const left = compile(node.left);
  const right = compile(node.right);
  switch (node.operator) {
    case '+':
      return (s) => numberCell(toNumber(left(s)) + toNumber(right(s)));
    case '-':
      return (s) => numberCell(toNumber(left(s)) - toNumber(right(s)));
    case '*':
      return (s) => numberCell(toNumber(left(s)) * toNumber(right(s)));
    case '/':
      return (s) => {
        const dividend = toNumber(left(s));
        const divisor = toNumber(right(s));
        return divisor === 0 ? null : numberCell(dividend / divisor);
      };
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

function compileCall(call: FunctionCall): Compiled {
  const fallback: Compiled = (scope) => evaluateNode(call, scope);
  if (call.set !== null || call.total !== null || call.distinct !== null) return fallback;
  const found = resolveCall(call);
  // Compiled expressions run in the load script, where chart functions are what they fall back to.
  const resolved = found.kind === 'chart' ? found.fallback : found;
  if (resolved.kind === 'if') {
    if (call.args.length < 2 || call.args.length > 3) return fallback;
    const condition = compile(call.args[0] as Expression);
    const then = compile(call.args[1] as Expression);
    const otherwise = call.args[2] === undefined ? undefined : compile(call.args[2]);
    return (s) => (isTrue(condition(s)) ? then(s) : otherwise === undefined ? null : otherwise(s));
  }
  if (resolved.kind !== 'scalar') return fallback;
  const spec = resolved.spec;
  const count = call.args.length;
  if (count < spec.min || count > spec.max) return fallback;
  const args = call.args.map(compile);
  const name = call.name;
  return (scope) => {
    // A new array per call: a function may keep its arguments (and calls nest).
    const values: Cell[] = new Array(count);
    for (let i = 0; i < count; i++) values[i] = (args[i] as Compiled)(scope);
    return boundedResult(spec.fn(values, scope), name);
  };
}
