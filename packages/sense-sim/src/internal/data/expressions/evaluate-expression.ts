import type { FormatSettings } from '../formats/format-settings.js';
import { type Cell, isPlainNumber, numberDual } from '../model/loaded-model.js';
import { ExpressionError, unsupportedFunction } from './expression-error.js';
import { AGGREGATION_NAMES, createAggregator } from './functions/aggregators.js';
import type { FunctionContext, FunctionSpec, MappingTable } from './functions/function-types.js';
import { scalarFunction } from './functions/scalar-functions.js';
import {
  type BinaryExpression,
  type DollarExpansion,
  type Expression,
  expandDollars,
  type FunctionCall,
  parseExpressionText,
  wildcardMatch,
} from './script-bridge.js';
import { checkTextLength } from './text-limit.js';
import { booleanCell, compareCells, compareText, isTrue, numberCell, textCell, textOf, toNumber } from './value-ops.js';

/** What expressions may read besides field values: variables, formats, the clock, mapping tables. */
export interface EvaluationEnvironment {
  readonly settings: FormatSettings;
  /** A variable's definition text, or undefined when there is no such variable. */
  variable(name: string): string | undefined;
  /** The current time in ms since the Unix epoch; `Date.now()` when left out. */
  now?(): number;
  /** A mapping table for ApplyMap. */
  mapping?(name: string): MappingTable | undefined;
  /**
   * Functions the caller adds (the script executor: Peek, Previous, Exists, TableNumber …): return
   * undefined when `call` is not one of them. They get the call unevaluated, because some read an
   * argument as a name (`Peek(Amount)`, `Exists(OrderID)`) or against another record
   * (`Previous(expr)`); `evaluate` computes an argument in the current row.
   */
  callFunction?(call: FunctionCall, evaluate: (argument: Expression) => Cell): Cell | undefined;
}

/**
 * Where an expression is evaluated: field values of the current row (or chart group), how
 * aggregations are computed there, and the function context.
 */
export interface EvaluationScope extends FunctionContext {
  readonly env: EvaluationEnvironment;
  /** A field's value here; undefined when `name` is not a field (it is then read as a variable). */
  field(name: string): Cell | undefined;
  /** The value of an aggregation call here. */
  aggregate(call: FunctionCall): Cell;
  /**
   * Where `=` variables and `$(=…)` are computed: once over all possible records, not per chart
   * row (the engine computes such a variable once). Left out: this scope.
   */
  global?(): EvaluationScope;
  /**
   * Chart functions that read other rows of the chart (Above, RowNo, Rank …) and range functions
   * over them: the value of `call` here, or undefined to evaluate it as usual.
   */
  chartFunction?(call: FunctionCall): Cell | undefined;
}

/**
 * A row for scalar evaluation, as the script executor provides it for LOAD expressions: field
 * values by name, record counters and, for `GROUP BY` loads, the rows of the current group
 * (aggregations run over them).
 */
export interface RowContext {
  /** The value of `field` in this row; undefined when the row has no such field. */
  value(field: string): Cell | undefined;
  recNo?(): number;
  rowNo?(): number;
  iterNo?(): number;
  groupRows?(): readonly RowContext[];
}

/** The FunctionContext part of a scope, from an environment. */
export abstract class ScopeBase implements EvaluationScope {
  readonly env: EvaluationEnvironment;
  readonly settings: FormatSettings;

  constructor(env: EvaluationEnvironment) {
    this.env = env;
    this.settings = env.settings;
  }

  abstract field(name: string): Cell | undefined;
  abstract aggregate(call: FunctionCall): Cell;

  now(): number {
    return this.env.now?.() ?? Date.now();
  }

  utcOffsetMinutes(ms: number): number {
    return -new Date(ms).getTimezoneOffset();
  }

  recNo(): number {
    throw new ExpressionError('RecNo() is only available in the load script');
  }

  rowNo(): number {
    throw new ExpressionError('RowNo() is not supported here');
  }

  iterNo(): number {
    throw new ExpressionError('IterNo() is only available in the load script');
  }

  mapping(name: string): MappingTable | undefined {
    return this.env.mapping?.(name);
  }
}

/** A scope over one row of a RowContext. */
class RowScope extends ScopeBase {
  constructor(
    env: EvaluationEnvironment,
    private readonly row: RowContext,
  ) {
    super(env);
  }

  field(name: string): Cell | undefined {
    return this.row.value(name);
  }

  override recNo(): number {
    return this.row.recNo ? this.row.recNo() : super.recNo();
  }

  override rowNo(): number {
    return this.row.rowNo ? this.row.rowNo() : super.rowNo();
  }

  override iterNo(): number {
    return this.row.iterNo ? this.row.iterNo() : super.iterNo();
  }

  aggregate(call: FunctionCall): Cell {
    const rows = this.row.groupRows?.();
    if (!rows) throw new ExpressionError(`aggregation function ${call.name} is not allowed here`);
    if (call.name.toLowerCase() === 'aggr') throw new ExpressionError('Aggr is only allowed in chart expressions');
    if (call.set !== null || call.total !== null) {
      throw new ExpressionError(`set analysis and TOTAL are only allowed in chart expressions`);
    }
    const [argument, ...rest] = call.args;
    if (!argument) throw new ExpressionError(`${call.name} takes at least one argument`);
    const params = rest.map((arg) => evaluateNode(arg, this));
    const aggregator = createAggregator(call.name, 1, { distinct: call.distinct === 'distinct', params });
    for (const row of rows) {
      // Only values: an aggregation nested in this one must not see the group again.
      const scope = new RowScope(this.env, { value: (name) => row.value(name) });
      aggregator.add(0, evaluateNode(argument, scope));
    }
    return aggregator.result(0);
  }
}

/**
 * Evaluates an expression for one row (the script executor's LOAD expressions, WHERE clauses …):
 * fields come from `row`, unknown names from the environment's variables, aggregations run over
 * `row.groupRows()` when there are some.
 *
 * @example
 * evaluateRow(parseExpressionText("Upper(Name) & '!'"), { value: () => ({ text: 'ann', num: NaN }) }, env);
 * // { text: 'ANN!', num: NaN }
 */
export function evaluateRow(expression: Expression, row: RowContext, env: EvaluationEnvironment): Cell {
  return evaluateNode(expression, new RowScope(env, row));
}

/** The scope {@link evaluateRow} evaluates in, for callers that evaluate many times over one row context. */
export function rowScope(row: RowContext, env: EvaluationEnvironment): EvaluationScope {
  return new RowScope(env, row);
}

const parseCache = new Map<string, Expression>();
const PARSE_CACHE_LIMIT = 5000;

/** Parses `text` once (expressions are evaluated many times; their ASTs are immutable). */
export function parseCached(text: string): Expression {
  let expression = parseCache.get(text);
  if (!expression) {
    expression = parseExpressionText(text);
    if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
    parseCache.set(text, expression);
  }
  return expression;
}

/**
 * The text of a chart expression after `$(…)` expansion with the environment's variables, where
 * `$(=expr)` is computed by `evaluate`.
 */
export function expandExpression(
  text: string,
  env: EvaluationEnvironment,
  evaluate: (expression: string) => string | undefined,
): string {
  // `$(v)` of a variable defined as `=expr` expands to the expression's value, as in Qlik.
  return expandDollars(
    text,
    (name) => {
      const definition = env.variable(name);
      if (definition === undefined || !definition.trimStart().startsWith('=')) return definition;
      return evaluate(definition.trimStart().slice(1)) ?? '';
    },
    evaluate,
  );
}

/** What `*` in `Count(*)` is for each record: a value that is never NULL. */
const EVERY_RECORD = numberDual(1);

// Variables that refer to themselves would recurse forever.
let variableDepth = 0;
const MAX_VARIABLE_DEPTH = 32;

/** Evaluates an expression node in a scope. */
export function evaluateNode(node: Expression, scope: EvaluationScope): Cell {
  switch (node.kind) {
    case 'NumberLiteral':
      return numberDual(node.value);
    case 'StringLiteral':
      return textCell(node.value);
    case 'FieldRef': {
      // `Count(*)`: every record counts, whatever its fields hold.
      if (node.name === '*') return EVERY_RECORD;
      const value = scope.field(node.name);
      if (value !== undefined) return value;
      const definition = scope.env.variable(node.name);
      if (definition === undefined) throw new ExpressionError(`field ${node.name} not found`);
      return evaluateVariable(definition, scope);
    }
    case 'DollarExpansion':
      return evaluateDollar(node, scope);
    case 'UnaryExpression': {
      const operand = evaluateNode(node.operand, scope);
      switch (node.operator) {
        case '-':
          return numberCell(-toNumber(operand));
        case '+':
          return numberCell(toNumber(operand));
        case 'not':
          return booleanCell(!isTrue(operand));
        case 'bitnot': {
          const num = toNumber(operand);
          return Number.isNaN(num) ? null : numberCell(~Math.trunc(num));
        }
      }
      return null;
    }
    case 'BinaryExpression':
      return evaluateBinary(node, scope);
    case 'FunctionCall':
      return evaluateCall(node, scope);
    case 'InvalidExpression':
      throw new ExpressionError(`invalid expression: ${node.text}`);
  }
}

/**
 * A variable used by name: an `=` definition is computed; a number is that number; other text is
 * read as an expression (so `vSales` holding `Sum(Sales)` computes the sum, as in a chart), and
 * stays text when it is not one.
 */
function evaluateVariable(definition: string, scope: EvaluationScope): Cell {
  const trimmed = definition.trim();
  if (variableDepth >= MAX_VARIABLE_DEPTH) throw new ExpressionError('variables refer to each other too deeply');
  variableDepth++;
  try {
    if (trimmed.startsWith('=')) return evaluateNode(parseCached(trimmed.slice(1)), scope.global?.() ?? scope);
    const num = toNumber(textCell(trimmed));
    if (!Number.isNaN(num)) return { text: definition, num };
    let expression: Expression;
    try {
      expression = parseCached(trimmed);
    } catch {
      return textCell(definition);
    }
    try {
      return evaluateNode(expression, scope);
    } catch (error) {
      if (error instanceof ExpressionError) return textCell(definition);
      throw error;
    }
  } finally {
    variableDepth--;
  }
}

/** A `$(…)` left in the AST (expressions parsed without variables): expanded now, then evaluated. */
function evaluateDollar(node: DollarExpansion, scope: EvaluationScope): Cell {
  switch (node.form) {
    case 'variable':
    case 'call': {
      const value = node.name === null ? undefined : scope.env.variable(node.name);
      if (value === undefined) return null;
      const text =
        node.form === 'call'
          ? value.replace(/\$(\d+)/g, (whole, n: string) => node.args[Number(n) - 1] ?? whole)
          : value;
      if (text.trim() === '') return null;
      return evaluateNode(parseCached(text), scope);
    }
    case 'expression':
      return evaluateNode(parseCached(node.args[0] ?? ''), scope.global?.() ?? scope);
    case 'include':
      throw new ExpressionError('$(Include=…) is only allowed in the load script');
  }
}

function evaluateBinary(node: BinaryExpression, scope: EvaluationScope): Cell {
  const left = evaluateNode(node.left, scope);
  const right = evaluateNode(node.right, scope);
  switch (node.operator) {
    case '+':
      return numberCell(toNumber(left) + toNumber(right));
    case '-':
      return numberCell(toNumber(left) - toNumber(right));
    case '*':
      return numberCell(toNumber(left) * toNumber(right));
    case '/': {
      const divisor = toNumber(right);
      return divisor === 0 ? null : numberCell(toNumber(left) / divisor);
    }
    case '&':
      // NULL & x is x: only two NULLs give NULL.
      if (left === null && right === null) return null;
      checkTextLength(textOf(left).length + textOf(right).length, "'&'");
      return textCell(textOf(left) + textOf(right));
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compareCells(left, node.operator, right);
    case 'and':
      return booleanCell(isTrue(left) && isTrue(right));
    case 'or':
      return booleanCell(isTrue(left) || isTrue(right));
    case 'xor':
      return booleanCell(isTrue(left) !== isTrue(right));
    case 'like':
      if (left === null || right === null) return null;
      return booleanCell(wildcardMatch(left.text, right.text));
    case 'precedes':
      if (left === null || right === null) return null;
      return booleanCell(compareText(left.text, right.text) < 0);
    case 'follows':
      if (left === null || right === null) return null;
      return booleanCell(compareText(left.text, right.text) > 0);
    case 'bitand':
    case 'bitor':
    case 'bitxor':
    case '>>':
    case '<<': {
      const a = toNumber(left);
      const b = toNumber(right);
      if (Number.isNaN(a) || Number.isNaN(b)) return null;
      const x = Math.trunc(a);
      const y = Math.trunc(b);
      const result =
        node.operator === 'bitand'
          ? x & y
          : node.operator === 'bitor'
            ? x | y
            : node.operator === 'bitxor'
              ? x ^ y
              : node.operator === '>>'
                ? x >> y
                : x << y;
      return numberCell(result);
    }
  }
}

/** What a call node is, resolved once per node: calls in LOAD expressions run millions of times. */
export type ResolvedCall = PlainCall | { readonly kind: 'chart'; readonly fallback: PlainCall };

/** A call that is not a chart function (see {@link CHART_FUNCTION_NAMES}). */
type PlainCall =
  | { readonly kind: 'aggregate' }
  | { readonly kind: 'if' }
  | { readonly kind: 'scalar'; readonly spec: FunctionSpec }
  | { readonly kind: 'other' };

const AGGREGATE: PlainCall = { kind: 'aggregate' };
const IF: PlainCall = { kind: 'if' };
const OTHER: PlainCall = { kind: 'other' };
const resolvedCalls = new WeakMap<FunctionCall, ResolvedCall>();

/** How a call node evaluates (resolved once per node and remembered). */
export function resolveCall(call: FunctionCall): ResolvedCall {
  let resolved = resolvedCalls.get(call);
  if (resolved === undefined) {
    const lower = call.name.toLowerCase();
    const spec = scalarFunction(lower);
    const plain: PlainCall = AGGREGATION_NAMES.has(lower)
      ? AGGREGATE
      : lower === 'if'
        ? IF
        : spec
          ? { kind: 'scalar', spec }
          : OTHER;
    // Chart scopes see these first (see EvaluationScope.chartFunction); elsewhere they are what they were.
    resolved = CHART_FUNCTION_NAMES.has(lower) ? { kind: 'chart', fallback: plain } : plain;
    resolvedCalls.set(call, resolved);
  }
  return resolved;
}

/** Chart functions that read other rows of the chart's column (help.qlik.com "Chart inter-record functions", Rank). */
export const INTER_RECORD_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'above',
  'below',
  'before',
  'after',
  'top',
  'bottom',
  'first',
  'last',
  'rowno',
  'noofrows',
  'columnno',
  'noofcolumns',
  'rank',
  'hrank',
]);

/**
 * Functions a chart computes from other rows of its column (help.qlik.com "Chart inter-record
 * functions", "Rank"), and the range functions, whose arguments may be ranges of such rows.
 */
const CHART_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  ...INTER_RECORD_FUNCTION_NAMES,
  'rangesum',
  'rangeavg',
  'rangemin',
  'rangemax',
  'rangecount',
  'rangenumericcount',
  'rangenullcount',
  'rangetextcount',
  'rangemissingcount',
  'rangeonly',
  'rangemode',
  'rangestdev',
  'rangefractile',
  'rangeminstring',
  'rangemaxstring',
]);

function evaluateCall(call: FunctionCall, scope: EvaluationScope): Cell {
  let resolved = resolveCall(call);
  if (resolved.kind === 'chart') {
    const value = scope.chartFunction?.(call);
    if (value !== undefined) return value;
    resolved = resolved.fallback;
  }
  if (resolved.kind === 'aggregate') return scope.aggregate(call);
  if (call.set !== null || call.total !== null || call.distinct !== null) {
    throw new ExpressionError(`${call.name} is not an aggregation function`);
  }
  if (resolved.kind === 'if') {
    if (call.args.length < 2 || call.args.length > 3) throw new ExpressionError('If takes 2 or 3 arguments');
    const condition = evaluateNode(call.args[0] as Expression, scope);
    const branch = isTrue(condition) ? call.args[1] : call.args[2];
    return branch === undefined ? null : evaluateNode(branch, scope);
  }
  if (resolved.kind === 'other') {
    const extra = scope.env.callFunction?.(call, (argument) => evaluateNode(argument, scope));
    if (extra !== undefined) return boundedResult(extra, call.name);
    throw unsupportedFunction(call.name);
  }
  const spec = resolved.spec;
  if (call.args.length < spec.min || call.args.length > spec.max) {
    const range =
      spec.max === spec.min
        ? `${spec.min}`
        : spec.max === Number.POSITIVE_INFINITY
          ? `at least ${spec.min}`
          : `${spec.min} to ${spec.max}`;
    throw new ExpressionError(`${call.name} takes ${range} argument${spec.max === 1 && spec.min === 1 ? '' : 's'}`);
  }
  return boundedResult(spec.fn(evaluateArgs(call.args, scope), scope), call.name);
}

const NO_ARGS: readonly Cell[] = [];

function evaluateArgs(args: readonly Expression[], scope: EvaluationScope): readonly Cell[] {
  const count = args.length;
  if (count === 0) return NO_ARGS;
  const values: Cell[] = new Array(count);
  for (let i = 0; i < count; i++) values[i] = evaluateNode(args[i] as Expression, scope);
  return values;
}

// Functions that can grow a text a lot check before building it; this catches the rest (Upper of
// 'ß' doubles, formats pad) before the text travels further into other expressions.
export function boundedResult(cell: Cell, name: string): Cell {
  // A plain number's text is short, and reading it would format it.
  if (cell !== null && !isPlainNumber(cell)) checkTextLength(cell.text.length, name);
  return cell;
}
