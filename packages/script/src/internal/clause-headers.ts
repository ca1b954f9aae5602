import type { Expression, LoopCondition, Span } from '../ast.js';
import { isOp, isWord } from './expression-parser.js';
import { ParseError } from './parse-error.js';
import type { ParserCore } from './parser-core.js';

/**
 * The headers of control clauses — `cond THEN` after IF/ELSEIF, `v IN a, b` after FOR EACH,
 * `v = a TO b [STEP c]` after FOR, `name(params)` after SUB, WHILE/UNTIL after DO/LOOP — read from
 * the parser's tokens, with the recovery a broken header gets (the rest of the line skipped).
 */
export class ClauseHeaders {
  private readonly p: ParserCore;

  constructor(p: ParserCore) {
    this.p = p;
  }

  /**
   * Parses a control statement header with `parse`. On an error the diagnostic is reported, the rest
   * of the line skipped, and `fallback` builds the header from the raw text (so the block still pairs
   * with its END).
   */
  header<T>(parse: () => T, fallback: (invalid: Expression) => T): T {
    const s = this.p.s;
    const from = s.nextSignificantIndex();
    try {
      const value = parse();
      this.p.endControl();
      return value;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.p.report(e.code, 'error', e.message, e.span);
      for (;;) {
        const t = this.p.peek();
        if (t.kind === 'eof' || t.newlineBefore || isOp(t, ';')) break;
        this.p.next();
      }
      const to = s.lastConsumedIndex;
      const text = to >= from ? s.textBetween(from, to) : '';
      const span: Span = to >= from ? s.spanBetween(from, to) : this.p.peek().span;
      this.p.endControl();
      return fallback({ kind: 'InvalidExpression', text, span });
    }
  }

  sameLineWord(upper: string): boolean {
    const t = this.p.peek();
    return isWord(t, upper) && !t.newlineBefore;
  }

  expectSameLineWord(upper: string): void {
    if (!this.sameLineWord(upper)) this.p.fail(`Expected ${upper} on the same line`);
    this.p.next();
  }

  headerExpressionList(): Expression[] {
    const values = [this.p.expr.parse({ stopAtNewline: true })];
    while (this.p.isOp(',') && !this.p.peek().newlineBefore) {
      this.p.next();
      values.push(this.p.expr.parse({ stopAtNewline: true }));
    }
    return values;
  }

  /** `cond THEN` after IF / ELSEIF. */
  ifCondition(): Expression {
    const c = this.p.expr.parse({ stopAtNewline: true });
    this.expectSameLineWord('THEN');
    return c;
  }

  /** `v IN a, b, …` after FOR EACH. */
  forEachHeader(): { variable: string; values: Expression[] } {
    const variable = this.p.parseName('a loop variable');
    this.expectSameLineWord('IN');
    return { variable, values: this.headerExpressionList() };
  }

  /** `v = from TO to [STEP step]` after FOR. */
  forHeader(): { variable: string; from: Expression; to: Expression; step: Expression | null } {
    const p = this.p;
    const variable = p.parseName('a loop variable');
    p.expectOp('=');
    const from = p.expr.parse({ stopAtNewline: true });
    this.expectSameLineWord('TO');
    const to = p.expr.parse({ stopAtNewline: true });
    let step: Expression | null = null;
    if (this.sameLineWord('STEP')) {
      p.next();
      step = p.expr.parse({ stopAtNewline: true });
    }
    return { variable, from, to, step };
  }

  /** `name [(param, …)]` after SUB. */
  subHeader(): { name: string; params: string[] } {
    const p = this.p;
    const name = p.parseName('a subroutine name');
    let params: string[] = [];
    if (p.isOp('(') && !p.peek().newlineBefore) {
      p.next();
      if (!p.isOp(')')) params = p.parseNameList('a parameter name');
      p.expectOp(')');
    }
    return { name, params };
  }

  loopCondition(): LoopCondition | null {
    const p = this.p;
    const t = p.peek();
    if (t.newlineBefore || !(isWord(t, 'WHILE') || isWord(t, 'UNTIL'))) return null;
    p.next();
    const expression = p.expr.parse({ stopAtNewline: true });
    return {
      kind: 'LoopCondition',
      type: t.upper === 'WHILE' ? 'while' : 'until',
      expression,
      span: p.span(t.span.start),
    };
  }
}
