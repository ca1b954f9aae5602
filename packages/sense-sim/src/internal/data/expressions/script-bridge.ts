/**
 * Everything the data engine takes from `@qixflow/script`: the expression AST types, the
 * expression parser, dollar-sign expansion and wildcard matching — one module, so the rest of the
 * engine depends on the parser through a narrow, throwing API.
 */
import { type Expression, expand, parseExpression } from '@qixflow/script';

export { compileWildcard, fieldsOf, wildcardMatch } from '@qixflow/script';

import { ExpressionError } from './expression-error.js';

export type {
  BinaryExpression,
  DollarExpansion,
  ElementSet,
  Expression,
  FieldRef,
  FunctionCall,
  SetElement,
  SetExpression,
  SetFieldModifier,
  SetOperand,
  UnaryExpression,
} from '@qixflow/script';

/**
 * Parses the text of one expression (a leading `=` is optional) into the AST, throwing an
 * {@link ExpressionError} with the parser's first error when it is not a valid expression.
 *
 * @example
 * parseExpressionText("Sum({<Year={2024}>} Sales)").kind; // 'FunctionCall'
 */
export function parseExpressionText(text: string): Expression {
  const { ast, diagnostics } = parseExpression(text);
  const error = diagnostics.find((diagnostic) => diagnostic.severity === 'error');
  if (error) throw new ExpressionError(error.message);
  if (ast.kind === 'InvalidExpression') throw new ExpressionError('invalid expression');
  return ast;
}

/**
 * Dollar-sign expansion of an expression's text before it is parsed, as the engine does for chart
 * expressions: unknown variables expand to nothing, `$(=expr)` is evaluated by `evaluate`.
 */
export function expandDollars(
  text: string,
  variable: (name: string) => string | undefined,
  evaluate: (expression: string) => string | undefined,
): string {
  if (!text.includes('$(')) return text;
  return expand(text, new VariableLookup(variable), { unknown: 'empty', evaluate });
}

/** A read-only Map view of a variable lookup function (what `expand` accepts). */
class VariableLookup extends Map<string, string> {
  constructor(private readonly variable: (name: string) => string | undefined) {
    super();
  }
  override get(name: string): string | undefined {
    return this.variable(name);
  }
  override has(name: string): boolean {
    return this.variable(name) !== undefined;
  }
}
