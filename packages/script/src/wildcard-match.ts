/**
 * Qlik's `*`/`?` wildcards (WildMatch, Like, search strings, set-analysis element sets, FileList
 * masks, QUALIFY field lists, lineage's path patterns), matched without regular expressions: a
 * backtracking RegExp built from `*a*a*a*b` takes time polynomial of high degree in the text
 * length, and one such call froze the whole simulator. Both the executor and lineage see hostile
 * or unlucky patterns, so both match through this one module.
 */

/** How a wildcard pattern compares characters. */
export interface WildcardOptions {
  /**
   * Compare characters exactly (set-analysis single-quoted elements, field names). Default false:
   * WildMatch, Like and searches ignore case.
   */
  readonly caseSensitive?: boolean;
}

/** A compiled pattern: whether a whole text matches it. */
export type WildcardMatcher = (text: string) => boolean;

// Pattern slots hold a folded UTF-16 code unit (0…0xFFFF) or one of these markers.
const ANY_RUN = -1;
const ANY_ONE = -2;
// Past the end of the pattern: equal to no marker and no code unit.
const PAST_END = -3;

const foldCache = new Map<number, number>();

/**
 * The code unit case-insensitive comparison uses. Kept to what the RegExp `i` flag (without `u`)
 * does, so matches do not change for callers that used such a RegExp before: the upper-case form
 * when it is a single code unit, and never folding a non-ASCII character onto an ASCII one (so `ſ`
 * does not match `s`).
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
 * Compiles a Qlik wildcard pattern: `*` is any run of characters (also none, also line breaks and
 * `/`), `?` exactly one UTF-16 code unit, anything else itself; the whole text must match. Matching
 * takes at most O(text × pattern) steps, whatever the pattern — safe for patterns and texts that
 * come from clients or from production scripts.
 *
 * Case-insensitive by default, folding characters as the RegExp `i` flag does (`ä` matches `Ä`;
 * `ß` does not match `ss`, `ſ` does not match `s`).
 *
 * @param pattern - the wildcard pattern
 * @param options - `caseSensitive: true` compares characters exactly
 * @returns a function telling whether a whole text matches the pattern
 * @throws TypeError when `pattern` is not a string or `options` is not an object
 *
 * @example
 * ```ts
 * import { compileWildcard } from '@qixflow/script';
 *
 * const isSales = compileWildcard('sales*');
 * isSales('Sales 2024'); // true
 * compileWildcard('A?C', { caseSensitive: true })('abc'); // false
 * ```
 */
export function compileWildcard(pattern: string, options: WildcardOptions = {}): WildcardMatcher {
  if (typeof pattern !== 'string') {
    throw new TypeError(`compileWildcard: pattern must be a string, got ${typeof pattern}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `compileWildcard: options must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
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
  return (text) => {
    if (typeof text !== 'string') throw new TypeError(`wildcard matcher: text must be a string, got ${typeof text}`);
    return matchSlots(text, compiled, caseSensitive);
  };
}

/**
 * Whether `text` matches the wildcard `pattern` as a whole (see {@link compileWildcard}). Compile
 * once with `compileWildcard` when one pattern is tried against many texts.
 *
 * @param text - the text to test
 * @param pattern - the wildcard pattern
 * @param options - `caseSensitive: true` compares characters exactly
 * @throws TypeError when `text` or `pattern` is not a string or `options` is not an object
 *
 * @example
 * ```ts
 * import { wildcardMatch } from '@qixflow/script';
 *
 * wildcardMatch('Qlik Sense', 'q*s?nse'); // true
 * wildcardMatch('a'.repeat(10_000), '*a*a*a*b'); // false, in well under a millisecond
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
    const slot = p < m ? (slots[p] as number) : PAST_END;
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
