import { expandWith, lookupIn } from './internal/expansion.js';
import { findDollarEnd } from './internal/scanner.js';
import type { VariableEnvironment } from './variable-environment.js';

/** Options of {@link expand}. */
export interface ExpandOptions {
  /**
   * What an unknown variable (or an unevaluated `$(=…)`) becomes: `'keep'` (default) leaves the `$(…)`
   * text in place, as a placeholder for symbolic analysis; `'empty'` removes it, as the Qlik engine does.
   */
  readonly unknown?: 'keep' | 'empty';
  /** Evaluates the expression of `$(=expr)`; return undefined when it cannot. Without it, `$(=…)` counts as unknown. */
  readonly evaluate?: (expression: string) => string | undefined;
  /** How many times expansions may nest (a variable whose value expands further, …). Default 32. */
  readonly maxDepth?: number;
}

/** A `$(…)` found in a text. */
export interface ExpansionMatch {
  /** Offset of the `$`. */
  readonly start: number;
  /** Offset after the closing `)`. */
  readonly end: number;
  /** The text between `$(` and `)`. */
  readonly inner: string;
}

/**
 * Finds the top-level `$(…)` expansions of a text, in order (nested ones are inside `inner`).
 * Unterminated `$(` are skipped.
 *
 * @example
 * ```ts
 * findExpansions('[$(vPath)/Sales_$(vYear).qvd]').map((m) => m.inner); // ['vPath', 'vYear']
 * ```
 */
export function findExpansions(text: string): ExpansionMatch[] {
  const matches: ExpansionMatch[] = [];
  let i = 0;
  for (;;) {
    const k = text.indexOf('$(', i);
    if (k < 0) return matches;
    const end = findDollarEnd(text, k + 1);
    if (end < 0) {
      i = k + 2;
      continue;
    }
    matches.push({ start: k, end, inner: text.slice(k + 2, end - 1) });
    i = end;
  }
}

function validateEnvironment(env: unknown, what: string): asserts env is VariableEnvironment {
  if (env === null || typeof env !== 'object') {
    throw new TypeError(
      `${what} must be an object or a Map of variable values, got ${env === null ? 'null' : typeof env}`,
    );
  }
}

/**
 * Dollar-sign expansion, done textually as the Qlik engine does before it parses a statement:
 * `$(name)` is replaced by the variable's value, `$(name(a, b))` by the value with `$1`, `$2` replaced by
 * the arguments, `$(=expr)` by `options.evaluate(expr)`. Nested expansions are expanded first, and values
 * that contain expansions are expanded again. `$(Include=…)` / `$(Must_Include=…)` are left alone.
 * Unknown variables are kept as written (or removed with `unknown: 'empty'`).
 *
 * @example
 * ```ts
 * expand('FROM [$(vPath)/Sales_$(vYear).qvd]', { vPath: 'lib://QVDs', vYear: '2024' });
 * // 'FROM [lib://QVDs/Sales_2024.qvd]'
 * expand('$(vMissing)x', {}); // '$(vMissing)x'
 * expand('$(vMissing)x', {}, { unknown: 'empty' }); // 'x'
 * ```
 */
export function expand(text: string, env: VariableEnvironment, options: ExpandOptions = {}): string {
  if (typeof text !== 'string') throw new TypeError(`expand: text must be a string, got ${typeof text}`);
  validateEnvironment(env, 'expand: env');
  const unknown = options.unknown ?? 'keep';
  if (unknown !== 'keep' && unknown !== 'empty') {
    throw new TypeError(`expand: options.unknown must be 'keep' or 'empty', got ${String(unknown)}`);
  }
  return expandWith(text, {
    lookup: lookupIn(env),
    keepUnknown: unknown === 'keep',
    evaluate: options.evaluate,
    maxDepth: options.maxDepth ?? 32,
    budget: { left: 100_000 },
  });
}
