import type { DollarExpansionForm } from '../ast.js';

/** The parts of a `$(…)` body. */
export interface DollarParts {
  readonly form: DollarExpansionForm;
  readonly name: string | null;
  readonly args: readonly string[];
}

const INCLUDE_RE = /^\s*(must_include|include)\s*=([\s\S]*)$/i;

/** Splits `text` at commas that are outside parentheses, brackets and quotes. */
function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '[') quote = ']';
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whether a `$(…)` body is an include directive. */
export function isIncludeBody(inner: string): boolean {
  return INCLUDE_RE.test(inner);
}

/** Interprets the text between `$(` and `)`. */
export function dollarParts(inner: string): DollarParts {
  const include = INCLUDE_RE.exec(inner);
  if (include) {
    const must = (include[1] ?? '').toLowerCase() === 'must_include';
    return { form: 'include', name: must ? 'Must_Include' : 'Include', args: [(include[2] ?? '').trim()] };
  }
  const trimmed = inner.trim();
  if (trimmed.startsWith('=')) return { form: 'expression', name: null, args: [trimmed.slice(1)] };
  const open = trimmed.indexOf('(');
  if (open > 0 && trimmed.endsWith(')')) {
    const name = trimmed.slice(0, open).trim();
    const body = trimmed.slice(open + 1, -1);
    const args = body.trim() === '' ? [] : splitTopLevel(body).map((a) => a.trim());
    return { form: 'call', name, args };
  }
  return { form: 'variable', name: trimmed, args: [] };
}

/** Removes one pair of enclosing `[…]`, `'…'` or `"…"` from a path. */
export function unquotePath(path: string): string {
  const p = path.trim();
  if (p.length >= 2) {
    const first = p[0];
    const last = p[p.length - 1];
    if ((first === '[' && last === ']') || (first === "'" && last === "'") || (first === '"' && last === '"')) {
      return p.slice(1, -1);
    }
  }
  return p;
}
