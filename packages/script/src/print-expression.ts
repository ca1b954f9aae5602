import type {
  ElementSet,
  Expression,
  SetElement,
  SetExpression,
  SetModifier,
  SetModifierItem,
  SetOperand,
  SetOperator,
  TotalQualifier,
} from './ast.js';
import { binaryPrecedence, PRECEDENCE } from './internal/expression-parser.js';
import { quoteName, quoteString } from './internal/names.js';

function precedenceOf(e: Expression): number {
  if (e.kind === 'BinaryExpression') return binaryPrecedence(e.operator);
  if (e.kind === 'UnaryExpression') return e.operator === 'not' ? PRECEDENCE.not : PRECEDENCE.unary;
  return PRECEDENCE.primary;
}

function wrap(e: Expression, required: number): string {
  const text = print(e);
  return precedenceOf(e) < required ? `(${text})` : text;
}

function print(e: Expression): string {
  switch (e.kind) {
    case 'NumberLiteral':
      return e.raw;
    case 'StringLiteral':
      return quoteString(e.value);
    case 'FieldRef':
      return quoteName(e.name);
    case 'DollarExpansion':
      return `$(${e.text})`;
    case 'InvalidExpression':
      return e.text;
    case 'UnaryExpression': {
      if (e.operator === 'not') return `not ${wrap(e.operand, PRECEDENCE.comparison)}`;
      if (e.operator === 'bitnot') return `bitnot ${wrap(e.operand, PRECEDENCE.unary)}`;
      return `${e.operator}${wrap(e.operand, PRECEDENCE.unary)}`;
    }
    case 'BinaryExpression': {
      const p = binaryPrecedence(e.operator);
      return `${wrap(e.left, p)} ${e.operator} ${wrap(e.right, p + 1)}`;
    }
    case 'FunctionCall': {
      const parts: string[] = [];
      if (e.set) parts.push(printSetExpression(e.set));
      if (e.distinct) parts.push(e.distinct.toUpperCase());
      if (e.all) parts.push('ALL');
      if (e.total) parts.push(printTotal(e.total));
      const args = e.args.map((arg, i) => {
        const sort = e.argSorts?.[i];
        return sort ? `(${print(arg)}, (${sort.sortType}, ${sort.ordering}))` : print(arg);
      });
      // `Sum(DISTINCT -x)` would read DISTINCT as a field minus x.
      const first = args[0];
      if (parts.length > 0 && first !== undefined && /^[-+]/.test(first)) args[0] = `(${first})`;
      if (args.length > 0) parts.push(args.join(', '));
      return `${e.name}(${parts.join(' ')})`;
    }
  }
}

function printTotal(t: TotalQualifier): string {
  return t.fields.length === 0 ? 'TOTAL' : `TOTAL <${t.fields.map(quoteName).join(', ')}>`;
}

function setPrecedence(op: SetOperator): number {
  return op === '+' || op === '-' ? 1 : 2;
}

function printSetOperand(o: SetOperand, required: number): string {
  if (o.kind === 'SetEntity') {
    const id = o.identifier === null ? '' : printSetIdentifier(o.identifier);
    return id + (o.modifier ? printModifier(o.modifier) : '');
  }
  const p = setPrecedence(o.operator);
  const text = `${printSetOperand(o.left, p)} ${o.operator} ${printSetOperand(o.right, p + 1)}`;
  return p < required ? `(${text})` : text;
}

function printSetIdentifier(id: string): string {
  if (/^(\$|\$_?\d+|\d+)$/.test(id) || id.startsWith('$(')) return id;
  return quoteName(id);
}

function printModifier(m: SetModifier): string {
  return `<${m.items.map(printModifierItem).join(', ')}>`;
}

function printModifierItem(item: SetModifierItem): string {
  if (item.kind === 'DollarExpansion') return `$(${item.text})`;
  return `${quoteName(item.field)}${item.operator}${item.value ? printElementSet(item.value, 1) : ''}`;
}

function printElement(el: SetElement): string {
  switch (el.type) {
    case 'literal':
      return quoteString(el.value);
    case 'search':
      return `"${el.value.replaceAll('"', '""')}"`;
    default:
      return el.value;
  }
}

function printElementSet(s: ElementSet, required: number): string {
  switch (s.kind) {
    case 'ElementList':
      return `{${s.elements.map(printElement).join(', ')}}`;
    case 'FieldRef':
      return quoteName(s.name);
    case 'DollarExpansion':
      return `$(${s.text})`;
    case 'ElementFunction': {
      const inner = [s.set ? printSetExpression(s.set) : '', s.field === null ? '' : quoteName(s.field)]
        .filter((x) => x !== '')
        .join(' ');
      return `${s.name}(${inner})`;
    }
    case 'ElementSetOperation': {
      const p = setPrecedence(s.operator);
      const text = `${printElementSet(s.left, p)} ${s.operator} ${printElementSet(s.right, p + 1)}`;
      return p < required ? `(${text})` : text;
    }
  }
}

/**
 * Prints a set expression `{…}` canonically.
 *
 * @example
 * ```ts
 * const { ast } = parseExpression("Sum({$<Year={2024},Region-={'EU'}>+1<Year={2023}>} Sales)");
 * if (ast.kind === 'FunctionCall' && ast.set) printSetExpression(ast.set);
 * // "{$<Year={2024}, Region-={'EU'}> + 1<Year={2023}>}"
 * ```
 */
export function printSetExpression(set: SetExpression): string {
  return `{${printSetOperand(set.operand, 1)}}`;
}

/**
 * Prints an expression in canonical form: single spaces around binary operators, word operators
 * in lower case, parentheses only where precedence needs them, names quoted only when necessary.
 * The result re-parses to an equal AST (ignoring spans).
 *
 * @example
 * ```ts
 * const { ast } = parseExpression("=sum( {<Year={2024}>} Sales )*(1+[Tax Rate])");
 * printExpression(ast); // "sum({<Year={2024}>} Sales) * (1 + [Tax Rate])"
 * ```
 */
export function printExpression(expression: Expression): string {
  return print(expression);
}
