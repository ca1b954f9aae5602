import { describe, expect, it } from 'vitest';
import {
  type EvaluationEnvironment,
  evaluateRow,
  type RowContext,
} from '../../../../src/internal/data/expressions/evaluate-expression.js';
import { parseExpressionText } from '../../../../src/internal/data/expressions/script-bridge.js';
import { DEFAULT_FORMAT_SETTINGS, formatSettings } from '../../../../src/internal/data/formats/format-settings.js';
import type { Cell } from '../../../../src/internal/data/model/loaded-model.js';
import { cell } from '../model-fixtures.js';

const env: EvaluationEnvironment = {
  settings: DEFAULT_FORMAT_SETTINGS,
  variable: (name) => ({ vTen: '10', vExpr: '=2*3', vText: 'hello there', vFormula: 'vTen + 1' })[name],
  now: () => Date.UTC(2024, 1, 29, 13, 30),
  mapping: (name) =>
    name === 'CountryMap' ? { lookup: (key) => ({ SE: cell('Sweden'), NO: cell('Norway') })[key.text] } : undefined,
};

const row: RowContext = {
  value: (field) => ({ Name: cell('alice'), Amount: cell(12.5), Empty: null, Code: cell('007') })[field],
  recNo: () => 3,
  rowNo: () => 2,
  iterNo: () => 1,
};

function evaluate(text: string, context: RowContext = row, environment: EvaluationEnvironment = env): Cell {
  return evaluateRow(parseExpressionText(text), context, environment);
}

/** The text of a result ('<null>' for NULL). */
function text(expression: string): string {
  const value = evaluate(expression);
  return value === null ? '<null>' : value.text;
}

/** The number of a result (NaN for NULL and text). */
function num(expression: string): number {
  const value = evaluate(expression);
  return value === null ? Number.NaN : value.num;
}

describe('operators', () => {
  it('propagates NULL through arithmetic but not through &', () => {
    expect(evaluate('1 + Null()')).toBeNull();
    expect(evaluate('Empty * 0')).toBeNull();
    expect(evaluate('2 / 0')).toBeNull();
    expect(text("'a' & Null()")).toBe('a');
    expect(evaluate('Null() & Null()')).toBeNull();
  });

  it('compares numbers as numbers and texts case-insensitively, with the NULL rules', () => {
    expect(num("'abc' = 'ABC'")).toBe(-1);
    expect(num("3 = '3'")).toBe(-1);
    expect(num("'10' < '9'")).toBe(0);
    expect(num("'b' > 'a'")).toBe(-1);
    expect(num('Null() = 1')).toBe(0);
    expect(num('1 <> Null()')).toBe(-1);
    expect(evaluate('Null() = Null()')).toBeNull();
    expect(num("'abc' like 'A*'")).toBe(-1);
  });

  it('uses -1 and 0 as booleans and reads non-zero numbers as true', () => {
    expect(num('1 and 2')).toBe(-1);
    expect(num('0 or Null()')).toBe(0);
    expect(num('not 0')).toBe(-1);
    expect(num('1 xor 1')).toBe(0);
  });

  it('concatenates texts and keeps numeric text usable in arithmetic', () => {
    expect(text("Name & '-' & Amount")).toBe('alice-12.5');
    expect(num("'3' + 4")).toBe(7);
    expect(num('Code + 1')).toBe(8);
    expect(num('-Amount')).toBe(-12.5);
  });
});

describe('conditional and logical functions', () => {
  it('evaluates If, Pick, Alt and Coalesce', () => {
    expect(text("If(Amount > 10, 'big', 'small')")).toBe('big');
    expect(evaluate('If(Null(), 1)')).toBeNull();
    expect(num('If(Null(), 1, 2)')).toBe(2);
    expect(text("Pick(2, 'a', 'b', 'c')")).toBe('b');
    expect(evaluate("Pick(4, 'a', 'b', 'c')")).toBeNull();
    expect(num("Alt(Name, Empty, 'x', 5)")).toBe(5);
    expect(text("Alt(Name, 'none')")).toBe('none');
    expect(text("Coalesce(Empty, Null(), 'c')")).toBe('c');
  });

  it('matches case-sensitively, mixed-case and with wildcards', () => {
    expect(num("Match('b', 'a', 'b')")).toBe(2);
    expect(num("Match('B', 'a', 'b')")).toBe(0);
    expect(num("MixMatch('B', 'a', 'b')")).toBe(2);
    expect(num("WildMatch('Alice', 'b*', 'A?ic*')")).toBe(2);
  });

  it('tests types', () => {
    expect(num('IsNull(Empty)')).toBe(-1);
    expect(num('IsNull(Name)')).toBe(0);
    expect(num('IsNum(Amount)')).toBe(-1);
    expect(num("IsNum('12')")).toBe(-1);
    expect(num('IsNum(Empty)')).toBe(0);
    expect(num('IsText(Name)')).toBe(-1);
    expect(num('IsText(Amount)')).toBe(0);
  });
});

describe('string functions', () => {
  it('slices, searches and transforms text', () => {
    expect(num('Len(Name)')).toBe(5);
    expect(text('Left(Name, 2)')).toBe('al');
    expect(text('Right(Name, 3)')).toBe('ice');
    expect(text('Mid(Name, 2, 3)')).toBe('lic');
    expect(text('Mid(Name, 3)')).toBe('ice');
    expect(num("Index('abcabc', 'c')")).toBe(3);
    expect(num("Index('abcabc', 'c', 2)")).toBe(6);
    expect(num("Index('abcabc', 'c', -1)")).toBe(6);
    expect(num("Index('abc', 'x')")).toBe(0);
    expect(text('Upper(Name)')).toBe('ALICE');
    expect(text("Lower('ABC')")).toBe('abc');
    expect(text("Trim('  a b  ')")).toBe('a b');
    expect(text("LTrim('  a ')")).toBe('a ');
    expect(text("RTrim(' a  ')")).toBe(' a');
    expect(text("Replace('a-b-c', '-', '+')")).toBe('a+b+c');
    expect(text("SubField('a;b;c', ';', 2)")).toBe('b');
    expect(text("SubField('a;b;c', ';', -1)")).toBe('c');
    expect(text('Chr(65)')).toBe('A');
    expect(num("Ord('A')")).toBe(65);
    expect(text("Repeat('ab', 3)")).toBe('ababab');
    expect(text("Capitalize('hello wORLD')")).toBe('Hello World');
    expect(evaluate('Len(Empty)')).toBeNull();
  });

  it('reproduces the ctrl00 letters', () => {
    const letters = [1, 2, 26].map((recNo) => {
      const value = evaluateRow(
        parseExpressionText("Chr(RecNo()+Ord('A')-1)"),
        { value: () => undefined, recNo: () => recNo },
        env,
      );
      return value?.text;
    });
    expect(letters).toEqual(['A', 'B', 'Z']);
  });
});

describe('numeric functions', () => {
  it('computes remainders, rounding and powers', () => {
    expect(num('Mod(-7, 2)')).toBe(1);
    expect(num('Fmod(-7, 2)')).toBe(-1);
    expect(num('Div(7, 2)')).toBe(3);
    expect(num('Round(2.5)')).toBe(3);
    expect(num('Round(3.14159, 0.01)')).toBe(3.14);
    expect(num('Round(17, 5)')).toBe(15);
    expect(num('Ceil(1.2)')).toBe(2);
    expect(num('Floor(-1.5)')).toBe(-2);
    expect(num('Sqrt(16)')).toBe(4);
    expect(num('Pow(2, 10)')).toBe(1024);
    expect(num('Exp(0)')).toBe(1);
    expect(num('Log(Exp(2))')).toBe(2);
    expect(num('Sign(-3)')).toBe(-1);
    expect(num('Fabs(-2)')).toBe(2);
    expect(evaluate('Sqrt(-1)')).toBeNull();
    expect(num('RangeSum(1, Empty, 2)')).toBe(3);
  });
});

describe('formatting and interpretation', () => {
  it('formats numbers and keeps duals', () => {
    expect(evaluate("Num(1234.5, '#,##0.00')")).toEqual({ text: '1,234.50', num: 1234.5 });
    expect(text("Num(0.125, '0.0%')")).toBe('12.5%');
    expect(text("Num(-3, '0;(0)')")).toBe('(3)');
    expect(text("Num(1234.567, '# ##0,0', ',', ' ')")).toBe('1 234,6');
    expect(evaluate('Text(12)')).toEqual({ text: '12', num: Number.NaN });
    expect(evaluate("Dual('Jan', 1)")).toEqual({ text: 'Jan', num: 1 });
    expect(evaluate("Num#('1,234.5', '#,##0.0')")).toEqual({ text: '1,234.5', num: 1234.5 });
  });

  it('works with dates as serial numbers, formatted by DateFormat', () => {
    expect(evaluate('Date(45322)')).toEqual({ text: '1/31/2024', num: 45322 });
    expect(evaluate("Date(45322, 'YYYY-MM-DD')")).toEqual({ text: '2024-01-31', num: 45322 });
    expect(evaluate("Date#('2024-02-29', 'YYYY-MM-DD')")).toEqual({ text: '2024-02-29', num: 45351 });
    expect(evaluate("Date#('2024-02-30', 'YYYY-MM-DD')")).toBeNull();
    expect(num('MakeDate(2024, 2, 29)')).toBe(45351);
    expect(num('Year(45351)')).toBe(2024);
    expect(evaluate('Month(45351)')).toEqual({ text: 'Feb', num: 2 });
    expect(num('Day(45351)')).toBe(29);
    expect(evaluate('WeekDay(45351)')).toEqual({ text: 'Thu', num: 3 });
    expect(num('Week(45351)')).toBe(9);
    expect(num('Week(MakeDate(2021, 1, 1))')).toBe(53);
    expect(evaluate('MonthStart(45351)')).toEqual({ text: '2/1/2024', num: 45323 });
    expect(num('Floor(MonthEnd(45323))')).toBe(45351);
    expect(text('MonthEnd(45323)')).toBe('2/29/2024');
    expect(num('YearStart(45351)')).toBe(45292);
    expect(text("Timestamp(45351.5, 'YYYY-MM-DD hh:mm:ss')")).toBe('2024-02-29 12:00:00');
    expect(text("Time(0.75, 'hh:mm')")).toBe('18:00');
    expect(num("Year('2024-02-29')")).toBe(2024);
  });

  it('reads the formats from the script variables', () => {
    const iso: EvaluationEnvironment = {
      ...env,
      settings: formatSettings((name) => (name === 'DateFormat' ? 'YYYY-MM-DD' : undefined)),
    };
    expect(evaluate('Date(45351)', row, iso)?.text).toBe('2024-02-29');
  });

  it('takes Today and Now from the clock, in local time', () => {
    const offsetDays = -new Date(Date.UTC(2024, 1, 29, 13, 30)).getTimezoneOffset() / 1440;
    expect(num('Now()')).toBeCloseTo(45351 + 13.5 / 24 + offsetDays, 6);
    expect(num('Today()')).toBe(Math.floor(45351 + 13.5 / 24 + offsetDays));
  });
});

describe('context functions and variables', () => {
  it('reads RecNo, RowNo and IterNo from the row', () => {
    expect(num('RecNo()')).toBe(3);
    expect(num('RowNo()')).toBe(2);
    expect(num('IterNo()')).toBe(1);
  });

  it('maps values with ApplyMap, with the default or the key when unmapped', () => {
    expect(text("ApplyMap('CountryMap', 'SE')")).toBe('Sweden');
    expect(text("ApplyMap('CountryMap', 'DK', 'unknown')")).toBe('unknown');
    expect(text("ApplyMap('CountryMap', 'DK')")).toBe('DK');
    expect(() => evaluate("ApplyMap('Nope', 'x')")).toThrow('Error in expression: mapping table Nope not found');
  });

  it('reads variables by name and through $(…)', () => {
    expect(num('vTen * 2')).toBe(20);
    expect(num('vExpr + 1')).toBe(7);
    expect(num('vFormula')).toBe(11);
    expect(text('vText')).toBe('hello there');
    expect(num('$(vTen) + 1')).toBe(11);
  });

  it('names unknown fields and unsupported functions in the error', () => {
    expect(() => evaluate('Nope + 1')).toThrow('Error in expression: field Nope not found');
    expect(() => evaluate('Foo(1)')).toThrow('Error in expression: function Foo is not supported');
    expect(() => evaluate('Sum(Amount)')).toThrow('Error in expression: aggregation function Sum is not allowed here');
    expect(() => evaluate('Left(Name)')).toThrow('Error in expression: Left takes 2 arguments');
  });

  it('aggregates over the rows of a group when the row has some', () => {
    const groupRows = [12, 5, null].map((amount) => ({
      value: (field: string) => (field === 'Amount' ? cell(amount) : undefined),
    }));
    const grouped: RowContext = { value: () => undefined, groupRows: () => groupRows };
    expect(evaluate('Sum(Amount)', grouped)?.num).toBe(17);
    expect(evaluate('Count(Amount)', grouped)?.num).toBe(2);
  });
});
