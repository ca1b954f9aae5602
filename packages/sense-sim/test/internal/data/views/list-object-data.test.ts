import { describe, expect, it } from 'vitest';
import { DataEngine } from '../../../../src/internal/data/data-engine.js';
import type { JsonRecord } from '../../../../src/internal/data/json-record.js';
import { buildListObjectLayout, type NxCell } from '../../../../src/internal/data/views/hypercube-shape.js';
import { alphaModel, salesModel } from '../model-fixtures.js';

function rows(engine: DataEngine, def: JsonRecord): string[] {
  const data = engine.listObject(def);
  return data
    .page({ qLeft: 0, qTop: 0, qWidth: 1, qHeight: data.rowCount() })
    .map((row) => `${row[0]?.qText}:${row[0]?.qState}`);
}

describe('list object data', () => {
  it('lists every value with its state, selected first by default', () => {
    const engine = new DataEngine(salesModel());
    engine.fieldSelector('Country')?.selectValues([{ qText: 'Norway' }]);
    expect(rows(engine, { qDef: { qFieldDefs: ['Customer'] } })).toEqual(['Bob:O', 'Alice:X', 'Carol:X', 'Dave:X']);
    expect(rows(engine, { qDef: { qFieldDefs: ['Country'] } })).toEqual(['Norway:S', 'Denmark:X', 'Sweden:X']);
    expect(rows(engine, { qDef: { qFieldDefs: ['Country'] }, qShowAlternatives: true })).toEqual([
      'Norway:S',
      'Denmark:A',
      'Sweden:A',
    ]);
  });

  it('sorts as the criteria say', () => {
    const engine = new DataEngine(salesModel());
    const loadOrder = { qDef: { qFieldDefs: ['Quantity'], qSortCriterias: [{ qSortByLoadOrder: 1 }] } };
    expect(rows(engine, loadOrder)).toEqual(['2:O', '1:O', '5:O', '3:O', '4:O']);
    const numeric = { qDef: { qFieldDefs: ['Quantity'], qSortCriterias: [{ qSortByNumeric: -1 }] } };
    expect(rows(engine, numeric)).toEqual(['5:O', '4:O', '3:O', '2:O', '1:O']);
    const frequency = { qDef: { qFieldDefs: ['Year'], qSortCriterias: [{ qSortByFrequency: -1 }] } };
    expect(rows(engine, frequency)).toEqual(['2024:O', '2023:O']);
    const expression = {
      qDef: {
        qFieldDefs: ['Customer'],
        qSortCriterias: [{ qSortByExpression: -1, qExpression: { qv: 'Sum(Quantity)' } }],
      },
    };
    expect(rows(engine, expression)).toEqual(['Bob:O', 'Alice:O', 'Carol:O', 'Dave:O']);
  });

  it('adds frequencies and expression values to the cells', () => {
    const engine = new DataEngine(salesModel());
    const data = engine.listObject({
      qDef: { qFieldDefs: ['CustomerID'], qSortCriterias: [{ qSortByLoadOrder: 1 }] },
      qFrequencyMode: 'V',
      qExpressions: [{ qExpr: '=Sum(Quantity)' }],
    });
    const page = data.page({ qLeft: 0, qTop: 0, qWidth: 1, qHeight: 2 });
    expect(page[0]?.[0]).toEqual({
      qText: 'C1',
      qNum: 'NaN',
      qElemNumber: 0,
      qState: 'O',
      qFrequency: '1',
      qAttrExps: { qValues: [{ qText: '4', qNum: 4 }] },
    });
    const percent = engine.listObject({
      qDef: { qFieldDefs: ['Year'], qSortCriterias: [{ qSortByLoadOrder: 1 }] },
      qFrequencyMode: 'P',
    });
    expect(percent.page({ qLeft: 0, qTop: 0, qWidth: 1, qHeight: 2 }).map((row) => row[0]?.qFrequency)).toEqual([
      '42.9%',
      '57.1%',
    ]);
  });

  it('feeds the layout module', () => {
    const engine = new DataEngine(salesModel());
    const def = {
      qDef: { qFieldDefs: ['Country'] },
      qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 1, qHeight: 2 }],
    };
    const layout = buildListObjectLayout(def, engine.listObject(def));
    expect(layout.qSize).toEqual({ qcx: 1, qcy: 3 });
    expect((layout.qDimensionInfo as JsonRecord).qCardinal).toBe(3);
    expect((layout.qDataPages as { qMatrix: NxCell[][] }[])[0]?.qMatrix.length).toBe(2);
  });

  it('reports unknown fields', () => {
    const engine = new DataEngine(salesModel());
    const data = engine.listObject({ qDef: { qFieldDefs: ['Nope'] } });
    expect(data.rowCount()).toBe(0);
    expect(data.errors).toEqual(['field Nope not found']);
  });
});

describe('ctrl00-style check (AutoGenerate 26: Alpha, Num)', () => {
  it('lists the fields', () => {
    const engine = new DataEngine(alphaModel());
    expect(engine.fieldList({}).qItems).toEqual([
      { qName: 'Alpha', qCardinal: 26, qTags: ['$ascii', '$text'] },
      { qName: 'Num', qCardinal: 26, qTags: ['$numeric', '$integer'] },
    ]);
    const withSystem = engine.fieldList({ qShowSystem: true, qShowSrcTables: true }).qItems;
    expect(withSystem.length).toBe(8);
    expect(withSystem[2]).toMatchObject({ qIsHidden: true, qIsSystem: true, qName: '$Field', qCardinal: 2 });
    expect(withSystem[0]).toMatchObject({ qSrcTables: ['Characters'] });
  });

  it('selects A, B, C and shows them in the selection object, list objects and expressions', () => {
    const engine = new DataEngine(alphaModel());
    expect(engine.fieldSelector('Alpha')?.selectValues([{ qText: 'A' }, { qText: 'B' }, { qText: 'C' }])).toBe(true);
    const selection = engine.selectionObject().qSelections[0];
    expect(selection).toMatchObject({ qField: 'Alpha', qSelectedCount: 3, qSelected: 'A, B, C', qTotal: 26 });
    expect(selection?.qStateCounts).toMatchObject({ qSelected: 3, qAlternative: 23 });
    const alpha = rows(engine, { qDef: { qFieldDefs: ['Alpha'] } });
    expect(alpha.slice(0, 5)).toEqual(['A:S', 'B:S', 'C:S', 'D:X', 'E:X']);
    expect(alpha.length).toBe(26);
    const num = rows(engine, { qDef: { qFieldDefs: ['Num'] } });
    expect(num.slice(0, 5)).toEqual(['1:O', '2:O', '3:O', '4:X', '5:X']);
    expect(engine.evaluateText('Count(Alpha)')).toBe('3');
    expect(engine.evaluateText('Sum(Num)')).toBe('6');
    expect(engine.clearAll()).toBe(true);
    expect(rows(engine, { qDef: { qFieldDefs: ['Alpha'] } }).every((row) => row.endsWith(':O'))).toBe(true);
  });
});
