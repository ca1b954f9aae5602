import type { Statement } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { parseScript } from './parse-script.js';

/** What {@link parseStatement} returns. */
export interface ParseStatementResult {
  /** The statement; null when the text holds only comments or whitespace. */
  readonly statement: Statement | null;
  /** Problems found, in source order (spans are positions in `text`). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses the text of one statement — typically a `ScannedStatement` from {@link scanScript} after
 * dollar expansion, as the engine parses each statement right before it runs it. Nothing is
 * expanded here: `$(…)` left in the text become `DollarExpansion` nodes. A text holding more than
 * one statement gives the first and an `unexpected-token` error at the second. Never throws on
 * user input.
 *
 * @example
 * ```ts
 * const { statement, diagnostics } = parseStatement("Rename Table 'orders' to 'orders-1';");
 * statement; // { kind: 'Rename', target: 'table', pairs: [{ from: 'orders', to: 'orders-1', … }], … }
 * diagnostics.length; // 0
 * ```
 */
export function parseStatement(text: string): ParseStatementResult {
  if (typeof text !== 'string') throw new TypeError(`parseStatement: text must be a string, got ${typeof text}`);
  const { ast, diagnostics } = parseScript(text);
  const statements = ast.body.filter((s) => s.kind !== 'Comment' && s.kind !== 'Tab');
  const [statement = null, second] = statements;
  if (second === undefined) return { statement, diagnostics };
  const extra: Diagnostic = {
    code: 'unexpected-token',
    severity: 'error',
    message: 'Expected one statement, found a second one.',
    span: second.span,
  };
  return { statement, diagnostics: [...diagnostics, extra].sort((a, b) => a.span.start.offset - b.span.start.offset) };
}
