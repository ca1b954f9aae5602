import { describe, expect, it } from 'vitest';
import type { Expression, FunctionCall, SetExpression } from '../src/index.js';
import { parseExpression, printExpression, printSetExpression } from '../src/index.js';
import { withoutSpans } from './helpers.js';

/** Fully parenthesised structure, to check precedence and associativity. */
function shape(e: Expression): string {
  switch (e.kind) {
    case 'BinaryExpression':
      return `(${shape(e.left)} ${e.operator} ${shape(e.right)})`;
    case 'UnaryExpression':
      return `(${e.operator} ${shape(e.operand)})`;
    case 'FunctionCall':
      return `${e.name}(${e.args.map(shape).join(', ')})`;
    default:
      return printExpression(e);
  }
}

function parse(text: string): Expression {
  const r = parseExpression(text);
  expect(r.diagnostics).toEqual([]);
  return r.ast;
}

function call(text: string): FunctionCall {
  const e = parse(text);
  if (e.kind !== 'FunctionCall') throw new Error(`expected a call, got ${e.kind}`);
  return e;
}

function setOf(text: string): SetExpression {
  const s = call(text).set;
  if (!s) throw new Error('expected a set expression');
  return s;
}

describe('parseExpression: operators and precedence', () => {
  it.each([
    ['a or b and c', '(a or (b and c))'],
    ['a xor b or c', '((a xor b) or c)'],
    ['a and b xor c', '((a and b) xor c)'],
    ['not a = b and c', '((not (a = b)) and c)'],
    ['a = b & c', '(a = (b & c))'],
    ["a like 'x*' = 1", "((a like 'x*') = 1)"],
    ['a precedes b & c', '(a precedes (b & c))'],
    ['a & b + c', '(a & (b + c))'],
    ['a + b * c', '(a + (b * c))'],
    ['a * b bitand c', '(a * (b bitand c))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b / c', '((a / b) / c)'],
    ['-a * b', '((- a) * b)'],
    ['-(a + b)', '(- (a + b))'],
    ['a - -b', '(a - (- b))'],
    ['bitnot a bitor b', '((bitnot a) bitor b)'],
    ['a >> 2 << 1', '((a >> 2) << 1)'],
    ['a <> b', '(a <> b)'],
    ['a <= b or a >= c', '((a <= b) or (a >= c))'],
    ['(a or b) and c', '((a or b) and c)'],
  ])('%s', (text, expected) => {
    expect(shape(parse(text))).toBe(expected);
  });

  it('treats operator words case-insensitively', () => {
    expect(shape(parse('a AND b Or NOT c'))).toBe('((a and b) or (not c))');
  });

  it('accepts an optional leading = (chart expressions)', () => {
    expect(withoutSpans(parse('=Sum(Sales)'))).toEqual(withoutSpans(parse('Sum(Sales)')));
  });
});

describe('parseExpression: operands', () => {
  it('reads numbers and strings with their raw text', () => {
    expect(parse('0.5')).toMatchObject({ kind: 'NumberLiteral', value: 0.5, raw: '0.5' });
    expect(parse("'it''s'")).toMatchObject({ kind: 'StringLiteral', value: "it's" });
  });

  it('reads field references in every quoting style, qualified names whole', () => {
    for (const [text, name] of [
      ['Sales', 'Sales'],
      ['[Order Date]', 'Order Date'],
      ['"Order Date"', 'Order Date'],
      ['`Order Date`', 'Order Date'],
      ['Departments.DepartmentName', 'Departments.DepartmentName'],
      ['[Sales]]2024]', 'Sales]2024'],
      ['%Key', '%Key'],
    ] as const) {
      expect(parse(text)).toMatchObject({ kind: 'FieldRef', name });
    }
  });

  it('keeps dollar expansions as nodes with their form', () => {
    expect(parse('$(vRate)')).toMatchObject({ kind: 'DollarExpansion', form: 'variable', name: 'vRate', args: [] });
    expect(parse('$(vPct(Sales, 2))')).toMatchObject({ form: 'call', name: 'vPct', args: ['Sales', '2'] });
    expect(parse('$(=Max(Year))')).toMatchObject({
      form: 'expression',
      name: null,
      args: ['Max(Year)'],
      text: '=Max(Year)',
    });
    expect(shape(parse('Sales * $(vRate) + 1'))).toBe('((Sales * $(vRate)) + 1)');
  });

  it('reads function calls, including names with # and nested calls', () => {
    expect(shape(parse("Date#(Left(x, 10), 'YYYY-MM-DD')"))).toBe("Date#(Left(x, 10), 'YYYY-MM-DD')");
    expect(call('Now()')).toMatchObject({ name: 'Now', args: [], set: null, distinct: null, all: false, total: null });
    expect(call("ApplyMap('Map', Code, 'Unknown')").args).toHaveLength(3);
  });

  it('reads aggregation qualifiers DISTINCT, NODISTINCT, ALL and TOTAL <fields>', () => {
    expect(call('Count(DISTINCT Customer)')).toMatchObject({ distinct: 'distinct', args: [{ name: 'Customer' }] });
    expect(call('Aggr(NODISTINCT Sum(x), Dim)')).toMatchObject({ distinct: 'nodistinct' });
    expect(call('Sum(ALL Sales)')).toMatchObject({ all: true });
    expect(call('Sum(TOTAL Sales)').total).toMatchObject({ kind: 'TotalQualifier', fields: [] });
    expect(call('Sum(TOTAL <Region, [Sales Rep]> Sales)').total?.fields).toEqual(['Region', 'Sales Rep']);
    expect(call('Sum({$} DISTINCT TOTAL <Year> Sales)')).toMatchObject({
      distinct: 'distinct',
      total: { fields: ['Year'] },
    });
  });

  it('treats qualifier words used alone as field names', () => {
    expect(call('Sum(Total)')).toMatchObject({ total: null, args: [{ kind: 'FieldRef', name: 'Total' }] });
    expect(call('Count(Distinct)')).toMatchObject({ distinct: null, args: [{ name: 'Distinct' }] });
  });
});

describe('parseExpression: set analysis', () => {
  it('reads identifiers alone: {1}, {$}, {$1}, {BM01}, {[State 1]}', () => {
    for (const [text, identifier] of [
      ['Sum({1} x)', '1'],
      ['Sum({$} x)', '$'],
      ['Sum({$1} x)', '$1'],
      ['Sum({$_1} x)', '$_1'],
      ['Sum({BM01} x)', 'BM01'],
      ['Sum({[State 1]} x)', 'State 1'],
    ] as const) {
      expect(setOf(text).operand).toMatchObject({ kind: 'SetEntity', identifier, modifier: null });
    }
  });

  it('reads modifiers with field → element-set assignments', () => {
    const s = setOf('Sum({$<Year={2024, 2025}, Region-={\'EU\'}, Product=, [Order Date]={">=$(vStart)"}>} Sales)');
    expect(withoutSpans(s.operand)).toEqual({
      kind: 'SetEntity',
      identifier: '$',
      modifier: {
        kind: 'SetModifier',
        items: [
          {
            kind: 'SetFieldModifier',
            field: 'Year',
            operator: '=',
            value: {
              kind: 'ElementList',
              elements: [
                { kind: 'SetElement', type: 'number', value: '2024' },
                { kind: 'SetElement', type: 'number', value: '2025' },
              ],
            },
          },
          {
            kind: 'SetFieldModifier',
            field: 'Region',
            operator: '-=',
            value: { kind: 'ElementList', elements: [{ kind: 'SetElement', type: 'literal', value: 'EU' }] },
          },
          { kind: 'SetFieldModifier', field: 'Product', operator: '=', value: null },
          {
            kind: 'SetFieldModifier',
            field: 'Order Date',
            operator: '=',
            value: { kind: 'ElementList', elements: [{ kind: 'SetElement', type: 'search', value: '>=$(vStart)' }] },
          },
        ],
      },
    });
  });

  it('reads set operators between sets and between element sets, P() and E()', () => {
    expect(printSetExpression(setOf('Sum({$ + BM01 - 1<Year={2024}>} x)'))).toBe('{$ + BM01 - 1<Year={2024}>}');
    const s = setOf("Count({<Customer=P({1<Product={'Shoe'}>} Customer) * E(Supplier), Year={2023}+{2024}>} x)");
    const [customer, year] = s.operand.kind === 'SetEntity' ? (s.operand.modifier?.items ?? []) : [];
    expect(customer).toMatchObject({
      field: 'Customer',
      value: {
        kind: 'ElementSetOperation',
        operator: '*',
        left: { kind: 'ElementFunction', name: 'P', field: 'Customer', set: { kind: 'SetExpression' } },
        right: { kind: 'ElementFunction', name: 'E', field: 'Supplier', set: null },
      },
    });
    expect(year).toMatchObject({ value: { kind: 'ElementSetOperation', operator: '+' } });
  });

  it('reads empty modifiers and dollar-expanded modifiers', () => {
    expect(setOf('Sum({<>} x)').operand).toMatchObject({ identifier: null, modifier: { items: [] } });
    expect(setOf('Sum({$<>} x)').operand).toMatchObject({ identifier: '$', modifier: { items: [] } });
    expect(setOf('Sum({<$(vFilter), Year={$(=Max(Year))}>} x)').operand).toMatchObject({
      modifier: {
        items: [
          { kind: 'DollarExpansion', name: 'vFilter' },
          { field: 'Year', value: { elements: [{ type: 'expansion', value: '$(=Max(Year))' }] } },
        ],
      },
    });
  });

  it('allows set expressions in any function, e.g. Only and Concat', () => {
    expect(call("Concat({1} DISTINCT Name, ', ')")).toMatchObject({ distinct: 'distinct', args: [{}, {}] });
  });
});

describe('parseExpression: errors', () => {
  it.each([
    ['', 'unexpected-end'],
    ['a +', 'unexpected-end'],
    ['Sum(a', 'unexpected-end'],
    ['a b', 'unexpected-token'],
    ['Sum({<Year>} x)', 'unexpected-token'],
    ['and', 'unexpected-token'],
  ])('%j gives an InvalidExpression and a %s diagnostic', (text, code) => {
    const r = parseExpression(text);
    expect(r.ast).toMatchObject({ kind: 'InvalidExpression', text });
    expect(r.diagnostics.map((d) => d.code)).toContain(code);
    expect(r.diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });

  it('reports lexical problems but still parses what the tokens say', () => {
    const r = parseExpression("'abc");
    expect(r.ast).toMatchObject({ kind: 'StringLiteral', value: 'abc' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unterminated-string']);
  });

  it('reports where the problem is', () => {
    const r = parseExpression('Sum(a,\n  ) + 1');
    expect(r.diagnostics[0]).toMatchObject({
      code: 'unexpected-token',
      span: { start: { line: 2, column: 3, offset: 9 } },
    });
  });

  it('limits nesting instead of overflowing the stack', () => {
    const r = parseExpression(`${'('.repeat(5000)}1${')'.repeat(5000)}`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['nesting-too-deep']);
    expect(parseExpression('-'.repeat(5000)).diagnostics.map((d) => d.code)).toEqual(['nesting-too-deep']);
  });

  it('expands known variables when given an environment', () => {
    const r = parseExpression('Sum(Sales) * $(vRate) + $(vOther)', { variables: { vRate: '1.25' } });
    expect(printExpression(r.ast)).toBe('Sum(Sales) * 1.25 + $(vOther)');
  });

  it('rejects bad arguments with a TypeError', () => {
    expect(() => parseExpression(null as unknown as string)).toThrow(TypeError);
    expect(() => parseExpression('a', { variables: 3 as unknown as Record<string, string> })).toThrow(
      'parseExpression: options.variables must be an object or a Map of variable values',
    );
  });
});

describe('parseExpression: Aggr dimensions with a sort', () => {
  it('reads (Field, (SortType, Ordering)) as the field, with its sort by argument index', () => {
    const { ast, diagnostics } = parseExpression(
      'Aggr(Sum(Sales), Region, (Month, (NUMERIC, DESCENDING)), (Day, (TEXT)))',
    );
    expect(diagnostics).toEqual([]);
    const call = ast as FunctionCall;
    expect(call.args.map((arg) => (arg.kind === 'FieldRef' ? arg.name : arg.kind))).toEqual([
      'FunctionCall',
      'Region',
      'Month',
      'Day',
    ]);
    expect(call.argSorts).toEqual([
      undefined,
      undefined,
      { sortType: 'NUMERIC', ordering: 'DESCENDING' },
      { sortType: 'TEXT', ordering: 'ASCENDING' },
    ]);
    expect(printExpression(call)).toBe(
      'Aggr(Sum(Sales), Region, (Month, (NUMERIC, DESCENDING)), (Day, (TEXT, ASCENDING)))',
    );
    // Other calls keep reading a parenthesised argument as an expression; a plain Aggr has no argSorts.
    expect((parseExpression('Aggr(Sum(Sales), Region)').ast as FunctionCall).argSorts).toBeUndefined();
    expect(parseExpression('Aggr(Sum(x), (Dim, (SIDEWAYS)))').diagnostics[0]?.message).toMatch(
      /Expected NUMERIC, TEXT, FREQUENCY or LOAD_ORDER/,
    );
  });
});
