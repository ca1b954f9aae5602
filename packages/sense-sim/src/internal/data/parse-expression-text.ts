import type { Expression } from '../../../../script/src/ast.js';
import { ExpressionParser } from '../../../../script/src/internal/expression-parser.js';
import { Lexer } from '../../../../script/src/internal/lexer.js';
import { TokenStream } from '../../../../script/src/internal/token-stream.js';
import { ExpressionError } from './expression-error.js';

/**
 * Parses the text of one chart or script expression into the `@qixflow/script` AST, throwing an
 * {@link ExpressionError} when it is not a whole, valid expression.
 *
 * TEMPORARY: `@qixflow/script` does not export `parseExpression` yet (and is not linked into this
 * package), so this reaches into its internal parser by relative path. It is the only file that
 * does: switch it to `import { parseExpression } from '@qixflow/script'` once that exists.
 */
export function parseExpressionText(text: string): Expression {
  const problems: string[] = [];
  const lexer = new Lexer(text, (_code, message) => problems.push(message), null);
  const stream = new TokenStream(lexer);
  const parser = new ExpressionParser(stream);
  let expression: Expression;
  try {
    expression = parser.parse();
  } catch (error) {
    throw new ExpressionError(error instanceof Error ? error.message : String(error));
  }
  const rest = stream.peek();
  if (rest.kind !== 'eof') throw new ExpressionError(`unexpected "${rest.text}"`);
  if (problems.length > 0) throw new ExpressionError(problems[0] ?? 'syntax error');
  return expression;
}
