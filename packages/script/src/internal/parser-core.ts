import type { FileFormat, FormatSpec, Position, Span } from '../ast.js';
import type { Diagnostic, DiagnosticCode, DiagnosticSeverity } from '../diagnostic.js';
import type { ExpandContext } from './expansion.js';
import { ExpressionParser, isNameToken, isOp, isWord, nameOf } from './expression-parser.js';
import { Lexer } from './lexer.js';
import { ParseError } from './parse-error.js';
import type { LexToken } from './scanner.js';
import { TokenStream } from './token-stream.js';

/** Variable tracking while parsing with a symbolic environment. */
export interface VariableTracking {
  readonly variables: Map<string, string>;
  /** Update `variables` from SET / LET as they are parsed. */
  readonly trackAssignments: boolean;
  readonly evaluate: ((expression: string) => string | undefined) | undefined;
}

/** Joins tokens back into text with the whitespace that separated them. */
export function joinTokens(tokens: readonly LexToken[]): string {
  if (tokens.length === 0) return '';
  let text = (tokens[0] as LexToken).text;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as LexToken;
    text += t.leading + t.text;
  }
  return text;
}

/**
 * The state and small helpers shared by the statement parsers: the token stream, the expression
 * parser, diagnostics and the (optional) variable environment.
 */
export class ParserCore {
  readonly s: TokenStream;
  readonly expr: ExpressionParser;
  readonly diagnostics: Diagnostic[] = [];
  readonly tracking: VariableTracking | null;

  constructor(text: string, tracking: VariableTracking | null) {
    this.tracking = tracking;
    const report = (code: DiagnosticCode, message: string, span: Span): void => {
      this.report(code, 'error', message, span);
    };
    let expansion: ExpandContext | null = null;
    if (tracking) {
      const variables = tracking.variables;
      expansion = {
        lookup: (name) => variables.get(name),
        keepUnknown: true,
        evaluate: tracking.evaluate,
        maxDepth: 32,
        budget: { left: 100_000 },
      };
    }
    this.s = new TokenStream(new Lexer(text, report, expansion));
    this.expr = new ExpressionParser(this.s);
  }

  report(code: DiagnosticCode, severity: DiagnosticSeverity, message: string, span: Span): void {
    this.diagnostics.push({ code, severity, message, span });
  }

  /**
   * Forgets lexical diagnostics (unterminated quotes …) reported for text in [from, to): that text was
   * looked ahead at as tokens but is then read raw (REM, TRACE).
   */
  dropLexicalDiagnostics(from: number, to: number): void {
    const kept = this.diagnostics.filter(
      (d) => !(d.code.startsWith('unterminated-') && d.span.start.offset >= from && d.span.start.offset < to),
    );
    this.diagnostics.length = 0;
    this.diagnostics.push(...kept);
  }

  peek(k = 0): LexToken {
    return this.s.peek(k);
  }

  next(): LexToken {
    return this.s.next();
  }

  span(start: Position): Span {
    return { start, end: this.s.lastEnd() };
  }

  fail(message: string, t: LexToken = this.peek()): never {
    if (t.kind === 'eof') throw new ParseError('unexpected-end', `${message}, found the end of the text.`, t.span);
    throw new ParseError('unexpected-token', `${message}, found "${t.text}".`, t.span);
  }

  isWord(upper: string, k = 0): boolean {
    return isWord(this.peek(k), upper);
  }

  isOp(text: string, k = 0): boolean {
    return isOp(this.peek(k), text);
  }

  acceptWord(upper: string): LexToken | null {
    return this.isWord(upper) ? this.next() : null;
  }

  acceptOp(text: string): LexToken | null {
    return this.isOp(text) ? this.next() : null;
  }

  expectWord(upper: string): LexToken {
    if (!this.isWord(upper)) this.fail(`Expected ${upper}`);
    return this.next();
  }

  /** Accepts one of several words, returning its upper-case form. */
  expectOneOf(words: readonly string[], what: string): string {
    const t = this.peek();
    if (t.kind === 'identifier' && words.includes(t.upper)) {
      this.next();
      return t.upper;
    }
    return this.fail(`Expected ${what}`, t);
  }

  expectOp(text: string): LexToken {
    if (!this.isOp(text)) this.fail(`Expected "${text}"`);
    return this.next();
  }

  /** A name: unquoted, `[…]`, `"…"`, `` `…` ``, a `$(…)`, or (with allowString) `'…'`. */
  parseName(what: string, allowString = false): string {
    const t = this.peek();
    if (isNameToken(t) || (allowString && t.kind === 'string')) {
      this.next();
      return nameOf(t);
    }
    return this.fail(`Expected ${what}`, t);
  }

  parseNameList(what: string, allowString = false): string[] {
    const names = [this.parseName(what, allowString)];
    while (this.acceptOp(',')) names.push(this.parseName(what, allowString));
    return names;
  }

  /**
   * Text written without separating whitespace (an unquoted path such as `lib://Data/x.csv` or a
   * pattern such as `*ID`), starting with the current token.
   */
  parseAdjacentText(stopAt: readonly string[] = [';', '(', ',']): string {
    let text = this.next().text;
    for (;;) {
      const n = this.peek();
      if (n.kind === 'eof' || n.leading !== '' || n.newlineBefore) break;
      if (n.kind === 'operator' && stopAt.includes(n.text)) break;
      text += this.next().text;
    }
    return text;
  }

  /** A file path or connection target: quoted (`[…]`, `'…'`, `"…"`, `` `…` ``) or unquoted. */
  parsePath(what = 'a file path'): string {
    const t = this.peek();
    if (t.kind === 'string' || t.kind === 'quoted' || t.kind === 'bracketed' || t.kind === 'backtick') {
      this.next();
      return t.value;
    }
    if (t.kind === 'eof' || isOp(t, ';') || isOp(t, '(') || isOp(t, ',')) this.fail(`Expected ${what}`, t);
    return this.parseAdjacentText();
  }

  /** Raw text between `(` (current token) and its matching `)`, both consumed. */
  parseParenthesizedRaw(): string {
    this.expectOp('(');
    const from = this.s.nextSignificantIndex();
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') this.fail('Expected ")"', t);
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')')) {
        if (depth === 0) break;
        depth--;
      }
      this.next();
    }
    const to = this.s.lastConsumedIndex;
    const text = to >= from ? joinTokens(this.s.significantBetween(from, to)) : '';
    this.next();
    return text;
  }

  /** An optional file format specification `( item, … )`. */
  parseFormatOpt(): FileFormat | null {
    if (!this.isOp('(')) return null;
    const open = this.next();
    const specs: FormatSpec[] = [];
    for (;;) {
      if (this.acceptOp(')')) break;
      const from = this.s.nextSignificantIndex();
      let depth = 0;
      for (;;) {
        const t = this.peek();
        if (t.kind === 'eof') this.fail('Expected ")" to close the format specification', t);
        if (depth === 0 && (isOp(t, ',') || isOp(t, ')'))) break;
        if (isOp(t, '(')) depth++;
        else if (isOp(t, ')')) depth--;
        this.next();
      }
      const to = this.s.lastConsumedIndex;
      if (to >= from) {
        const tokens = this.s.significantBetween(from, to);
        if (tokens.length > 0) specs.push(formatSpec(tokens));
      }
      this.acceptOp(',');
    }
    return { kind: 'FileFormat', specs, span: this.span(open.span.start) };
  }

  /** The `;` that ends a regular statement (a missing one at the very end is only a warning). */
  expectStatementEnd(): void {
    const t = this.peek();
    if (isOp(t, ';')) {
      this.next();
      return;
    }
    if (t.kind === 'eof') {
      this.report('missing-semicolon', 'warning', 'The statement has no terminating ";".', {
        start: this.s.lastEnd(),
        end: this.s.lastEnd(),
      });
      return;
    }
    this.fail('Expected ";"', t);
  }

  /** Control statements end at the end of the line or at an optional `;`. */
  endControl(): void {
    this.acceptOp(';');
  }
}

function formatSpec(tokens: readonly LexToken[]): FormatSpec {
  const first = tokens[0] as LexToken;
  const last = tokens[tokens.length - 1] as LexToken;
  const span = { start: first.span.start, end: last.span.end };
  let lead = 0;
  while (lead < tokens.length && (tokens[lead] as LexToken).kind === 'identifier') {
    const t = tokens[lead] as LexToken;
    lead++;
    if (t.upper === 'IS' && lead > 1) break;
  }
  if (lead === 0) return { kind: 'FormatSpec', name: joinTokens(tokens), value: null, span };
  const name = tokens
    .slice(0, lead)
    .map((t) => t.upper.toLowerCase())
    .join(' ');
  const rest = tokens.slice(lead);
  return { kind: 'FormatSpec', name, value: rest.length > 0 ? joinTokens(rest) : null, span };
}
