import type { VariableEnvironment } from '../variable-environment.js';
import { dollarParts, isIncludeBody } from './dollar.js';
import { findDollarEnd } from './scanner.js';

/** Internal options with a hook for runaway recursion. */
export interface ExpandContext {
  readonly lookup: (name: string) => string | undefined;
  readonly keepUnknown: boolean;
  readonly evaluate: ((expression: string) => string | undefined) | undefined;
  readonly maxDepth: number;
  /** Expansions left before giving up (guards against values that double at every level). */
  readonly budget: { left: number };
  onTooDeep?: (inner: string) => void;
}

/** Replaces `$1`, `$2`, … in a parameterised variable's value. */
function substituteParameters(value: string, args: readonly string[]): string {
  return value.replace(/\$(\d+)/g, (whole, n: string) => {
    const arg = args[Number(n) - 1];
    return arg === undefined ? whole : arg;
  });
}

/**
 * Resolves one expansion body (already free of nested expansions). Returns undefined when unknown.
 * Include directives are never resolved here.
 */
export function resolveExpansionBody(inner: string, ctx: ExpandContext): string | undefined {
  if (isIncludeBody(inner)) return undefined;
  const parts = dollarParts(inner);
  if (parts.form === 'expression') return ctx.evaluate ? ctx.evaluate(parts.args[0] ?? '') : undefined;
  if (parts.name === null) return undefined;
  const value = ctx.lookup(parts.name);
  if (value === undefined) return undefined;
  return parts.form === 'call' ? substituteParameters(value, parts.args) : value;
}

/** Expands every expansion of `text` (nested ones first), following values that expand further. */
export function expandWith(text: string, ctx: ExpandContext, depth = 0): string {
  if (!text.includes('$(')) return text;
  let out = '';
  let i = 0;
  for (;;) {
    const k = text.indexOf('$(', i);
    if (k < 0) return out + text.slice(i);
    const end = findDollarEnd(text, k + 1);
    if (end < 0) return out + text.slice(i);
    out += text.slice(i, k);
    const rawInner = text.slice(k + 2, end - 1);
    i = end;
    if (isIncludeBody(rawInner)) {
      out += `$(${rawInner})`;
      continue;
    }
    if (depth >= ctx.maxDepth || ctx.budget.left <= 0) {
      ctx.onTooDeep?.(rawInner);
      out += `$(${rawInner})`;
      continue;
    }
    ctx.budget.left--;
    const inner = expandWith(rawInner, ctx, depth + 1);
    const value = inner.includes('$(') ? undefined : resolveExpansionBody(inner, ctx);
    if (value === undefined) {
      if (ctx.keepUnknown) out += `$(${inner})`;
      continue;
    }
    out += expandWith(value, ctx, depth + 1);
  }
}

/** Turns the public environment into a lookup function. */
export function lookupIn(env: VariableEnvironment): (name: string) => string | undefined {
  if (env instanceof Map) return (name) => env.get(name);
  const record = env as Readonly<Record<string, string | undefined>>;
  return (name) => (Object.hasOwn(record, name) ? record[name] : undefined);
}
