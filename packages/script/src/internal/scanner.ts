import type { Position, Span } from '../ast.js';
import type { DiagnosticCode } from '../diagnostic.js';
import type { Token, TokenKind } from '../token.js';

/** A token plus what the parser needs internally. */
export interface LexToken extends Token {
  /** The whitespace between the previous token (of any kind) and this one. */
  readonly leading: string;
  /** The upper-cased value of an identifier (for keyword tests); '' for other kinds. */
  readonly upper: string;
}

/** Where a scanner reports lexical problems. */
export type ReportFn = (code: DiagnosticCode, message: string, span: Span) => void;

const CH_TAB = 9;
const CH_LF = 10;
const CH_VT = 11;
const CH_FF = 12;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_DQUOTE = 34;
const CH_HASH = 35;
const CH_DOLLAR = 36;
const CH_PERCENT = 37;
const CH_QUOTE = 39;
const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_STAR = 42;
const CH_PLUS = 43;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_0 = 48;
const CH_9 = 57;
const CH_COLON = 58;
const CH_SEMI = 59;
const CH_AT = 64;
const CH_A = 65;
const CH_Z = 90;
const CH_LBRACKET = 91;
const CH_RBRACKET = 93;
const CH_UNDERSCORE = 95;
const CH_BACKTICK = 96;
const CH_a = 97;
const CH_e = 101;
const CH_E = 69;
const CH_z = 122;

const SINGLE_OPS = new Set(['(', ')', ',', ';', ':', '=', '<', '>', '+', '-', '*', '/', '&', '{', '}', '.', '$']);
const DOUBLE_OPS = new Set(['<=', '>=', '<>', '<<', '>>', '+=', '-=', '*=', '/=']);

/** Whitespace, including the non-ASCII spaces editors insert. */
function isWhitespaceCode(c: number): boolean {
  if (c <= CH_SPACE) return c === CH_SPACE || c === CH_TAB || c === CH_LF || c === CH_CR || c === CH_VT || c === CH_FF;
  if (c < 128) return false;
  return (
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200b) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

/** Characters that may start an unquoted name. */
function isIdentStart(c: number): boolean {
  return (
    (c >= CH_a && c <= CH_z) ||
    (c >= CH_A && c <= CH_Z) ||
    c === CH_UNDERSCORE ||
    c === CH_PERCENT ||
    (c >= 128 && !isWhitespaceCode(c))
  );
}

/** Characters that may continue an unquoted name. */
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === CH_HASH;
}

/**
 * Finds the `)` closing a `$(` whose `(` is at `open`. Returns the index after `)`, or -1 when the
 * expansion is not closed before a `;` (outside quotes) or the end.
 */
export function findDollarEnd(text: string, open: number): number {
  let depth = 0;
  let i = open;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CH_LPAREN) depth++;
    else if (c === CH_RPAREN) {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === CH_QUOTE || c === CH_DQUOTE || c === CH_LBRACKET) {
      const close = c === CH_LBRACKET ? CH_RBRACKET : c;
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== close && text.charCodeAt(j) !== CH_LF) j++;
      // An unmatched quote inside an expansion is just a character.
      if (j < n && text.charCodeAt(j) === close) i = j;
    } else if (c === CH_SEMI) return -1;
    i++;
  }
  return -1;
}

/**
 * A hand-written, single-pass scanner over one text. It never throws and always advances: every call
 * to `scan()` consumes at least one character until it returns `eof`.
 */
export class Scanner {
  readonly text: string;
  pos = 0;
  line = 1;
  col = 1;
  private newlineSinceAny = false;
  private newlineSinceSignificant = false;
  private readonly report: ReportFn;

  constructor(text: string, report: ReportFn) {
    this.text = text;
    this.report = report;
  }

  position(): Position {
    return { line: this.line, column: this.col, offset: this.pos };
  }

  /** Moves back (or forward) to a position previously returned by this scanner. */
  rewind(to: Position): void {
    this.pos = to.offset;
    this.line = to.line;
    this.col = to.column;
    this.newlineSinceAny = false;
    this.newlineSinceSignificant = false;
  }

  /** Advances to `end`, keeping line and column in step. */
  private advanceTo(end: number): void {
    const text = this.text;
    let { pos, line, col } = this;
    while (pos < end) {
      const c = text.charCodeAt(pos);
      if (c === CH_LF) {
        line++;
        col = 1;
      } else if (c === CH_CR) {
        if (text.charCodeAt(pos + 1) === CH_LF) col++;
        else {
          line++;
          col = 1;
        }
      } else col++;
      pos++;
    }
    this.pos = pos;
    this.line = line;
    this.col = col;
  }

  /** Skips whitespace, returning it. Notes line breaks. */
  private skipWhitespace(): string {
    const text = this.text;
    const start = this.pos;
    let i = start;
    const n = text.length;
    let newline = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (!isWhitespaceCode(c)) break;
      if (c === CH_LF || c === CH_CR || c === 0x2028 || c === 0x2029) newline = true;
      i++;
    }
    if (i === start) return '';
    this.advanceTo(i);
    if (newline) {
      this.newlineSinceAny = true;
      this.newlineSinceSignificant = true;
    }
    return text.slice(start, i);
  }

  private make(kind: TokenKind, start: Position, value: string, leading: string): LexToken {
    const end = this.position();
    const text = this.text.slice(start.offset, end.offset);
    const isComment = kind === 'comment';
    const newlineBefore = isComment ? this.newlineSinceAny : this.newlineSinceSignificant;
    this.newlineSinceAny = false;
    if (!isComment) this.newlineSinceSignificant = false;
    return {
      kind,
      text,
      value,
      span: { start, end },
      newlineBefore,
      leading,
      upper: kind === 'identifier' ? value.toUpperCase() : '',
    };
  }

  /** Scans the next token (comments included). */
  scan(): LexToken {
    const leading = this.skipWhitespace();
    const text = this.text;
    const start = this.position();
    const i = this.pos;
    if (i >= text.length) return this.make('eof', start, '', leading);
    const c = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);

    if (c === CH_SLASH && c1 === CH_SLASH && !(i > 0 && text.charCodeAt(i - 1) === CH_COLON)) {
      let j = i + 2;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === CH_LF || d === CH_CR) break;
        j++;
      }
      this.advanceTo(j);
      return this.make('comment', start, text.slice(i + 2, j), leading);
    }
    if (c === CH_SLASH && c1 === CH_STAR) {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      const hasNewline = /[\r\n]/.test(text.slice(i, end));
      this.advanceTo(end);
      if (close < 0)
        this.report('unterminated-comment', 'Comment "/*" is never closed with "*/".', this.spanFrom(start));
      const tok = this.make('comment', start, text.slice(i + 2, close < 0 ? text.length : close), leading);
      if (hasNewline) this.newlineSinceSignificant = true;
      return tok;
    }
    if (c === CH_QUOTE) return this.scanQuoted(start, leading, CH_QUOTE, 'string', "'");
    if (c === CH_DQUOTE) return this.scanQuoted(start, leading, CH_DQUOTE, 'quoted', '"');
    if (c === CH_LBRACKET) return this.scanQuoted(start, leading, CH_RBRACKET, 'bracketed', ']');
    if (c === CH_BACKTICK) return this.scanQuoted(start, leading, CH_BACKTICK, 'backtick', '`');
    if (c === CH_DOLLAR && c1 === CH_LPAREN) {
      const end = findDollarEnd(text, i + 1);
      if (end < 0) {
        // Unterminated: stop before the `;` (or at the end of the line) so the statement still ends.
        let j = i + 2;
        while (j < text.length) {
          const d = text.charCodeAt(j);
          if (d === CH_SEMI || d === CH_LF || d === CH_CR) break;
          j++;
        }
        this.advanceTo(j);
        this.report('unterminated-expansion', 'Dollar expansion "$(" is never closed with ")".', this.spanFrom(start));
        return this.make('dollar', start, text.slice(i + 2, j), leading);
      }
      if (this.continuesName(end)) return this.scanName(start, leading, end);
      this.advanceTo(end);
      return this.make('dollar', start, text.slice(i + 2, end - 1), leading);
    }
    if (isDigit(c) || (c === CH_DOT && isDigit(c1))) return this.scanNumber(start, leading);
    if (
      isIdentStart(c) ||
      ((c === CH_DOLLAR || c === CH_AT) && (isIdentPart(c1) || isDigit(c1)) && !isWhitespaceCode(c1))
    ) {
      return this.scanName(start, leading, i + 1);
    }
    const two = text.slice(i, i + 2);
    if (DOUBLE_OPS.has(two)) {
      this.advanceTo(i + 2);
      return this.make('operator', start, two, leading);
    }
    const one = text[i] as string;
    if (SINGLE_OPS.has(one)) {
      this.advanceTo(i + 1);
      return this.make('operator', start, one, leading);
    }
    // One code point of something meaningless to Qlik (it may be fine inside SQL).
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
    this.advanceTo(i + width);
    return this.make('unknown', start, text.slice(i, i + width), leading);
  }

  private spanFrom(start: Position): Span {
    return { start, end: this.position() };
  }

  /** Whether the character at `i` continues an unquoted name (used after a `$(…)`). */
  private continuesName(i: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) return false;
    if (isIdentPart(c)) return true;
    if (c === CH_DOLLAR && text.charCodeAt(i + 1) === CH_LPAREN) return true;
    if (c === CH_DOT && isIdentPart(text.charCodeAt(i + 1))) return true;
    return false;
  }

  /** Scans an unquoted name from `start`, having already accepted everything before `from`. */
  private scanName(start: Position, leading: string, from: number): LexToken {
    const text = this.text;
    const n = text.length;
    let i = from;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isIdentPart(c)) i++;
      else if (c === CH_DOT && i + 1 < n && isIdentPart(text.charCodeAt(i + 1))) i++;
      else if (c === CH_DOLLAR && text.charCodeAt(i + 1) === CH_LPAREN) {
        const end = findDollarEnd(text, i + 1);
        if (end < 0) break;
        i = end;
      } else if (c === CH_DOLLAR && i + 1 < n && isIdentPart(text.charCodeAt(i + 1))) i++;
      else break;
    }
    this.advanceTo(i);
    return this.make('identifier', start, text.slice(start.offset, i), leading);
  }

  private scanNumber(start: Position, leading: string): LexToken {
    const text = this.text;
    let i = this.pos;
    while (isDigit(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === CH_DOT && isDigit(text.charCodeAt(i + 1))) {
      i++;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === CH_e || e === CH_E) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === CH_PLUS || sign === CH_MINUS) j++;
      if (isDigit(text.charCodeAt(j))) {
        while (isDigit(text.charCodeAt(j))) j++;
        i = j;
      }
    }
    this.advanceTo(i);
    return this.make('number', start, text.slice(start.offset, i), leading);
  }

  /** `'…'`, `"…"`, `[…]`, `` `…` ``: the closing character doubled stands for itself. */
  private scanQuoted(start: Position, leading: string, close: number, kind: TokenKind, closeChar: string): LexToken {
    const text = this.text;
    const n = text.length;
    let i = this.pos + 1;
    let value = '';
    let segment = i;
    let terminated = false;
    while (i < n) {
      const idx = text.indexOf(closeChar, i);
      if (idx < 0) {
        i = n;
        break;
      }
      if (text.charCodeAt(idx + 1) === close) {
        value += text.slice(segment, idx + 1);
        i = idx + 2;
        segment = i;
        continue;
      }
      value += text.slice(segment, idx);
      i = idx + 1;
      terminated = true;
      break;
    }
    if (!terminated) {
      value += text.slice(segment, n);
      this.advanceTo(n);
      const what = kind === 'bracketed' ? '"["' : `${text[start.offset]}`;
      this.report('unterminated-string', `Quoted text starting with ${what} is never closed.`, this.spanFrom(start));
      return this.make(kind, start, value, leading);
    }
    this.advanceTo(i);
    return this.make(kind, start, value, leading);
  }

  /**
   * Reads raw text up to the next `;` (which is consumed) or the end, ignoring quotes: REM and TRACE
   * take everything up to the first semicolon.
   */
  readRawUntilSemicolon(): { text: string; span: Span; terminated: boolean } {
    const text = this.text;
    const startPos = this.position();
    const idx = text.indexOf(';', this.pos);
    const end = idx < 0 ? text.length : idx;
    this.advanceTo(end);
    const endPos = this.position();
    if (idx >= 0) this.advanceTo(end + 1);
    this.newlineSinceAny = false;
    this.newlineSinceSignificant = false;
    return { text: text.slice(startPos.offset, end), span: { start: startPos, end: endPos }, terminated: idx >= 0 };
  }
}
