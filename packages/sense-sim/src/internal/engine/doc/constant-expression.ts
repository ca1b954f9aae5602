/**
 * Evaluates expressions made only of constants — numbers, 'strings', + - * / &, parentheses —
 * the part of Qlik's expression language that needs no data. Anything else (fields, functions,
 * `$(…)`) is `undefined`: the data engine answers those.
 */
export function evaluateConstant(expression: string): number | string | undefined {
  const tokens = tokenize(expression.trim().replace(/^=/, ''));
  if (!tokens) return undefined;
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const primary = (): number | string | undefined => {
    const token = tokens[pos++];
    if (token === undefined) return undefined;
    if (token === '(') {
      const value = concat();
      return tokens[pos++] === ')' ? value : undefined;
    }
    if (token === '-') {
      const value = primary();
      return typeof value === 'number' ? -value : undefined;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    const num = Number(token);
    return Number.isFinite(num) ? num : undefined;
  };
  const arithmetic = (next: () => number | string | undefined, ops: string[]) => (): number | string | undefined => {
    let left = next();
    while (left !== undefined && ops.includes(peek() ?? '')) {
      const op = tokens[pos++];
      const right = next();
      if (right === undefined) return undefined;
      const a = Number(left);
      const b = Number(right);
      if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
      left = op === '*' ? a * b : op === '/' ? a / b : op === '+' ? a + b : a - b;
    }
    return left;
  };
  const term = arithmetic(primary, ['*', '/']);
  const sum = arithmetic(term, ['+', '-']);
  const concat = (): number | string | undefined => {
    let left = sum();
    while (left !== undefined && peek() === '&') {
      pos++;
      const right = sum();
      if (right === undefined) return undefined;
      left = `${left}${right}`;
    }
    return left;
  };
  const value = concat();
  return pos === tokens.length ? value : undefined;
}

function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|('(?:[^']|'')*')|([-+*/&()]))/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s+$/.test(text.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) return undefined;
    tokens.push((match[1] ?? match[2] ?? match[3]) as string);
    index = pattern.lastIndex;
  }
  return tokens;
}
