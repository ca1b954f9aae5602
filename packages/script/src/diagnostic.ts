import type { Span } from './ast.js';

/** How bad a diagnostic is. `error`: the text is not valid Qlik; `warning`: valid or unknown syntax that is not modelled. */
export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/**
 * Stable diagnostic codes (documented in the package README).
 *
 * - `unterminated-string` — a `'…'`, `"…"`, `` `…` `` or `[…]` runs to the end of the text.
 * - `unterminated-comment` — a `/*` comment has no `*\/`.
 * - `unterminated-expansion` — a `$(` has no matching `)` before `;` or the end.
 * - `unexpected-token` — the parser expected something else here.
 * - `unexpected-end` — the text ends in the middle of a statement or expression.
 * - `missing-semicolon` — the last statement has no `;`.
 * - `unknown-statement` — a statement this parser does not model; kept as a `RawStatement`.
 * - `unclosed-block` — IF/FOR/DO/SUB/SWITCH without its END IF/NEXT/LOOP/END SUB/END SWITCH.
 * - `unmatched-block-end` — END IF/NEXT/LOOP/… with no open block.
 * - `preceding-load-without-source` — a LOAD without a source that is not followed by a LOAD or SELECT.
 * - `nesting-too-deep` — expressions or blocks nested beyond the parser's limit.
 * - `expansion-too-deep` — a variable expands to itself (directly or not) too many times.
 * - `internal-error` — a bug in this parser; the rest of the text is kept as a `RawStatement`.
 */
export type DiagnosticCode =
  | 'unterminated-string'
  | 'unterminated-comment'
  | 'unterminated-expansion'
  | 'unexpected-token'
  | 'unexpected-end'
  | 'missing-semicolon'
  | 'unknown-statement'
  | 'unclosed-block'
  | 'unmatched-block-end'
  | 'preceding-load-without-source'
  | 'nesting-too-deep'
  | 'expansion-too-deep'
  | 'internal-error';

/** A problem found while tokenizing or parsing, with where it is. Parsing never throws on user input: it reports these. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  readonly span: Span;
}
