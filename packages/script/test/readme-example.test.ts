import { describe, expect, it } from 'vitest';
import { fieldsOf, parseScript, printScript } from '../src/index.js';

describe('the README example', () => {
  it('does what the README says', () => {
    const script =
      "SET vPath = 'lib://QVDs';\nSales:\nLOAD OrderID, Amount * $(vRate) AS Gross FROM [$(vPath)/Sales.qvd] (qvd);";
    const { ast, diagnostics } = parseScript(script, { variables: { vRate: '1.25' } });
    const load = ast.body[1];
    if (load?.kind !== 'LoadStatement' || load.query.kind !== 'Load' || load.query.source.kind !== 'FromSource') {
      throw new Error('expected a LOAD … FROM');
    }
    expect([load.label, load.query.source.path]).toEqual(['Sales', 'lib://QVDs/Sales.qvd']);
    const gross = load.query.fields[1];
    if (gross?.kind !== 'LoadField') throw new Error('expected a field');
    expect(fieldsOf(gross.expression).fields).toEqual(['Amount']);
    expect(diagnostics).toHaveLength(0);
    expect(printScript(ast)).toBe(
      "SET vPath = 'lib://QVDs';\nSales:\nLOAD\n    OrderID,\n    Amount * 1.25 AS Gross\nFROM [lib://QVDs/Sales.qvd] (qvd);\n",
    );
  });

  it('matches the TSDoc examples', () => {
    const { ast } = parseScript('t: load a as b resident x where a>1;');
    expect(printScript(ast)).toBe('t:\nLOAD\n    a AS b\nRESIDENT x\nWHERE a > 1;\n');
    expect(fieldsOf('Sum({<Year={2024}>} Sales * $(vRate)) / Count(DISTINCT TOTAL <Region> Customer)')).toEqual({
      fields: ['Sales', 'Region', 'Customer'],
      setFields: ['Year'],
      functions: ['Sum', 'Count'],
      aggregations: ['Sum', 'Count'],
      variables: ['vRate'],
      mappings: [],
    });
  });
});
