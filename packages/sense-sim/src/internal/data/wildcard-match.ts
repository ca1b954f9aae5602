/**
 * Qlik's `*`/`?` wildcards (WildMatch, Like, search strings, set-analysis element sets), matched
 * without regular expressions: a backtracking RegExp built from `*a*a*a*b` takes time polynomial of
 * high degree in the text length, and one such call froze the whole simulator.
 */

/** How a wildcard pattern compares characters. */
export interface WildcardOptions {
  /**
   * Compare characters exactly (set-analysis single-quoted elements). Default false: WildMatch,
   * Like and searches ignore case.
   */
  readonly caseSensitive?: boolean;
}

/** A compiled pattern: whether a whole text matches it. */
export type WildcardMatcher = (text: string) => boolean;

// Pattern slots hold a folded UTF-16 code unit (0…0xFFFF) or one of these markers.
const ANY_RUN = -1;
const ANY_ONE = -2;

const foldCache = new Map<number, number>();

/**
 * The code unit case-insensitive comparison uses. Kept to what the RegExp `i` flag (without `u`)
 * did before, so matches do not change: the upper-case form when it is a single code unit, and never
 * folding a non-ASCII character onto an ASCII one (so `ſ` does not match `s`).
 */
function fold(unit: number): number {
  if (unit < 0x80) return unit >= 0x61 && unit <= 0x7a ? unit - 0x20 : unit;
  const cached = foldCache.get(unit);
  if (cached !== undefined) return cached;
  const upper = String.fromCharCode(unit).toUpperCase();
  const folded = upper.length === 1 && upper.charCodeAt(0) >= 0x80 ? upper.charCodeAt(0) : unit;
  foldCache.set(unit, folded);
  return folded;
}

/**
 * Compiles a wildcard pattern: `*` is any run of characters (also none), `?` exactly one UTF-16
 * code unit, anything else itself; the whole text must match. Matching takes at most
 * O(text × pattern) steps, whatever the pattern.
 *
 * @example
 * ```ts
 * const isSales = compileWildcard('sales*');
 * isSales('Sales 2024'); // true
 * compileWildcard('A?C', { caseSensitive: true })('abc'); // false
 * ```
 */
export function compileWildcard(pattern: string, options: WildcardOptions = {}): WildcardMatcher {
  const caseSensitive = options.caseSensitive === true;
  const slots: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const unit = pattern.charCodeAt(i);
    if (unit === 0x2a) {
      // Consecutive stars mean the same as one; collapsing them keeps the backtracking short.
      if (slots[slots.length - 1] !== ANY_RUN) slots.push(ANY_RUN);
    } else if (unit === 0x3f) slots.push(ANY_ONE);
    else slots.push(caseSensitive ? unit : fold(unit));
  }
  const compiled = Int32Array.from(slots);
  return (text) => matchSlots(text, compiled, caseSensitive);
}

/**
 * Whether `text` matches the wildcard `pattern` as a whole (see {@link compileWildcard}).
 *
 * @example
 * ```ts
 * wildcardMatch('Qlik Sense', 'q*s?nse'); // true
 * ```
 */
export function wildcardMatch(text: string, pattern: string, options: WildcardOptions = {}): boolean {
  return compileWildcard(pattern, options)(text);
}

/**
 * Greedy scan that, on a mismatch, retries from the last `*` one character further. A later `*`
 * supersedes earlier ones — whatever they could have absorbed, the later star can too — so only
 * the last star's position is ever revisited, which bounds the work by text × pattern.
 */
function matchSlots(text: string, slots: Int32Array, caseSensitive: boolean): boolean {
  const n = text.length;
  const m = slots.length;
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < n) {
    const slot = p < m ? (slots[p] as number) : ANY_ONE - 1;
    if (slot === ANY_RUN) {
      starP = p;
      starT = t;
      p++;
      continue;
    }
    if (slot === ANY_ONE || (slot >= 0 && slot === unitAt(text, t, caseSensitive))) {
      p++;
      t++;
      continue;
    }
    if (starP < 0) return false;
    p = starP + 1;
    starT++;
    t = starT;
  }
  while (p < m && slots[p] === ANY_RUN) p++;
  return p === m;
}

function unitAt(text: string, i: number, caseSensitive: boolean): number {
  const unit = text.charCodeAt(i);
  return caseSensitive ? unit : fold(unit);
}
