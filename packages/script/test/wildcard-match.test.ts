import { describe, expect, it } from 'vitest';
import { compileWildcard, wildcardMatch } from '../src/index.js';

describe('wildcardMatch', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'ab', false],
    ['abc', 'abcd', false],
    ['', '', true],
    ['', '*', true],
    ['', '?', false],
    ['abc', '*', true],
    ['abc', 'a*', true],
    ['abc', '*c', true],
    ['abc', '*b*', true],
    ['abc', 'a?c', true],
    ['abc', '???', true],
    ['abc', '????', false],
    ['abc', '??', false],
    ['abc', 'a**c', true],
    ['aXbXc', 'a*b*c', true],
    ['abcb', 'a*b', true],
    ['abcbd', 'a*b', false],
    ['mississippi', 'm*iss*ppi', true],
    ['mississippi', 'm*iss*sppi', false],
    ['mississippi', '*s?i*', true],
    ['line1\nline2', 'line1*2', true],
    ['a.b', 'a.b', true],
    ['axb', 'a.b', false],
    ['(x)+[y]', '(x)+[y]', true],
    ['$^\\|', '$^\\|', true],
  ])('%j matches %j: %s', (text, pattern, expected) => {
    expect(wildcardMatch(text, pattern)).toBe(expected);
  });

  it('does what its TSDoc examples say', () => {
    const isSales = compileWildcard('sales*');
    expect(isSales('Sales 2024')).toBe(true);
    expect(compileWildcard('A?C', { caseSensitive: true })('abc')).toBe(false);
    expect(wildcardMatch('Qlik Sense', 'q*s?nse')).toBe(true);
    expect(wildcardMatch('a'.repeat(10_000), '*a*a*a*b')).toBe(false);
  });

  it('ignores case by default, as WildMatch, Like and searches do', () => {
    expect(wildcardMatch('Sales 2024', 'sales*')).toBe(true);
    expect(wildcardMatch('STOCKHOLM', 'st?ckh*')).toBe(true);
    expect(wildcardMatch('Ärger', 'ä*')).toBe(true);
    expect(wildcardMatch('ΣΟΦΙΑ', 'σοφ*')).toBe(true);
  });

  it('keeps the earlier RegExp rules for characters whose upper case is not one character', () => {
    // 'ß' upper-cases to 'SS': neither 'ss' nor 'ß' folds onto the other.
    expect(wildcardMatch('ß', 'ss')).toBe(false);
    expect(wildcardMatch('ß', '?')).toBe(true);
    // The long s must not match an ASCII 's'.
    expect(wildcardMatch('ſ', 's')).toBe(false);
  });

  it('compares exactly when asked (set-analysis single-quoted elements)', () => {
    const matches = compileWildcard('A*', { caseSensitive: true });
    expect(matches('Apple')).toBe(true);
    expect(matches('apple')).toBe(false);
  });

  it('counts ? in UTF-16 code units, as before', () => {
    expect(wildcardMatch('😀', '??')).toBe(true);
    expect(wildcardMatch('😀', '?')).toBe(false);
  });

  it('matches adversarial patterns in linear-ish time', () => {
    const started = performance.now();
    expect(wildcardMatch('a'.repeat(800), '*a*a*a*b')).toBe(false);
    expect(wildcardMatch('a'.repeat(10_000), '*a*a*a*a*a*a*a*a*b')).toBe(false);
    expect(wildcardMatch(`${'a'.repeat(10_000)}b`, '*a*a*a*a*a*a*a*a*b')).toBe(true);
    expect(wildcardMatch('a'.repeat(10_000), `${'*a'.repeat(50)}*b`)).toBe(false);
    expect(wildcardMatch('a'.repeat(10_000), `${'?'.repeat(5_000)}*${'a?'.repeat(100)}b`)).toBe(false);
    // Generous for a loaded 2-core machine; the old RegExp took seconds for the first line alone.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('agrees with a straightforward reference on random texts and patterns', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const pick = (alphabet: string, length: number): string =>
      Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
    for (let i = 0; i < 2_000; i++) {
      const text = pick('abAB', random(8));
      const pattern = pick('ab*?A', random(6));
      expect(wildcardMatch(text, pattern), `${text} ~ ${pattern}`).toBe(reference(text, pattern));
    }
  });

  it('folds case exactly as the RegExp i flag does, for every UTF-16 code unit', () => {
    // Lineage used `new RegExp(…, 'i')` for its path patterns: keeping its matches unchanged
    // means agreeing with that flag's folding on every single code unit.
    const units = Array.from({ length: 0x10000 }, (_, unit) => String.fromCharCode(unit));
    const disagreements: string[] = [];
    for (const char of units) {
      const partners = new Set([char.toLowerCase(), char.toUpperCase()].filter((c) => c.length === 1 && c !== char));
      for (const partner of partners) {
        const viaRegExp = new RegExp(`^${escapeRegExp(char)}$`, 'i').test(partner);
        if (wildcardMatch(partner, char) !== viaRegExp) disagreements.push(`${char} ~ ${partner}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('lets * and ? match line breaks and path separators', () => {
    expect(wildcardMatch('a\r\nb', 'a*b')).toBe(true);
    expect(wildcardMatch('a\u2028b', 'a?b')).toBe(true);
    expect(wildcardMatch('lib://qvds/2024/sales.qvd', 'lib://qvds/*.qvd')).toBe(true);
  });

  it('refuses a non-string pattern or text and a non-object options with a TypeError', () => {
    expect(() => compileWildcard(1 as never)).toThrow(
      new TypeError('compileWildcard: pattern must be a string, got number'),
    );
    expect(() => compileWildcard('*', null as never)).toThrow(
      new TypeError('compileWildcard: options must be an object, got null'),
    );
    expect(() => wildcardMatch(undefined as never, '*')).toThrow(
      new TypeError('wildcard matcher: text must be a string, got undefined'),
    );
  });
});

/** Exhaustive recursion over the pattern: slow, obviously right, fine for short inputs. */
function reference(text: string, pattern: string): boolean {
  const t = text.toUpperCase();
  const p = pattern.toUpperCase();
  const go = (i: number, j: number): boolean => {
    if (j === p.length) return i === t.length;
    if (p[j] === '*') return go(i, j + 1) || (i < t.length && go(i + 1, j));
    if (i === t.length) return false;
    return (p[j] === '?' || p[j] === t[i]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
