import type { Position, Span } from '../ast.js';
import type { ExpandContext } from './expansion.js';
import { expandWith, resolveExpansionBody } from './expansion.js';
import { type LexToken, type ReportFn, Scanner } from './scanner.js';

/** How deep expansions may nest while lexing, and how many may happen in one parse. */
const MAX_FRAME_DEPTH = 32;
/** Frames one expansion written in the source may open in total (values that double at every level). */
const MAX_FRAMES_PER_EXPANSION = 10_000;
/** Nested expansions one token may perform. */
const EXPANSION_BUDGET = 10_000;

interface Frame {
  readonly scanner: Scanner;
  /** Span of the outermost `$(…)` this frame's text came from; null for the source text itself. */
  readonly origin: Span | null;
}

const EXPANDABLE_KINDS = new Set(['identifier', 'string', 'quoted', 'bracketed', 'backtick']);

/**
 * Produces tokens from the source text. With an expansion context it behaves like the engine's
 * preprocessor: a `$(…)` whose value is known is replaced by the tokens of that value (a new frame
 * whose tokens carry the span of the `$(…)`), and expansions inside quoted tokens are expanded in
 * place. Unknown expansions stay `dollar` tokens.
 */
export class Lexer {
  private readonly frames: Frame[];
  private readonly report: ReportFn;
  private readonly expansion: ExpandContext | null;
  private framesCreated = 0;
  private warnedTooDeep = false;

  constructor(text: string, report: ReportFn, expansion: ExpandContext | null) {
    this.report = report;
    this.expansion = expansion;
    this.frames = [{ scanner: new Scanner(text, report), origin: null }];
  }

  /** True when no expansion frame is open (raw reads and rewinds work on the source text). */
  get inBaseFrame(): boolean {
    return this.frames.length === 1;
  }

  get base(): Scanner {
    return (this.frames[0] as Frame).scanner;
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1] as Frame;
  }

  /** Moves the source scanner back to `to` (only when no expansion frame is open). */
  rewind(to: Position): void {
    if (this.inBaseFrame) this.base.rewind(to);
  }

  next(): LexToken {
    let carryLeading = '';
    let carryNewline = false;
    let carrying = false;
    for (;;) {
      const frame = this.top;
      let tok = frame.scanner.scan();
      if (tok.kind === 'eof' && this.frames.length > 1) {
        this.frames.pop();
        continue;
      }
      if (frame.origin) tok = { ...tok, span: frame.origin };
      if (this.expansion) {
        if (tok.kind === 'dollar') {
          const pushed = this.tryExpandDollar(tok, frame);
          if (pushed === true) {
            carryLeading += tok.leading;
            carryNewline = carryNewline || tok.newlineBefore;
            carrying = true;
            continue;
          }
          tok = pushed;
        } else if (EXPANDABLE_KINDS.has(tok.kind) && tok.text.includes('$(')) {
          tok = this.expandInside(tok);
        }
      }
      if (carrying) {
        tok = { ...tok, leading: carryLeading + tok.leading, newlineBefore: carryNewline || tok.newlineBefore };
      }
      return tok;
    }
  }

  private tooDeep(span: Span, inner: string): void {
    if (this.warnedTooDeep) return;
    this.warnedTooDeep = true;
    this.report('expansion-too-deep', `Expansion of "$(${inner})" nests too deeply; left unexpanded.`, span);
  }

  /** Expands a `dollar` token: true when a frame was pushed, else the (possibly updated) token. */
  private tryExpandDollar(tok: LexToken, frame: Frame): true | LexToken {
    const ctx = this.expansion as ExpandContext;
    if (this.frames.length === 1) this.framesCreated = 0;
    const rawInner = tok.value;
    const inner = expandWith(rawInner, {
      ...ctx,
      budget: { left: EXPANSION_BUDGET },
      onTooDeep: (i) => this.tooDeep(tok.span, i),
    });
    const value = inner.includes('$(') ? undefined : resolveExpansionBody(inner, ctx);
    if (value === undefined) {
      if (inner === rawInner) return tok;
      return { ...tok, value: inner, text: `$(${inner})` };
    }
    if (this.frames.length >= MAX_FRAME_DEPTH || this.framesCreated >= MAX_FRAMES_PER_EXPANSION) {
      this.tooDeep(tok.span, rawInner);
      return tok;
    }
    this.framesCreated++;
    const origin = frame.origin ?? tok.span;
    const report: ReportFn = (code, message) => this.report(code, message, origin);
    this.frames.push({ scanner: new Scanner(value, report), origin });
    return true;
  }

  private expandInside(tok: LexToken): LexToken {
    const ctx: ExpandContext = {
      ...(this.expansion as ExpandContext),
      budget: { left: EXPANSION_BUDGET },
      onTooDeep: (i) => this.tooDeep(tok.span, i),
    };
    const text = expandWith(tok.text, ctx);
    if (text === tok.text) return tok;
    const value = expandWith(tok.value, ctx);
    return { ...tok, text, value, upper: tok.kind === 'identifier' ? value.toUpperCase() : '' };
  }

  /**
   * Reads raw text up to the next `;` (consumed), across frames. Used for REM and TRACE, whose text
   * is not tokenised.
   */
  readRawUntilSemicolon(): { text: string; span: Span; terminated: boolean } {
    let text = '';
    let span: Span | null = null;
    for (;;) {
      const frame = this.top;
      const part = frame.scanner.readRawUntilSemicolon();
      text += part.text;
      const partSpan = frame.origin ?? part.span;
      span = span ? { start: span.start, end: partSpan.end } : partSpan;
      if (part.terminated || this.frames.length === 1) return { text, span, terminated: part.terminated };
      this.frames.pop();
    }
  }
}
