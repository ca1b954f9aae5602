import { describe, expect, it } from 'vitest';
import { parseExpression, printExpression, printSetExpression } from '../src/index.js';
import { withoutSpans } from './helpers.js';

function canonical(text: string): string {
  const r = parseExpression(text);
  expect(r.diagnostics).toEqual([]);
  const printed = printExpression(r.ast);
  expect(withoutSpans(parseExpression(printed).ast)).toEqual(withoutSpans(r.ast));
  return printed;
}

describe('printExpression', () => {
  it.each([
    ['=sum( {<Year={2024}>} Sales )*(1+[Tax Rate])', 'sum({<Year={2024}>} Sales) * (1 + [Tax Rate])'],
    ['a-(b-c)', 'a - (b - c)'],
    ['(a-b)-c', 'a - b - c'],
    ['-(a*b)', '-(a * b)'],
    ['NOT a AND b', 'not a and b'],
    ['a + (NOT b)', 'a + (not b)'],
    ['"x y" & `z`', '[x y] & z'],
    [
      "Count({$<Region-={'EU'},Year=>}DISTINCT TOTAL<Region>Id)",
      "Count({$<Region-={'EU'}, Year=>} DISTINCT TOTAL <Region> Id)",
    ],
    ['Sum({1-$} x)', 'Sum({1 - $} x)'],
    ['Sum({<A=P({<B={1}>}C)*E(D),F={"a*",x,-2}>} x)', 'Sum({<A=P({<B={1}>} C) * E(D), F={"a*", x, -2}>} x)'],
    ['$(vA) * $(=Max(Year))', '$(vA) * $(=Max(Year))'],
  ])('%s → %s', (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });
});

describe('printSetExpression', () => {
  it('prints the set expression of a call', () => {
    const { ast } = parseExpression("Sum({$<Year={2024},Region-={'EU'}>+1<Year={2023}>} Sales)");
    if (ast.kind !== 'FunctionCall' || !ast.set) throw new Error('expected a set expression');
    expect(printSetExpression(ast.set)).toBe("{$<Year={2024}, Region-={'EU'}> + 1<Year={2023}>}");
  });
});
