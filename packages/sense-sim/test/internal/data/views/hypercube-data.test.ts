import { describe, expect, it } from 'vitest';
import { DataEngine } from '../../../../src/internal/data/data-engine.js';
import type { JsonRecord } from '../../../../src/internal/data/json-record.js';
import {
  buildHyperCubeLayout,
  type LibraryItems,
  type NxCell,
} from '../../../../src/internal/data/views/hypercube-shape.js';
import { golden } from '../../engine/layout/corectl-inputs.js';
import { corectlModel, loadedModel, salesModel } from '../model-fixtures.js';

function cube(
  dimensions: (string | JsonRecord)[],
  measures: (string | JsonRecord)[],
  extra: JsonRecord = {},
): JsonRecord {
  return {
    qDimensions: dimensions.map((d) => (typeof d === 'string' ? { qDef: { qFieldDefs: [d] } } : d)),
    qMeasures: measures.map((m) => (typeof m === 'string' ? { qDef: { qDef: m } } : m)),
    ...extra,
  };
}

/** The texts of a whole page, row by row. */
function texts(matrix: NxCell[][]): string[][] {
  return matrix.map((row) => row.map((cell) => cell.qText ?? ''));
}

function allRows(engine: DataEngine, def: JsonRecord, library?: LibraryItems): string[][] {
  const data = engine.hyperCube(def, library);
  return texts(data.page({ qLeft: 0, qTop: 0, qWidth: 20, qHeight: data.rowCount() }));
}

describe('hypercube data', () => {
  it('reproduces the real engine golden layout (corectl object-using-inline)', () => {
    const engine = new DataEngine(corectlModel());
    const properties = golden('TestObjectManagementCommands_object_properties_object-using-inline');
    const def = properties.qHyperCubeDef as JsonRecord;
    const layout = buildHyperCubeLayout(def, engine.hyperCube(def));
    const expected = (golden('TestObjectManagementCommands_object_layout_object-using-inline').qHyperCube ??
      {}) as JsonRecord;
    // The custom key is the layout walk's business, not the cube's.
    const { customProperty: _custom, ...engineKeys } = expected;
    expect(layout).toEqual(engineKeys);
  });

  it('lists one dimension in load order with its measure per value and the grand total', () => {
    const engine = new DataEngine(salesModel());
    const data = engine.hyperCube(cube(['Customer'], ['Sum(Quantity)']));
    expect(data.rowCount()).toBe(4);
    expect(data.page({ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 2 })).toEqual([
      [
        { qText: 'Alice', qNum: 'NaN', qElemNumber: 0, qState: 'O' },
        { qText: '4', qNum: 4, qElemNumber: 0, qState: 'L' },
      ],
      [
        { qText: 'Bob', qNum: 'NaN', qElemNumber: 1, qState: 'O' },
        { qText: '9', qNum: 9, qElemNumber: 0, qState: 'L' },
      ],
    ]);
    // Dave has no orders: the sum over no records is 0.
    expect(allRows(engine, cube(['Customer'], ['Sum(Quantity)']))).toEqual([
      ['Alice', '4'],
      ['Bob', '9'],
      ['Carol', '4'],
      ['Dave', '0'],
    ]);
    expect(data.grandTotal(0)).toEqual({ qText: '17', qNum: 17, qElemNumber: -1, qState: 'X', qIsTotalCell: true });
  });

  it('suppresses zero and missing rows when asked', () => {
    const engine = new DataEngine(salesModel());
    expect(
      allRows(engine, cube(['Customer'], ['Sum(Quantity)'], { qSuppressZero: true })).map((row) => row[0]),
    ).toEqual(['Alice', 'Bob', 'Carol']);
    expect(allRows(engine, cube(['Customer'], ['Only({<Year={2023}>} Product)'], { qSuppressMissing: true }))).toEqual([
      ['Alice', 'Apple'],
      ['Bob', 'Banana'],
      ['Carol', 'Cherry'],
    ]);
  });

  it('combines two dimensions of one table with two measures', () => {
    const engine = new DataEngine(salesModel());
    expect(allRows(engine, cube(['Country', 'Customer'], ['Sum(Quantity)', 'Count(OrderID)']))).toEqual([
      ['Sweden', 'Alice', '4', '3'],
      ['Sweden', 'Carol', '4', '2'],
      ['Norway', 'Bob', '9', '2'],
      ['Denmark', 'Dave', '0', '0'],
    ]);
  });

  it('joins three dimensions from three tables, pairing unmatched values with NULL', () => {
    const engine = new DataEngine(salesModel());
    const def = cube(['Country', 'Product', 'Year'], ['Sum(Quantity)']);
    expect(allRows(engine, def)).toEqual([
      ['Sweden', 'Apple', '2023', '2'],
      ['Sweden', 'Apple', '2024', '1'],
      ['Sweden', 'Banana', '2024', '1'],
      ['Sweden', 'Cherry', '2023', '3'],
      ['Sweden', '-', '2024', '1'],
      ['Norway', 'Apple', '2024', '5'],
      ['Norway', 'Banana', '2023', '4'],
      ['Denmark', '-', '-', '0'],
    ]);
    const data = engine.hyperCube(def);
    expect(data.page({ qLeft: 1, qTop: 4, qWidth: 1, qHeight: 1 })).toEqual([
      [{ qText: '-', qNum: 'NaN', qElemNumber: -2, qState: 'L', qIsNull: true }],
    ]);
    expect(data.grandTotal(0).qNum).toBe(17);
    const withoutNulls = cube(
      [{ qDef: { qFieldDefs: ['Country'] } }, { qDef: { qFieldDefs: ['Product'] }, qNullSuppression: true }, 'Year'],
      ['Sum(Quantity)'],
    );
    expect(allRows(engine, withoutNulls).length).toBe(6);
  });

  it('crosses dimensions from unassociated tables', () => {
    const engine = new DataEngine(
      loadedModel([
        { name: 'Left', fields: ['L'], rows: [['a'], ['b']] },
        {
          name: 'Right',
          fields: ['R', 'V'],
          rows: [
            ['x', 1],
            ['y', 2],
            ['z', 3],
          ],
        },
      ]),
    );
    expect(allRows(engine, cube(['L', 'R'], ['Sum(V)']))).toEqual([
      ['a', 'x', '1'],
      ['a', 'y', '2'],
      ['a', 'z', '3'],
      ['b', 'x', '1'],
      ['b', 'y', '2'],
      ['b', 'z', '3'],
    ]);
  });

  it('counts each record once when the join repeats it', () => {
    const engine = new DataEngine(salesModel());
    // Sweden bought P1 twice (Alice and Carol): its price counts once.
    expect(allRows(engine, cube(['Country'], ['Sum(Price)']))).toEqual([
      ['Sweden', '39'],
      ['Norway', '14'],
      ['Denmark', '0'],
    ]);
  });

  it('sorts by the dimensions’ criteria and by measures in qInterColumnSortOrder', () => {
    const engine = new DataEngine(salesModel());
    const descending = cube(
      [{ qDef: { qFieldDefs: ['Customer'], qSortCriterias: [{ qSortByAscii: -1 }] } }],
      ['Sum(Quantity)'],
    );
    expect(allRows(engine, descending).map((row) => row[0])).toEqual(['Dave', 'Carol', 'Bob', 'Alice']);
    const byMeasure = cube(['Customer'], [{ qDef: { qDef: 'Sum(Quantity)' }, qSortBy: { qSortByNumeric: -1 } }], {
      qInterColumnSortOrder: [1, 0],
    });
    expect(allRows(engine, byMeasure)).toEqual([
      ['Bob', '9'],
      ['Alice', '4'],
      ['Carol', '4'],
      ['Dave', '0'],
    ]);
    const byExpression = cube(
      [
        {
          qDef: {
            qFieldDefs: ['Customer'],
            qSortCriterias: [{ qSortByExpression: 1, qExpression: { qv: '=Sum(Quantity)' } }],
          },
        },
      ],
      [],
    );
    expect(allRows(engine, byExpression).map((row) => row[0])).toEqual(['Dave', 'Alice', 'Carol', 'Bob']);
    const numericYear = cube(
      [{ qDef: { qFieldDefs: ['Year'], qSortCriterias: [{ qSortByNumeric: -1 }] } }],
      ['Sum(Quantity)'],
    );
    expect(allRows(engine, numericYear)).toEqual([
      ['2024', '8'],
      ['2023', '9'],
    ]);
    const reversed = cube(
      [{ qDef: { qFieldDefs: ['Year'], qSortCriterias: [{ qSortByNumeric: 1 }], qReverseSort: true } }],
      [],
    );
    expect(allRows(engine, reversed).map((row) => row[0])).toEqual(['2024', '2023']);
  });

  it('pages: clips the area and numbers cells dimensions first', () => {
    const engine = new DataEngine(salesModel());
    const data = engine.hyperCube(cube(['Customer'], ['Sum(Quantity)', 'Count(OrderID)']));
    expect(texts(data.page({ qLeft: 1, qTop: 1, qWidth: 1, qHeight: 2 }))).toEqual([['9'], ['4']]);
    expect(texts(data.page({ qLeft: 2, qTop: 3, qWidth: 5, qHeight: 5 }))).toEqual([['0']]);
  });

  it('follows the state: possible values only, with their states', () => {
    const engine = new DataEngine(salesModel());
    engine.fieldSelector('Country')?.selectValues([{ qText: 'Sweden' }]);
    const data = engine.hyperCube(cube(['Country', 'Customer'], ['Sum(Quantity)']));
    expect(
      data
        .page({ qLeft: 0, qTop: 0, qWidth: 3, qHeight: 5 })
        .map((row) => row.map((cell) => `${cell.qText}:${cell.qState}`)),
    ).toEqual([
      ['Sweden:S', 'Alice:O', '4:L'],
      ['Sweden:S', 'Carol:O', '4:L'],
    ]);
    expect(data.dimension(0).stateCounts).toMatchObject({ qSelected: 1, qAlternative: 2 });
    expect(data.grandTotal(0).qText).toBe('8');
  });

  it('reads master items through the library and formats fixed number formats', () => {
    const engine = new DataEngine(salesModel());
    const library: LibraryItems = {
      dimension: (id) => (id === 'dimCountry' ? { qFieldDefs: ['Country'], qFieldLabels: ['Land'] } : undefined),
      measure: (id) =>
        id === 'measQty'
          ? { qDef: 'Sum(Quantity)', qNumFormat: { qType: 'F', qnDec: 2, qFmt: '#,##0.00', qDec: '.', qThou: ',' } }
          : undefined,
    };
    const def = cube([{ qLibraryId: 'dimCountry' }], [{ qLibraryId: 'measQty' }]);
    expect(allRows(engine, def, library)).toEqual([
      ['Sweden', '8.00'],
      ['Norway', '9.00'],
      ['Denmark', '0.00'],
    ]);
    const layout = buildHyperCubeLayout(def, engine.hyperCube(def, library), library);
    expect((layout.qDimensionInfo as JsonRecord[])[0]?.qFallbackTitle).toBe('Land');
    expect((layout.qGrandTotalRow as NxCell[])[0]?.qText).toBe('17.00');
  });

  it('computes TOTAL over all rows or some dimensions', () => {
    const engine = new DataEngine(salesModel());
    expect(allRows(engine, cube(['Customer'], ['Sum(Quantity) / Sum(TOTAL Quantity)'])).map((row) => row[1])).toEqual([
      '0.23529411764706',
      '0.52941176470588',
      '0.23529411764706',
      '0',
    ]);
    expect(
      allRows(engine, cube(['Country', 'Customer'], ['Sum(TOTAL <Country> Quantity)'])).map((row) => row[2]),
    ).toEqual(['8', '8', '9', '0']);
  });

  it('gives facts for the layout: cardinals, tags, types, min/max, formats and glyphs', () => {
    const engine = new DataEngine(salesModel());
    const data = engine.hyperCube(cube(['Year', 'Customer'], ['Count(OrderID)', 'Avg(Quantity)']));
    expect(data.dimension(0)).toMatchObject({
      cardinal: 2,
      hypercubeCardinal: 2,
      apprMaxGlyphCount: 4,
      tags: ['$numeric', '$integer'],
      dimensionType: 'N',
      min: 2023,
      max: 2024,
    });
    expect(data.dimension(1)).toMatchObject({ dimensionType: 'D', tags: ['$ascii', '$text'], apprMaxGlyphCount: 5 });
    expect(data.measure(0)).toEqual({
      apprMaxGlyphCount: 1,
      numFormat: { qType: 'I', qnDec: 0, qUseThou: 1, qFmt: '###0', qDec: '.' },
      // Dave's row (no orders, so no Year) counts 0.
      min: 0,
      max: 2,
    });
    expect(data.measure(1).numFormat).toEqual({ qType: 'U', qnDec: 0, qUseThou: 0 });
  });

  it('reports what it cannot compute instead of guessing', () => {
    const engine = new DataEngine(salesModel());
    const calculated = engine.hyperCube(cube([{ qDef: { qFieldDefs: ['=Country & Customer'] } }], ['Sum(Quantity)']));
    expect(calculated.rowCount()).toBe(4);
    const acrossTables = engine.hyperCube(
      cube([{ qDef: { qFieldDefs: ['=Customer & Quantity'] } }], ['Sum(Quantity)']),
    );
    expect(acrossTables.rowCount()).toBe(0);
    expect(acrossTables.errors).toEqual([
      'Error in expression: calculated dimension =Customer & Quantity reads fields of several tables (not supported)',
    ]);
    const broken = engine.hyperCube(cube(['Customer'], ['Sum(Count(Quantity))']));
    expect(texts(broken.page({ qLeft: 1, qTop: 0, qWidth: 1, qHeight: 1 }))).toEqual([
      ['Error in expression: Nested aggregation not allowed'],
    ]);
    expect(() => engine.hyperCube(cube(['Customer'], []), undefined).pivotPage()).toThrow(
      'pivot and stacked hypercubes',
    );
  });

  it('computes = variables once over all records, plain variables per row', () => {
    const engine = new DataEngine(salesModel(), {
      variable: (name) => ({ vLatest: '=Max(Year)', vQty: 'Sum(Quantity)' })[name],
    });
    expect(allRows(engine, cube(['Customer'], ['vLatest', 'vQty', 'Max(Year)']))).toEqual([
      ['Alice', '2024', '4', '2024'],
      ['Bob', '2024', '9', '2024'],
      ['Carol', '2024', '4', '2024'],
      ['Dave', '2024', '0', '-'],
    ]);
  });

  it('has one row for measures without dimensions', () => {
    const engine = new DataEngine(salesModel());
    expect(allRows(engine, cube([], ['Sum(Quantity)', 'Count(DISTINCT Customer)']))).toEqual([['17', '4']]);
  });
});
