import { describe, expect, it } from 'vitest';
import {
  compiledRowBinder,
  compiledRowEvaluator,
} from '../../../../src/internal/data/expressions/compile-expression.js';
import {
  type EvaluationEnvironment,
  evaluateRow,
  type RowContext,
} from '../../../../src/internal/data/expressions/evaluate-expression.js';
import { parseExpressionText } from '../../../../src/internal/data/expressions/script-bridge.js';
import { DEFAULT_FORMAT_SETTINGS } from '../../../../src/internal/data/formats/format-settings.js';
import type { Cell } from '../../../../src/internal/data/model/loaded-model.js';
import { cell } from '../model-fixtures.js';

const env: EvaluationEnvironment = {
  settings: DEFAULT_FORMAT_SETTINGS,
  variable: (name) => ({ vTen: '10', vExpr: '=2*3', vFormula: 'vTen + 1' })[name],
  now: () => Date.UTC(2024, 1, 29, 13, 30),
};

const row: RowContext = {
  value: (field) => ({ Name: cell('alice'), Amount: cell(12.5), Empty: null, Code: cell('007') })[field],
  recNo: () => 3,
  rowNo: () => 2,
  iterNo: () => 1,
};

/** What an evaluation gives: the value as [text, number], or the error message. */
function outcome(evaluate: () => Cell): unknown {
  try {
    const value = evaluate();
    return value === null ? null : [value.text, Number.isNaN(value.num) ? 'NaN' : value.num];
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('compiled LOAD expressions give what the evaluator gives', () => {
  const compiled = compiledRowEvaluator(row, env);
  it.each([
    '1 + 2 * 3',
    "'a' & Name & Empty",
    'Empty & Empty',
    'Amount / 0',
    'Amount / 4',
    '-Amount + 1',
    'Code = 7',
    "Name < 'bob'",
    'Amount >= 12.5 and Name',
    '0 and NoSuchField',
    '1 or NoSuchField',
    'Mod(RecNo(), 2) + Round(Amount, 0.1)',
    "If(Amount > 10, 'big', 'small')",
    "If(Amount > 100, 'big')",
    'If(1)',
    'Mod(1)',
    'Upper(Name) & Len(Code)',
    'vTen * 2',
    'vFormula',
    'vExpr',
    '$(vTen) + 1',
    'Sum(Amount)',
    'Count(DISTINCT Name)',
    'NoSuchFunction(1)',
    'RecNo() + RowNo() + IterNo()',
    'Amount bitand 4',
    'Name like "al*"',
    ...NUMERIC_CASES,
  ])('%s', (text) => {
    const expression = parseExpressionText(text);
    const expected = outcome(() => evaluateRow(expression, row, env));
    expect(outcome(() => compiled(expression))).toEqual(expected);
    // Evaluated again (the compiled form is kept per expression), still the same.
    expect(outcome(() => compiled(expression))).toEqual(expected);
  });
});

/** Expressions that are numbers by construction (arithmetic, numeric functions), and their edges. */
const NUMERIC_CASES = [
  'Mod(RecNo(), 2) + 1',
  'Mod(-7, 2)',
  'Mod(Name, 2)',
  'Mod(7.5, 2)',
  'Mod(7, 0)',
  'Abs(Code) * 2',
  'Round(Amount)',
  'Round(Amount, 0.1, Empty)',
  'Round(Rand() * 0, 0.01)',
  'Floor(Amount, 5, 1)',
  'Sqrt(-1) + 1',
  'Exp(1000)',
  'Exp(1000) - Exp(1000)',
  '1e400',
  '1e400 * 0',
  '-(Amount)',
  '+Code',
  '-Name',
  'Div(RowNo() + IterNo(), 0)',
  "Pow(2, 10) & ''",
  'Pi() * 2 - E()',
];

describe('bound LOAD expressions (numbers without cells)', () => {
  const bind = compiledRowBinder(row, env);
  it.each(NUMERIC_CASES)('%s: the number form and the cell agree with the evaluator', (text) => {
    const expression = parseExpressionText(text);
    const expected = outcome(() => evaluateRow(expression, row, env));
    const bound = bind(expression);
    expect(outcome(() => bound.cell())).toEqual(expected);
    if (bound.number) {
      const num = bound.number();
      expect(Number.isFinite(num) || Number.isNaN(num)).toBe(true);
      expect(Number.isNaN(num) ? null : [expect.any(String), num]).toEqual(expected);
    }
  });

  it('gives a number form to arithmetic and numeric functions only', () => {
    const numberForm = (text: string): boolean => bind(parseExpressionText(text)).number !== undefined;
    expect(numberForm('Mod(RecNo(), 100)')).toBe(true);
    expect(numberForm('Round(Rand() * 100, 0.01)')).toBe(true);
    expect(numberForm('Amount + 1')).toBe(true);
    expect(numberForm('Amount')).toBe(false);
    expect(numberForm('1e400')).toBe(false);
    expect(numberForm("Chr(65 + Mod(RecNo(), 26)) & 'x'")).toBe(false);
    expect(numberForm('If(Amount > 1, 1, 2)')).toBe(false);
  });
});
