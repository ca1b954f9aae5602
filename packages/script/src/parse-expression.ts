import type { Expression } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { environmentToMap } from './internal/environment.js';
import { ParseError } from './internal/parse-error.js';
import { ParserCore } from './internal/parser-core.js';
import { wholeSpan } from './internal/position.js';
import type { VariableEnvironment } from './variable-environment.js';

/** Options of {@link parseExpression}. */
export interface ParseExpressionOptions {
  /** Expand known `$(…)` before parsing (unknown ones stay `DollarExpansion` nodes). */
  readonly variables?: VariableEnvironment;
  /** With `variables`: evaluates `$(=expr)`; return undefined when it cannot. */
  readonly evaluate?: (expression: string) => string | undefined;
}

/** What {@link parseExpression} returns. */
export interface ParseExpressionResult {
  /**
   * The expression; an `InvalidExpression` holding the whole text when it has a syntax error. Lexical
   * problems (an unterminated quote) are reported but do not make the expression invalid by themselves.
   */
  readonly ast: Expression;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses a Qlik chart or script expression (a leading `=` is optional). Never throws on user input.
 *
 * @example
 * ```ts
 * const { ast } = parseExpression("=Sum({<Year={2024}, Region-={'EU'}>} DISTINCT Sales) / Count(TOTAL <Region> OrderID)");
 * ast.kind; // 'BinaryExpression'
 * fieldsOf(ast); // { fields: ['Sales', 'Region', 'OrderID'], setFields: ['Year', 'Region'], … }
 * ```
 */
export function parseExpression(text: string, options: ParseExpressionOptions = {}): ParseExpressionResult {
  if (typeof text !== 'string') throw new TypeError(`parseExpression: text must be a string, got ${typeof text}`);
  if (options === null || typeof options !== 'object') {
    throw new TypeError('parseExpression: options must be an object');
  }
  if (options.variables !== undefined && (options.variables === null || typeof options.variables !== 'object')) {
    throw new TypeError('parseExpression: options.variables must be an object or a Map of variable values');
  }
  if (options.evaluate !== undefined && typeof options.evaluate !== 'function') {
    throw new TypeError('parseExpression: options.evaluate must be a function');
  }
  const tracking =
    options.variables === undefined
      ? null
      : { variables: environmentToMap(options.variables), trackAssignments: false, evaluate: options.evaluate };
  const core = new ParserCore(text, tracking);
  const whole = wholeSpan(text);
  let ast: Expression;
  try {
    if (core.isOp('=')) core.next();
    const t = core.peek();
    if (t.kind === 'eof')
      throw new ParseError('unexpected-end', 'Expected an expression, found the end of the text.', t.span);
    ast = core.expr.parse();
    const rest = core.peek();
    if (rest.kind !== 'eof')
      throw new ParseError('unexpected-token', `Unexpected "${rest.text}" after the expression.`, rest.span);
  } catch (e) {
    const d =
      e instanceof ParseError
        ? { code: e.code, message: e.message, span: e.span }
        : { code: 'internal-error' as const, message: `Internal parser error: ${String(e)}`, span: whole };
    core.diagnostics.push({ ...d, severity: 'error' });
    ast = { kind: 'InvalidExpression', text, span: whole };
  }
  const diagnostics = [...core.diagnostics].sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { ast, diagnostics };
}
