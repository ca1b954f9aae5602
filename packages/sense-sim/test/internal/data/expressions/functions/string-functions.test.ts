import { describe, expect, it } from 'vitest';
import { evaluateRow, type RowContext } from '../../../../../src/internal/data/expressions/evaluate-expression.js';
import { parseExpressionText } from '../../../../../src/internal/data/expressions/script-bridge.js';
import { DEFAULT_FORMAT_SETTINGS } from '../../../../../src/internal/data/formats/format-settings.js';

const row: RowContext = { value: () => undefined, recNo: () => 1, rowNo: () => 1, iterNo: () => 1 };

function text(expression: string): string | undefined {
  return evaluateRow(parseExpressionText(expression), row, {
    settings: DEFAULT_FORMAT_SETTINGS,
    variable: () => undefined,
  })?.text;
}

describe('Replace and SubStringCount', () => {
  it('keep $ sequences in the replacement literal', () => {
    expect(text("Replace('a-b', '-', '$&$&')")).toBe('a$&$&b');
    expect(text("Replace('a-b', '-', '$1')")).toBe('a$1b');
  });

  it('count and replace non-overlapping occurrences from the left', () => {
    expect(text("SubStringCount('aaaa', 'aa')")).toBe('2');
    expect(text("SubStringCount('abc', '')")).toBe('0');
    expect(text("SubStringCount('abcabc', 'c')")).toBe('2');
    expect(text("Replace('aaa', 'aa', 'b')")).toBe('ba');
    expect(text("Replace('abc', '', 'x')")).toBe('abc');
  });
});

describe('Trim, LTrim and RTrim', () => {
  it.each([
    ["Trim('  a b  ')", 'a b'],
    ["LTrim('  a b  ')", 'a b  '],
    ["RTrim('  a b  ')", '  a b'],
    ["Trim('    ')", ''],
    ["LTrim('')", ''],
    // Only spaces: tabs stay, as in the engine.
    ["Trim(Chr(9) & ' a ')", '\t a'],
  ])('%s is %j', (expression, expected) => {
    expect(text(expression)).toBe(expected);
  });

  it('take linear time on long runs of spaces', () => {
    const started = performance.now();
    expect(text("Len(RTrim(Repeat(' ', 200000) & 'x'))")).toBe('200001');
    expect(text("Len(Trim('x' & Repeat(' ', 200000) & 'x'))")).toBe('200002');
    expect(text("Len(LTrim(Repeat(' ', 200000)))")).toBe('0');
    // A regular expression took 15 s for the first line with half the spaces.
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('PurgeChar, KeepChar and FindOneOf', () => {
  it.each([
    ["PurgeChar('a1b2c3', '123')", 'abc'],
    ["KeepChar('a1b2c3', '123')", '123'],
    ["FindOneOf('my text', 'et')", '4'],
    ["FindOneOf('my text', 'et', 3)", '7'],
    ["FindOneOf('my text', 'xyz', 2)", '6'],
    ["FindOneOf('my text', 'qz')", '0'],
    ["PurgeChar('a😀b', '😀')", 'ab'],
  ])('%s is %j', (expression, expected) => {
    expect(text(expression)).toBe(expected);
  });

  it('take linear time when both texts are long', () => {
    const started = performance.now();
    expect(text("Len(PurgeChar(Repeat('a', 200000), Repeat('b', 200000)))")).toBe('200000');
    expect(text("Len(KeepChar(Repeat('a', 200000), Repeat('b', 200000)))")).toBe('0');
    expect(text("FindOneOf(Repeat('a', 200000), Repeat('b', 200000))")).toBe('0');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
