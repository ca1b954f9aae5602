import { describe, expect, it } from 'vitest';
import { fieldsOf, parseExpression } from '../src/index.js';

describe('fieldsOf', () => {
  it('lists fields, functions and aggregations of a chart expression', () => {
    expect(fieldsOf('Sum(Sales * (1 - [Discount %])) / Count(DISTINCT TOTAL <Region> Customer)')).toEqual({
      fields: ['Sales', 'Discount %', 'Region', 'Customer'],
      setFields: [],
      functions: ['Sum', 'Count'],
      aggregations: ['Sum', 'Count'],
      variables: [],
      mappings: [],
    });
  });

  it('separates set-analysis fields and ignores set identifiers', () => {
    const r = fieldsOf(
      'Sum({BM01 * $<Year={2024}, Region=P({1<Country={\'SE\'}>} Region), Margin={"=Sum(Cost) > 0"}>} Sales)',
    );
    expect(r.fields).toEqual(['Sales']);
    expect(r.setFields).toEqual(['Year', 'Region', 'Country', 'Margin', 'Cost']);
    expect(r.aggregations).toEqual(['Sum']);
  });

  it('reports variables and looks inside $(=…)', () => {
    expect(fieldsOf('Sales * $(vRate) + $(vFn(Cost))')).toMatchObject({
      fields: ['Sales'],
      variables: ['vRate', 'vFn'],
    });
    expect(fieldsOf('$(=Max(Year))')).toMatchObject({ fields: ['Year'], aggregations: ['Max'] });
    expect(fieldsOf('Sum({<Year={$(vYear)}>} x)')).toMatchObject({ variables: ['vYear'] });
  });

  it('names mapping tables used by ApplyMap and MapSubString', () => {
    expect(fieldsOf("ApplyMap('RegionMap', RegionCode, 'Unknown') & MapSubString('Abbr', Name)")).toMatchObject({
      fields: ['RegionCode', 'Name'],
      mappings: ['RegionMap', 'Abbr'],
    });
  });

  it('de-duplicates: fields by exact name, functions case-insensitively', () => {
    expect(fieldsOf('sum(a) + SUM(a) + Sum(A)')).toMatchObject({ fields: ['a', 'A'], functions: ['sum'] });
  });

  it('accepts an AST, and falls back to scanning text that does not parse', () => {
    expect(fieldsOf(parseExpression('Avg([Order Value])').ast).fields).toEqual(['Order Value']);
    expect(fieldsOf('Sum(Sales) Sales2 [Other]')).toMatchObject({
      fields: ['Sales', 'Sales2', 'Other'],
      functions: ['Sum'],
    });
  });
});
