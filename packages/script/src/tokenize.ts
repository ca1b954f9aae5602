import type { Diagnostic } from './diagnostic.js';
import { type LexToken, Scanner } from './internal/scanner.js';
import type { Token } from './token.js';

/** What {@link tokenize} returns. */
export interface TokenizeResult {
  /** Every token in order, comments included, ending with an `eof` token. */
  readonly tokens: readonly Token[];
  readonly diagnostics: readonly Diagnostic[];
}

function publicToken(t: LexToken): Token {
  return { kind: t.kind, text: t.text, value: t.value, span: t.span, newlineBefore: t.newlineBefore };
}

/**
 * Splits a script (or expression) into tokens, without expanding variables. `REM` at the start of a
 * statement (first on its line, or after `;`) becomes a comment token reaching to the next `;`.
 * Context-dependent raw text (TRACE messages, SQL) is tokenised like any other text; use
 * {@link parseScript} for those.
 *
 * @example
 * ```ts
 * tokenize("LOAD [Order Date] AS d FROM x.qvd (qvd); // done").tokens.map((t) => t.kind);
 * // ['identifier', 'bracketed', 'identifier', 'identifier', 'identifier', 'identifier',
 * //  'operator', 'identifier', 'operator', 'operator', 'comment', 'eof']
 * ```
 */
export function tokenize(text: string): TokenizeResult {
  if (typeof text !== 'string') throw new TypeError(`tokenize: text must be a string, got ${typeof text}`);
  const diagnostics: Diagnostic[] = [];
  const scanner = new Scanner(text, (code, message, span) =>
    diagnostics.push({ code, severity: 'error', message, span }),
  );
  const tokens: Token[] = [];
  let atStatementStart = true;
  for (;;) {
    const t = scanner.scan();
    if (t.kind === 'eof') {
      tokens.push(publicToken(t));
      return { tokens, diagnostics };
    }
    if (t.kind === 'comment') {
      tokens.push(publicToken(t));
      continue;
    }
    const next = text.charCodeAt(t.span.end.offset);
    const followedBySpace = Number.isNaN(next) || next === 59 || /\s/.test(String.fromCharCode(next));
    if (t.kind === 'identifier' && t.upper === 'REM' && (atStatementStart || t.newlineBefore) && followedBySpace) {
      const raw = scanner.readRawUntilSemicolon();
      const end = scanner.position();
      tokens.push({
        kind: 'comment',
        text: text.slice(t.span.start.offset, end.offset),
        value: raw.text,
        span: { start: t.span.start, end },
        newlineBefore: t.newlineBefore,
      });
      atStatementStart = true;
      continue;
    }
    tokens.push(publicToken(t));
    atStatementStart = t.kind === 'operator' && t.text === ';';
  }
}
