import { describe, expect, it } from 'vitest';
import { evaluateRow, type RowContext } from '../../../../src/internal/data/expressions/evaluate-expression.js';
import { ExpressionError } from '../../../../src/internal/data/expressions/expression-error.js';
import { parseExpressionText } from '../../../../src/internal/data/expressions/script-bridge.js';
import { checkTextLength, MAX_TEXT_LENGTH } from '../../../../src/internal/data/expressions/text-limit.js';
import { DEFAULT_FORMAT_SETTINGS } from '../../../../src/internal/data/formats/format-settings.js';

const row: RowContext = { value: () => undefined, recNo: () => 1, rowNo: () => 1, iterNo: () => 1 };

function text(expression: string): string | undefined {
  return evaluateRow(parseExpressionText(expression), row, {
    settings: DEFAULT_FORMAT_SETTINGS,
    variable: () => undefined,
  })?.text;
}

describe('the maximum text length', () => {
  it('is 10 Mi characters', () => {
    expect(MAX_TEXT_LENGTH).toBe(10 * 1024 * 1024);
    expect(() => checkTextLength(MAX_TEXT_LENGTH, 'Repeat')).not.toThrow();
    expect(() => checkTextLength(MAX_TEXT_LENGTH + 1, 'Repeat')).toThrow(
      new ExpressionError(
        `Repeat would produce a text of ${MAX_TEXT_LENGTH + 1} characters, over the maximum text length of ${MAX_TEXT_LENGTH} characters`,
      ),
    );
  });

  it.each([
    ["Repeat('ab', 6000000)", 'Repeat', 12_000_000],
    ["Repeat(Repeat('x', 5000), 5000)", 'Repeat', 25_000_000],
    ["Replace(Repeat('a', 4000000), 'a', 'bcd')", 'Replace', 12_000_000],
    ["Repeat('x', 8000000) & Repeat('y', 8000000)", "'&'", 16_000_000],
  ])('stops %s before building it', (expression, producer, length) => {
    expect(() => text(expression)).toThrow(
      `Error in expression: ${producer} would produce a text of ${length} characters, over the maximum text length of ${MAX_TEXT_LENGTH} characters`,
    );
  });

  it('lets texts up to the limit through', () => {
    expect(text(`Len(Repeat('x', ${MAX_TEXT_LENGTH}))`)).toBe(String(MAX_TEXT_LENGTH));
    expect(text(`Len(Replace(Repeat('ab', ${MAX_TEXT_LENGTH / 8}), 'b', 'bcd'))`)).toBe(String(MAX_TEXT_LENGTH / 2));
  });
});
