import type {
  AggrSort,
  BinaryOperator,
  Expression,
  FieldRef,
  FunctionCall,
  SetExpression,
  TotalQualifier,
} from '../ast.js';
import { WORD_OPERATORS } from './keywords.js';
import type { LexToken } from './scanner.js';
import { SetExpressionParser } from './set-expression-parser.js';
import { dollarNode, isNameToken, isOp, isWord, nameOf } from './token-tests.js';

export { dollarNode, isNameToken, isOp, isWord, nameOf } from './token-tests.js';

/** Binding powers, lowest first. */
export const PRECEDENCE = {
  or: 1,
  xor: 2,
  and: 3,
  not: 4,
  comparison: 5,
  like: 6,
  concat: 7,
  additive: 8,
  multiplicative: 9,
  bitwise: 10,
  unary: 11,
  primary: 12,
} as const;

const SYMBOL_OPERATORS: ReadonlyMap<string, [BinaryOperator, number]> = new Map([
  ['=', ['=', PRECEDENCE.comparison]],
  ['<>', ['<>', PRECEDENCE.comparison]],
  ['<', ['<', PRECEDENCE.comparison]],
  ['<=', ['<=', PRECEDENCE.comparison]],
  ['>', ['>', PRECEDENCE.comparison]],
  ['>=', ['>=', PRECEDENCE.comparison]],
  ['&', ['&', PRECEDENCE.concat]],
  ['+', ['+', PRECEDENCE.additive]],
  ['-', ['-', PRECEDENCE.additive]],
  ['*', ['*', PRECEDENCE.multiplicative]],
  ['/', ['/', PRECEDENCE.multiplicative]],
  ['>>', ['>>', PRECEDENCE.bitwise]],
  ['<<', ['<<', PRECEDENCE.bitwise]],
]);

const WORD_BINARY: ReadonlyMap<string, [BinaryOperator, number]> = new Map([
  ['OR', ['or', PRECEDENCE.or]],
  ['XOR', ['xor', PRECEDENCE.xor]],
  ['AND', ['and', PRECEDENCE.and]],
  ['LIKE', ['like', PRECEDENCE.like]],
  ['PRECEDES', ['precedes', PRECEDENCE.like]],
  ['FOLLOWS', ['follows', PRECEDENCE.like]],
  ['BITAND', ['bitand', PRECEDENCE.bitwise]],
  ['BITOR', ['bitor', PRECEDENCE.bitwise]],
  ['BITXOR', ['bitxor', PRECEDENCE.bitwise]],
]);

/** The precedence of each binary operator (used by the printer too). */
export function binaryPrecedence(op: BinaryOperator): number {
  for (const [o, p] of SYMBOL_OPERATORS.values()) if (o === op) return p;
  for (const [o, p] of WORD_BINARY.values()) if (o === op) return p;
  return PRECEDENCE.primary;
}

const AGGR_SORT_TYPES: ReadonlySet<string> = new Set(['NUMERIC', 'TEXT', 'FREQUENCY', 'LOAD_ORDER']);
const AGGR_ORDERINGS: ReadonlySet<string> = new Set(['ASCENDING', 'DESCENDING', 'REVERSE', 'A2Z', 'Z2A', 'ORIGINAL']);

/**
 * A Pratt parser for Qlik expressions over a {@link TokenStream}. It stops (without error) at the
 * first token that cannot continue the expression, so script statements can resume after it.
 */
export class ExpressionParser extends SetExpressionParser {
  /**
   * Parses one expression. With `stopAtNewline` (control statements, which end at the end of a line),
   * an operator on a new line does not continue the expression.
   */
  parse(options: { stopAtNewline?: boolean } = {}): Expression {
    const saved = this.stopAtNewline;
    const savedDepth = this.depth;
    this.stopAtNewline = options.stopAtNewline ?? false;
    try {
      return this.parseBinary(PRECEDENCE.or);
    } finally {
      this.stopAtNewline = saved;
      // A ParseError may have left the depth counter raised.
      this.depth = savedDepth;
    }
  }

  /** Parses a set expression `{…}` on its own (restores state on errors). */
  parseSet(): SetExpression {
    const savedDepth = this.depth;
    try {
      return this.parseSetExpression();
    } finally {
      this.depth = savedDepth;
    }
  }

  private binaryOperatorAt(t: LexToken): [BinaryOperator, number] | undefined {
    if (t.kind === 'operator') return SYMBOL_OPERATORS.get(t.text);
    if (t.kind === 'identifier') return WORD_BINARY.get(t.upper);
    return undefined;
  }

  private parseBinary(minPrecedence: number): Expression {
    const first = this.s.peek();
    this.enter(first);
    try {
      let left = this.parsePrefix();
      for (;;) {
        const t = this.s.peek();
        if (this.stopAtNewline && t.newlineBefore) break;
        const op = this.binaryOperatorAt(t);
        if (!op || op[1] < minPrecedence) break;
        this.s.next();
        const right = this.parseBinary(op[1] + 1);
        left = {
          kind: 'BinaryExpression',
          operator: op[0],
          left,
          right,
          span: { start: left.span.start, end: right.span.end },
        };
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  private parsePrefix(): Expression {
    const t = this.s.peek();
    if (isWord(t, 'NOT')) {
      this.s.next();
      const operand = this.parseBinary(PRECEDENCE.comparison);
      return {
        kind: 'UnaryExpression',
        operator: 'not',
        operand,
        span: { start: t.span.start, end: operand.span.end },
      };
    }
    return this.parseUnary();
  }

  private parseUnary(): Expression {
    const t = this.s.peek();
    const operator = isOp(t, '-') ? '-' : isOp(t, '+') ? '+' : isWord(t, 'BITNOT') ? 'bitnot' : null;
    if (operator) {
      this.enter(t);
      try {
        this.s.next();
        const operand = this.parseUnary();
        return { kind: 'UnaryExpression', operator, operand, span: { start: t.span.start, end: operand.span.end } };
      } finally {
        this.depth--;
      }
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expression {
    const t = this.s.peek();
    switch (t.kind) {
      case 'number':
        this.s.next();
        return { kind: 'NumberLiteral', value: Number(t.value), raw: t.value, span: t.span };
      case 'string':
        this.s.next();
        return { kind: 'StringLiteral', value: t.value, span: t.span };
      case 'dollar':
        this.s.next();
        return dollarNode(t);
      case 'quoted':
      case 'bracketed':
      case 'backtick':
        this.s.next();
        return { kind: 'FieldRef', name: t.value, span: t.span };
      case 'identifier': {
        if (WORD_OPERATORS.has(t.upper)) this.fail('Expected an expression', t);
        this.s.next();
        if (isOp(this.s.peek(), '(')) return this.parseCall(t);
        return { kind: 'FieldRef', name: t.value, span: t.span };
      }
      case 'operator':
        if (t.text === '(') {
          this.s.next();
          const inner = this.nested(() => this.parseBinary(PRECEDENCE.or));
          this.expectOp(')');
          return inner;
        }
        return this.fail('Expected an expression', t);
      default:
        return this.fail('Expected an expression', t);
    }
  }

  /** Whether `t` can start an operand (used to tell qualifiers such as DISTINCT from field names). */
  private startsOperand(t: LexToken): boolean {
    switch (t.kind) {
      case 'number':
      case 'string':
      case 'quoted':
      case 'bracketed':
      case 'backtick':
      case 'dollar':
        return true;
      case 'identifier':
        return !WORD_BINARY.has(t.upper) && t.upper !== 'AS';
      case 'operator':
        return t.text === '(' || t.text === '{';
      default:
        return false;
    }
  }

  private parseCall(nameTok: LexToken): FunctionCall {
    this.expectOp('(');
    return this.nested(() => {
      let set: SetExpression | null = null;
      let distinct: 'distinct' | 'nodistinct' | null = null;
      let all = false;
      let total: TotalQualifier | null = null;
      for (;;) {
        const t = this.s.peek();
        if (set === null && isOp(t, '{')) {
          set = this.parseSetExpression();
          continue;
        }
        const after = this.s.peek(1);
        if (distinct === null && (isWord(t, 'DISTINCT') || isWord(t, 'NODISTINCT')) && this.startsOperand(after)) {
          this.s.next();
          distinct = t.upper === 'DISTINCT' ? 'distinct' : 'nodistinct';
          continue;
        }
        if (!all && isWord(t, 'ALL') && this.startsOperand(after)) {
          this.s.next();
          all = true;
          continue;
        }
        if (
          total === null &&
          isWord(t, 'TOTAL') &&
          (this.startsOperand(after) || isOp(after, '<') || isOp(after, '<>'))
        ) {
          this.s.next();
          total = this.parseTotal(t);
          continue;
        }
        break;
      }
      const args: Expression[] = [];
      const argSorts: (AggrSort | undefined)[] = [];
      const star = this.s.peek();
      if (nameTok.value.toLowerCase() === 'count' && isOp(star, '*') && isOp(this.s.peek(1), ')')) {
        // `Count(*)`: every record of the group (a field reference named `*`).
        this.s.next();
        args.push({ kind: 'FieldRef', name: '*', span: star.span });
      } else if (!isOp(this.s.peek(), ')')) {
        const isAggr = nameTok.value.toLowerCase() === 'aggr';
        for (;;) {
          if (isAggr && args.length > 0 && this.atAggrSort()) {
            const [dimension, sort] = this.parseAggrDimension();
            argSorts[args.length] = sort;
            args.push(dimension);
          } else args.push(this.parseBinary(PRECEDENCE.or));
          if (!isOp(this.s.peek(), ',')) break;
          this.s.next();
        }
      }
      this.expectOp(')', '"," or ")"');
      return {
        kind: 'FunctionCall',
        name: nameTok.value,
        set,
        distinct,
        all,
        total,
        args,
        ...(argSorts.length > 0 ? { argSorts: Array.from(argSorts) } : {}),
        span: this.span(nameTok.span.start),
      };
    });
  }

  /** At `(Field, (` — an Aggr dimension with its sort. */
  private atAggrSort(): boolean {
    return isOp(this.s.peek(), '(') && isNameToken(this.s.peek(1)) && isOp(this.s.peek(2), ',');
  }

  /** `(Field, (SortType[, Ordering]))`: the dimension of an Aggr with its sort (help.qlik.com, Aggr). */
  private parseAggrDimension(): [FieldRef, AggrSort] {
    this.expectOp('(');
    const f = this.s.next();
    const dimension: FieldRef = { kind: 'FieldRef', name: nameOf(f), span: f.span };
    this.expectOp(',');
    this.expectOp('(');
    const typeTok = this.s.peek();
    if (typeTok.kind !== 'identifier' || !AGGR_SORT_TYPES.has(typeTok.upper)) {
      this.fail('Expected NUMERIC, TEXT, FREQUENCY or LOAD_ORDER', typeTok);
    }
    this.s.next();
    let ordering: AggrSort['ordering'] = 'ASCENDING';
    if (isOp(this.s.peek(), ',')) {
      this.s.next();
      const orderTok = this.s.peek();
      if (orderTok.kind !== 'identifier' || !AGGR_ORDERINGS.has(orderTok.upper)) {
        this.fail('Expected ASCENDING, DESCENDING, REVERSE, A2Z, Z2A or ORIGINAL', orderTok);
      }
      this.s.next();
      ordering = orderTok.upper as AggrSort['ordering'];
    }
    this.expectOp(')', '"," or ")"');
    this.expectOp(')');
    return [dimension, { sortType: typeTok.upper as AggrSort['sortType'], ordering }];
  }

  private parseTotal(totalTok: LexToken): TotalQualifier {
    const fields: string[] = [];
    const t = this.s.peek();
    if (isOp(t, '<>')) this.s.next();
    else if (isOp(t, '<')) {
      this.s.next();
      for (;;) {
        const f = this.s.peek();
        if (!isNameToken(f)) this.fail('Expected a field name in TOTAL <…>', f);
        this.s.next();
        fields.push(nameOf(f));
        if (!isOp(this.s.peek(), ',')) break;
        this.s.next();
      }
      this.expectOp('>', '"," or ">"');
    }
    return { kind: 'TotalQualifier', fields, span: this.span(totalTok.span.start) };
  }

  // ── Set analysis ──────────────────────────────────────────────────────────────────────────────
}
