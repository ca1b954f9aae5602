import { describe, expect, it } from 'vitest';
import { DataEngine } from '../../../../src/internal/data/data-engine.js';
import { salesModel } from '../model-fixtures.js';

function engineWith(selections: Record<string, string[]> = {}): DataEngine {
  const engine = new DataEngine(salesModel(), {
    variable: (name) => ({ vYear: '2023', vSales: 'Sum(Quantity)', vCalc: '=Max(Year)' })[name],
  });
  for (const [field, values] of Object.entries(selections)) {
    engine.fieldSelector(field)?.selectValues(values.map((qText) => ({ qText })));
  }
  return engine;
}

describe('aggregations over the possible records', () => {
  it('sums, counts and averages', () => {
    const engine = engineWith();
    expect(engine.evaluateText('=Sum(Quantity)')).toBe('17');
    expect(engine.evaluateText('Count(OrderID)')).toBe('7');
    expect(engine.evaluateText('Count(DISTINCT Year)')).toBe('2');
    expect(engine.evaluateText('Count(DISTINCT CustomerID)')).toBe('4');
    expect(engine.evaluateText('Avg(Quantity)')).toBe('2.4285714285714');
    expect(engine.evaluateText("Min(Price) & '-' & Max(Price)")).toBe('4-25');
    expect(engine.evaluateText('Max(Quantity, 2)')).toBe('4');
    expect(engine.evaluateText('Sum(DISTINCT Quantity)')).toBe('15');
    expect(engine.evaluateText('NullCount(Customer)')).toBe('0');
    expect(engine.evaluateText('NumericCount(Customer)')).toBe('0');
    expect(engine.evaluateText('MinString(Customer) & MaxString(Customer)')).toBe('AliceDave');
  });

  it('joins the tables an expression needs, counting each record once', () => {
    const engine = engineWith();
    // Order 7 refers to a product that does not exist: Quantity*NULL drops out.
    expect(engine.evaluateText('Sum(Quantity * Price)')).toBe('175');
    expect(engine.evaluateText("Sum(If(Product = 'Apple', Quantity))")).toBe('8');
  });

  it('follows the selections', () => {
    const engine = engineWith({ Country: ['Sweden'] });
    expect(engine.evaluateText('Sum(Quantity)')).toBe('8');
    expect(engine.evaluateText('Sum(Quantity * Price)')).toBe('109');
    // Products bought in Sweden: P1, P2, P3, each counted once.
    expect(engine.evaluateText('Sum(Price)')).toBe('39');
    expect(engine.evaluateText('Only(Country)')).toBe('Sweden');
    expect(engine.evaluateText('Only(Customer)')).toBe('-');
    expect(engine.evaluateText("Concat(DISTINCT Customer, ', ')")).toBe('Alice, Carol');
  });

  it('reads a field outside an aggregation as Only()', () => {
    expect(engineWith({ Customer: ['Bob'] }).evaluateText("Country & ': ' & Sum(Quantity)")).toBe('Norway: 9');
  });

  it('returns EvaluateEx duals', () => {
    const engine = engineWith();
    expect(engine.evaluate('Sum(Quantity)')).toEqual({ qText: '17', qIsNumeric: true, qNumber: 17 });
    expect(engine.evaluate("'x'")).toEqual({ qText: 'x', qIsNumeric: false });
    expect(engine.evaluate('Only(Customer)')).toEqual({ qText: '-', qIsNumeric: false });
  });

  it('expands variables and reads them by name', () => {
    const engine = engineWith();
    expect(engine.evaluateText('Sum({<Year={$(vYear)}>} Quantity)')).toBe('9');
    expect(engine.evaluateText('vSales')).toBe('17');
    expect(engine.evaluateText('$(vSales) * 2')).toBe('34');
    expect(engine.evaluateText('$(=Max(Year)) - 1')).toBe('2023');
    expect(engine.evaluateText('vCalc')).toBe('2024');
  });

  it('reports errors instead of wrong numbers', () => {
    const engine = engineWith();
    expect(engine.evaluateText('Sum(Count(Quantity))')).toBe('Error in expression: Nested aggregation not allowed');
    // Aggr without an outer aggregation over several rows: no single value.
    expect(engine.evaluateText('Aggr(Sum(Quantity), Customer)')).toBe('-');
    expect(engine.evaluateText('Max(Aggr(Sum(Quantity), Customer))')).toBe('9');
    expect(engine.evaluateText('Sum(Nope)')).toBe('Error in expression: field Nope not found');
    expect(engine.evaluateText('Sum(')).toMatch(/^Error in expression: /);
    expect(engine.evaluateText('FirstSortedValue(Customer, Quantity)')).toBe(
      'Error in expression: function FirstSortedValue is not supported',
    );
  });
});

describe('set analysis', () => {
  it('modifies field selections', () => {
    const engine = engineWith();
    expect(engine.evaluateText('Sum({<Year={2023}>} Quantity)')).toBe('9');
    expect(engine.evaluateText("Sum({<Customer={'Alice'}>} Quantity)")).toBe('4');
    expect(engine.evaluateText("Sum({<Customer={'Alice','Bob'}>} Quantity)")).toBe('13');
    expect(engine.evaluateText("Sum({<Customer-={'Alice'}>} Quantity)")).toBe('13');
    expect(engine.evaluateText('Sum({<Quantity={">2"}>} Quantity)')).toBe('12');
    expect(engine.evaluateText('Sum({<Customer={"*o*"}>} Quantity)')).toBe('13');
    expect(engine.evaluateText('Sum({<Customer={"=Sum(Quantity)>5"}>} Quantity)')).toBe('9');
    expect(engine.evaluateText('Sum({<Year={2023}, Country={Norway}>} Quantity)')).toBe('4');
    expect(engine.evaluateText("Sum({<Customer={'Nobody'}>} Quantity)")).toBe('0');
  });

  it('works from the current selections: $, 1, F=, +=, -=, *=', () => {
    const engine = engineWith({ Customer: ['Alice', 'Carol'], Year: ['2023'] });
    expect(engine.evaluateText('Sum(Quantity)')).toBe('5');
    expect(engine.evaluateText('Sum({$} Quantity)')).toBe('5');
    expect(engine.evaluateText('Sum({1} Quantity)')).toBe('17');
    expect(engine.evaluateText('Sum({<Year=>} Quantity)')).toBe('8');
    expect(engine.evaluateText("Sum({<Customer+={'Bob'}>} Quantity)")).toBe('9');
    expect(engine.evaluateText("Sum({<Customer-={'Carol'}>} Quantity)")).toBe('2');
    expect(engine.evaluateText("Sum({<Customer*={'Alice','Bob'}, Year=>} Quantity)")).toBe('4');
    expect(engine.evaluateText("Sum({1<Customer={'Bob'}>} Quantity)")).toBe('9');
  });

  it('uses P(), E() and field references as element sets', () => {
    const engine = engineWith({ Year: ['2023'] });
    // Customers with 2023 orders: Alice, Bob, Carol; their 2024 quantities: 1 + 1 + 5 + 1.
    expect(engine.evaluateText('Sum({<CustomerID=P(CustomerID), Year={2024}>} Quantity)')).toBe('8');
    expect(engine.evaluateText('Concat({1<Country=E({<Year={2023}>} Country)>} Customer)')).toBe('Dave');
    expect(engine.evaluateText('Sum({<Year=, Year={2024}>} Quantity)')).toBe('8');
  });

  it('combines record sets', () => {
    const engine = engineWith();
    expect(engine.evaluateText("Sum({<Year={2023}> + <Customer={'Bob'}>} Quantity)")).toBe('14');
    expect(engine.evaluateText("Sum({<Year={2023}> * <Customer={'Bob'}>} Quantity)")).toBe('4');
    expect(engine.evaluateText("Sum({1 - <Customer={'Bob'}>} Quantity)")).toBe('8');
  });

  it('reads alternate states, and rejects bookmarks with a clear error', () => {
    const engine = engineWith();
    engine.addState('Other');
    engine.fieldSelector('Customer', 'Other')?.selectValues([{ qText: 'Carol' }]);
    expect(engine.evaluateText('Sum({Other} Quantity)')).toBe('4');
    expect(engine.evaluateText('Sum(Quantity)', 'Other')).toBe('4');
    expect(engine.evaluateText('Sum({BM01} Quantity)')).toBe(
      'Error in expression: set identifier BM01 is not supported (no such alternate state; bookmarks are not supported in set analysis)',
    );
  });
});

describe('CheckExpression', () => {
  it('reports syntax errors and unknown names with their position', () => {
    const engine = engineWith();
    expect(engine.checkExpression('Sum(Quantity)')).toEqual({
      qErrorMsg: '',
      qBadFieldNames: [],
      qDangerousFieldNames: [],
    });
    expect(engine.checkExpression('=Sum(Quantty) + Count(Nope)').qBadFieldNames).toEqual([
      { qFrom: 5, qCount: 7 },
      { qFrom: 22, qCount: 4 },
    ]);
    expect(engine.checkExpression('Sum(Sales) + x', ['Sales']).qBadFieldNames).toEqual([{ qFrom: 13, qCount: 1 }]);
    expect(engine.checkExpression('Sum(Quantity').qErrorMsg).toMatch(/^Error in expression: /);
    expect(engine.checkExpression('Sum({<Yeer={1}>} Quantity)').qBadFieldNames).toEqual([{ qFrom: 6, qCount: 4 }]);
  });
});
