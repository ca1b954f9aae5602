import type { Span } from './ast.js';

/**
 * Token kinds.
 *
 * - `identifier` — an unquoted name or keyword (`LOAD`, `Sales`, `Date#`, `%Key`, `$Field`, `@1`,
 *   `Table.Field`); may embed dollar expansions written against it (`Sales_$(vYear)`).
 * - `string` — `'…'`; `quoted` — `"…"`; `bracketed` — `[…]`; `backtick` — `` `…` ``.
 * - `number` — `12`, `1.5`, `2e3`.
 * - `dollar` — a dollar-sign expansion `$(…)`.
 * - `operator` — punctuation and symbolic operators (`(`, `;`, `<=`, `-=`, `&` …).
 * - `comment` — `// …`, `/* … *\/` or `REM …;`.
 * - `unknown` — a character that has no meaning in Qlik script (it may be valid inside SQL).
 * - `eof` — the end of the text.
 */
export type TokenKind =
  | 'identifier'
  | 'string'
  | 'quoted'
  | 'bracketed'
  | 'backtick'
  | 'number'
  | 'dollar'
  | 'operator'
  | 'comment'
  | 'unknown'
  | 'eof';

/** A token with its source span. */
export interface Token {
  readonly kind: TokenKind;
  /** The exact source text of the token. */
  readonly text: string;
  /**
   * The decoded value: the name or word for identifiers, the content for quoted tokens (escapes
   * `''`, `""`, `]]` resolved), the inner text for `dollar` and `comment` tokens, else `text`.
   */
  readonly value: string;
  readonly span: Span;
  /** True when a line break separates this token from the previous non-comment token. */
  readonly newlineBefore: boolean;
}
