import type { Span } from '../ast.js';
import type { DiagnosticCode } from '../diagnostic.js';

/**
 * Internal control flow: thrown inside the parser and caught at the statement (or control header)
 * level, where it becomes a diagnostic. Never escapes the public API.
 */
export class ParseError extends Error {
  readonly code: DiagnosticCode;
  readonly span: Span;
  /** Set when the statement's terminating `;` was already consumed (buffer index of that `;`). */
  readonly semicolonIndex: number | null;

  constructor(code: DiagnosticCode, message: string, span: Span, semicolonIndex: number | null = null) {
    super(message);
    this.name = 'ParseError';
    this.code = code;
    this.span = span;
    this.semicolonIndex = semicolonIndex;
  }
}
