import type { Position, Span } from '../ast.js';
import type { Lexer } from './lexer.js';
import type { LexToken } from './scanner.js';

/**
 * Buffered access to the lexer's tokens for a recursive-descent parser. Keeps every token it has
 * read (so the parser can mark/reset and slice raw text), hides comments from `peek`/`next`, and
 * lexes lazily so that SET/LET can change the variables before the next statement is lexed.
 */
export class TokenStream {
  private readonly tokens: LexToken[] = [];
  private index = 0;
  private lastIndex = -1;
  private readonly lexer: Lexer;

  constructor(lexer: Lexer) {
    this.lexer = lexer;
  }

  private at(i: number): LexToken {
    const tokens = this.tokens;
    while (tokens.length <= i) {
      const last = tokens[tokens.length - 1];
      if (last && last.kind === 'eof') return last;
      tokens.push(this.lexer.next());
    }
    return tokens[i] as LexToken;
  }

  /** Index in the token buffer of the k-th upcoming non-comment token. */
  private significantIndex(k: number): number {
    let i = this.index;
    let seen = 0;
    for (;;) {
      const t = this.at(i);
      if (t.kind === 'comment') {
        i++;
        continue;
      }
      if (seen === k || t.kind === 'eof') return Math.min(i, this.tokens.length - 1);
      seen++;
      i++;
    }
  }

  /** The k-th upcoming token, comments skipped. */
  peek(k = 0): LexToken {
    return this.at(this.significantIndex(k));
  }

  /** The next token, comments included. */
  peekRaw(): LexToken {
    return this.at(this.index);
  }

  /** Consumes and returns the next non-comment token (eof is never consumed). */
  next(): LexToken {
    const i = this.significantIndex(0);
    const t = this.at(i);
    if (t.kind !== 'eof') {
      this.index = i + 1;
      this.lastIndex = i;
    } else this.index = i;
    return t;
  }

  /** Consumes the next token, comments included. */
  nextRaw(): LexToken {
    const t = this.at(this.index);
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  mark(): number {
    return this.index;
  }

  reset(mark: number): void {
    this.index = mark;
  }

  /** Buffer index of the last consumed non-comment token (-1 before any). */
  get lastConsumedIndex(): number {
    return this.lastIndex;
  }

  /** Buffer index the next non-comment token has (or will have). */
  nextSignificantIndex(): number {
    return this.significantIndex(0);
  }

  /** The last consumed non-comment token, if any. */
  get last(): LexToken | null {
    return this.lastIndex >= 0 ? (this.tokens[this.lastIndex] as LexToken) : null;
  }

  /** End of the last consumed token, or the start of the next one when nothing was consumed yet. */
  lastEnd(): Position {
    const last = this.last;
    return last ? last.span.end : this.peek().span.start;
  }

  /** Buffered tokens in [from, to] (inclusive), comments excluded. */
  significantBetween(from: number, to: number): LexToken[] {
    const out: LexToken[] = [];
    for (let i = from; i <= to && i < this.tokens.length; i++) {
      const t = this.tokens[i] as LexToken;
      if (t.kind !== 'comment' && t.kind !== 'eof') out.push(t);
    }
    return out;
  }

  /** Source text of buffered tokens [from, to] (inclusive) with the whitespace between them. */
  textBetween(from: number, to: number): string {
    if (to < from) return '';
    let text = (this.tokens[from] as LexToken).text;
    for (let i = from + 1; i <= to && i < this.tokens.length; i++) {
      const t = this.tokens[i] as LexToken;
      text += t.leading + t.text;
    }
    return text;
  }

  /** Span covering buffered tokens [from, to]. */
  spanBetween(from: number, to: number): Span {
    const a = this.tokens[from] as LexToken;
    const b = this.tokens[Math.max(from, to)] as LexToken;
    return { start: a.span.start, end: b.span.end };
  }

  /**
   * Reads the raw text after the last consumed token up to the next `;` (consumed). Tokens already
   * buffered beyond the cursor are dropped and re-read as raw text.
   */
  readRawUntilSemicolon(): { text: string; span: Span; terminated: boolean } {
    if (this.tokens.length > this.index) {
      const last = this.last;
      if (this.lexer.inBaseFrame && last) {
        this.lexer.rewind(last.span.end);
        this.tokens.length = this.index;
      } else {
        // Inside an expansion: fall back to tokens.
        const from = this.index;
        while (this.peekRaw().kind !== 'eof' && !(this.peekRaw().kind === 'operator' && this.peekRaw().text === ';')) {
          this.nextRaw();
        }
        const to = this.index - 1;
        const terminated = this.peekRaw().text === ';' && this.peekRaw().kind === 'operator';
        const span = to >= from ? this.spanBetween(from, to) : this.peekRaw().span;
        const text = to >= from ? this.textBetween(from, to) : '';
        if (terminated) this.next();
        return { text, span, terminated };
      }
    }
    return this.lexer.readRawUntilSemicolon();
  }
}
