import type {
  ElementSet,
  Position,
  SetAssignmentOperator,
  SetElement,
  SetExpression,
  SetFieldModifier,
  SetModifier,
  SetModifierItem,
  SetOperand,
  SetOperator,
  Span,
} from '../ast.js';
import { ParseError } from './parse-error.js';
import type { LexToken } from './scanner.js';
import type { TokenStream } from './token-stream.js';
import { dollarNode, isNameToken, isOp, nameOf } from './token-tests.js';

const MAX_DEPTH = 200;

/**
 * The token-stream basics every expression parser shares (position, errors, nesting depth, line
 * mode) and the set expression grammar: `{<Field = {a, b}>}`, set operators, element sets.
 * `ExpressionParser` extends it with the rest of the expression grammar.
 */
export class SetExpressionParser {
  protected readonly s: TokenStream;
  protected depth = 0;
  protected stopAtNewline = false;

  constructor(stream: TokenStream) {
    this.s = stream;
  }

  protected span(start: Position): Span {
    return { start, end: this.s.lastEnd() };
  }

  protected fail(message: string, t: LexToken = this.s.peek()): never {
    if (t.kind === 'eof') throw new ParseError('unexpected-end', `${message}, found the end of the text.`, t.span);
    throw new ParseError('unexpected-token', `${message}, found "${t.text}".`, t.span);
  }

  protected expectOp(text: string, what = `"${text}"`): LexToken {
    const t = this.s.peek();
    if (!isOp(t, text)) this.fail(`Expected ${what}`, t);
    return this.s.next();
  }

  protected enter(t: LexToken): void {
    this.depth++;
    if (this.depth > MAX_DEPTH) throw new ParseError('nesting-too-deep', 'Expression is nested too deeply.', t.span);
  }

  /** Parses inside parentheses, where line ends never matter. */
  protected nested<T>(fn: () => T): T {
    const saved = this.stopAtNewline;
    this.stopAtNewline = false;
    try {
      return fn();
    } finally {
      this.stopAtNewline = saved;
    }
  }
  /** `{ set-operand }`. */
  protected parseSetExpression(): SetExpression {
    const open = this.expectOp('{');
    return this.nested(() => {
      const operand = this.parseSetOperand(1);
      this.expectOp('}', 'a set operator or "}"');
      return { kind: 'SetExpression', operand, span: this.span(open.span.start) };
    });
  }

  private setOperatorAt(t: LexToken): [SetOperator, number] | undefined {
    if (t.kind !== 'operator') return undefined;
    switch (t.text) {
      case '+':
        return ['+', 1];
      case '-':
        return ['-', 1];
      case '*':
        return ['*', 2];
      case '/':
        return ['/', 2];
      default:
        return undefined;
    }
  }

  private parseSetOperand(minPrecedence: number): SetOperand {
    return this.parseSetAlgebra<SetOperand>(
      minPrecedence,
      () => this.parseSetPrimary(),
      (operator, left, right, span) => ({ kind: 'SetOperation', operator, left, right, span }),
    );
  }

  /**
   * Precedence climbing over the set operators (`+ - * /`), shared by set expressions and
   * element sets: `primary` parses an operand, `combine` builds the operation node.
   */
  private parseSetAlgebra<T extends { span: Span }>(
    minPrecedence: number,
    primary: () => T,
    combine: (operator: SetOperator, left: T, right: T, span: Span) => T,
  ): T {
    this.enter(this.s.peek());
    try {
      let left = primary();
      for (;;) {
        const op = this.setOperatorAt(this.s.peek());
        if (!op || op[1] < minPrecedence) break;
        this.s.next();
        const right = this.parseSetAlgebra(op[1] + 1, primary, combine);
        left = combine(op[0], left, right, { start: left.span.start, end: right.span.end });
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  private parseSetPrimary(): SetOperand {
    const t = this.s.peek();
    if (isOp(t, '(')) {
      this.s.next();
      const inner = this.parseSetOperand(1);
      this.expectOp(')');
      return inner;
    }
    let identifier: string | null = null;
    if (isOp(t, '$')) identifier = '$';
    else if (t.kind === 'number') identifier = t.value;
    else if (isNameToken(t)) identifier = nameOf(t);
    if (identifier !== null) this.s.next();
    let modifier: SetModifier | null = null;
    const m = this.s.peek();
    if (isOp(m, '<') || isOp(m, '<>')) modifier = this.parseSetModifier();
    if (identifier === null && modifier === null) this.fail('Expected a set identifier or a modifier "<…>"', t);
    return { kind: 'SetEntity', identifier, modifier, span: this.span(t.span.start) };
  }

  private parseSetModifier(): SetModifier {
    const open = this.s.next();
    const items: SetModifierItem[] = [];
    if (open.text === '<>' || isOp(this.s.peek(), '>')) {
      if (open.text !== '<>') this.s.next();
      return { kind: 'SetModifier', items, span: this.span(open.span.start) };
    }
    for (;;) {
      const t = this.s.peek();
      const after = this.s.peek(1);
      if (t.kind === 'dollar' && (isOp(after, ',') || isOp(after, '>'))) {
        this.s.next();
        items.push(dollarNode(t));
      } else items.push(this.parseFieldModifier());
      if (!isOp(this.s.peek(), ',')) break;
      this.s.next();
    }
    this.expectOp('>', '"," or ">"');
    return { kind: 'SetModifier', items, span: this.span(open.span.start) };
  }

  private parseFieldModifier(): SetFieldModifier {
    const f = this.s.peek();
    if (!isNameToken(f)) this.fail('Expected a field name in the set modifier', f);
    this.s.next();
    const opTok = this.s.peek();
    let operator: SetAssignmentOperator;
    if (
      opTok.kind === 'operator' &&
      (opTok.text === '=' || opTok.text === '+=' || opTok.text === '-=' || opTok.text === '*=' || opTok.text === '/=')
    ) {
      operator = opTok.text;
    } else return this.fail('Expected "=", "+=", "-=", "*=" or "/=" after the field name', opTok);
    this.s.next();
    const v = this.s.peek();
    const value = isOp(v, ',') || isOp(v, '>') ? null : this.parseElementSet(1);
    return { kind: 'SetFieldModifier', field: nameOf(f), operator, value, span: this.span(f.span.start) };
  }

  private parseElementSet(minPrecedence: number): ElementSet {
    return this.parseSetAlgebra<ElementSet>(
      minPrecedence,
      () => this.parseElementPrimary(),
      (operator, left, right, span) => ({ kind: 'ElementSetOperation', operator, left, right, span }),
    );
  }

  private parseElementPrimary(): ElementSet {
    const t = this.s.peek();
    if (isOp(t, '{')) return this.parseElementList();
    if (isOp(t, '(')) {
      this.s.next();
      const inner = this.parseElementSet(1);
      this.expectOp(')');
      return inner;
    }
    if (t.kind === 'dollar') {
      this.s.next();
      return dollarNode(t);
    }
    if (t.kind === 'identifier' && (t.upper === 'P' || t.upper === 'E') && isOp(this.s.peek(1), '(')) {
      this.s.next();
      this.s.next();
      const set = isOp(this.s.peek(), '{') ? this.parseSetExpression() : null;
      let field: string | null = null;
      const f = this.s.peek();
      if (isNameToken(f)) {
        this.s.next();
        field = nameOf(f);
      }
      this.expectOp(')');
      return { kind: 'ElementFunction', name: t.upper === 'P' ? 'P' : 'E', set, field, span: this.span(t.span.start) };
    }
    if (isNameToken(t)) {
      this.s.next();
      return { kind: 'FieldRef', name: t.value, span: t.span };
    }
    return this.fail('Expected an element set ("{…}", a field, P() or E())', t);
  }

  private parseElementList(): ElementSet {
    const open = this.s.next();
    const elements: SetElement[] = [];
    if (!isOp(this.s.peek(), '}')) {
      for (;;) {
        elements.push(this.parseElement());
        if (!isOp(this.s.peek(), ',')) break;
        this.s.next();
      }
    }
    this.expectOp('}', '"," or "}"');
    return { kind: 'ElementList', elements, span: this.span(open.span.start) };
  }

  private parseElement(): SetElement {
    const t = this.s.peek();
    const element = (type: SetElement['type'], value: string): SetElement => ({
      kind: 'SetElement',
      type,
      value,
      span: this.span(t.span.start),
    });
    switch (t.kind) {
      case 'string':
        this.s.next();
        return element('literal', t.value);
      case 'quoted':
      case 'bracketed':
        this.s.next();
        return element('search', t.value);
      case 'number':
        this.s.next();
        return element('number', t.value);
      case 'dollar':
        this.s.next();
        return element('expansion', `$(${t.value})`);
      case 'identifier':
        this.s.next();
        return element('bare', t.value);
      case 'operator': {
        if (t.text === '*') {
          this.s.next();
          return element('bare', '*');
        }
        const n = this.s.peek(1);
        if (t.text === '-' && n.kind === 'number' && n.leading === '') {
          this.s.next();
          this.s.next();
          return element('number', `-${n.value}`);
        }
        return this.fail('Expected a value in the element list', t);
      }
      default:
        return this.fail('Expected a value in the element list', t);
    }
  }
}
