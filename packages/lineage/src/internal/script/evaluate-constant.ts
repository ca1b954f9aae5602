import type { Expression } from '@qixflow/script';

/**
 * The value of a constant expression (LET right-hand sides, FOR bounds, CALL arguments): literals,
 * `&`, arithmetic and unary minus over literals. Anything else (fields, functions, unknown
 * variables) is not constant: undefined.
 */
export function evaluateConstant(e: Expression | null): string | undefined {
  const v = value(e, 0);
  return v === undefined ? undefined : typeof v === 'number' ? formatNumber(v) : v;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15)));
}

function value(e: Expression | null, depth: number): string | number | undefined {
  if (!e || depth > 50) return undefined;
  switch (e.kind) {
    case 'NumberLiteral':
      return e.value;
    case 'StringLiteral':
      return e.value;
    case 'UnaryExpression': {
      const v = value(e.operand, depth + 1);
      if (typeof v !== 'number') return undefined;
      return e.operator === '-' ? -v : e.operator === '+' ? v : undefined;
    }
    case 'BinaryExpression': {
      const l = value(e.left, depth + 1);
      const r = value(e.right, depth + 1);
      if (l === undefined || r === undefined) return undefined;
      if (e.operator === '&')
        return `${typeof l === 'number' ? formatNumber(l) : l}${typeof r === 'number' ? formatNumber(r) : r}`;
      const a = typeof l === 'number' ? l : Number(l);
      const b = typeof r === 'number' ? r : Number(r);
      if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;
      switch (e.operator) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? undefined : a / b;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}
