import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { openEnigma, type Qix } from './engine-helpers.js';

// The data of cube-modes.test.ts. Element numbers follow load order: Region East 0, West 1;
// Year 2023 0, 2024 1; Product A 0, B 1.
//   East 2023 A 10, East 2023 B 20, East 2024 A 30
//   West 2023 A 40, West 2024 B 50 + 60 = 110
const SCRIPT = `Sales: LOAD * INLINE [
Region, Year, Product, Amount, Qty
East, 2023, A, 10, 1
East, 2023, B, 20, 2
East, 2024, A, 30, 3
West, 2023, A, 40, 4
West, 2024, B, 50, 5
West, 2024, B, 60, 6
];`;

const field = (name: string, totals = false) => ({
  qDef: { qFieldDefs: [name] },
  ...(totals ? { qOtherTotalSpec: { qTotalMode: 'TOTAL_EXPR' } } : {}),
});
const PAGE = { qLeft: 0, qTop: 0, qWidth: 10, qHeight: 10 };

/** A data cell as `text + qType`: '10V' a value, '-E' a combination without data, '70T' a total. */
type Cell = { qText: string; qType: string };
const cells = (page: { qData: Cell[][] }) => page.qData.map((row) => row.map((cell) => cell.qText + cell.qType));

describe('chart expressions and selections in pivot, stacked and tree cubes through enigma.js', () => {
  let sim: Simulator;
  let doc: Qix;
  let close: () => Promise<void>;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
    const opened = await openEnigma(sim);
    close = () => opened.session.close();
    doc = await opened.global.createSessionApp();
    await doc.setScript(SCRIPT);
    expect(await doc.doReload()).toBe(true);
  });
  afterAll(async () => {
    await close();
    await sim.close();
  });

  /** The data cells of a fully expanded pivot: Region on the left, the given top dimensions, one measure. */
  async function pivotCells(measure: string, dims = [field('Region'), field('Year'), field('Product')]) {
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: dims,
        qMeasures: [{ qDef: { qDef: measure } }],
        qMode: 'P',
        qNoOfLeftDims: 1,
        qAlwaysFullyExpanded: true,
        qInitialDataFetch: [PAGE],
      },
    });
    const cube = (await pivot.getLayout()).qHyperCube;
    await doc.destroySessionObject((await pivot.getInfo()).qId);
    return cells(cube.qPivotDataPages[0]);
  }

  it('horizontal inter-record functions read the row segment of a pivot; TOTAL the whole row', async () => {
    // Columns: 2023 A, 2023 B | 2024 A, 2024 B (a row segment per year; TOTAL: all four).
    //   East: 10, 20, 30, no data (E)      West: 40, E, E, 110
    expect(await pivotCells('Sum(Amount)')).toEqual([
      ['10V', '20V', '30V', '-E'],
      ['40V', '-E', '-E', '110V'],
    ]);
    // Before: the column before in the segment, NULL on its first column. West 2024 B: 2024 A has no data.
    expect(await pivotCells('Before(Sum(Amount))')).toEqual([
      ['-V', '10V', '-V', '-E'],
      ['-V', '-E', '-E', '-V'],
    ]);
    // After: the column after. East 2023 A → 2023 B (20).
    expect(await pivotCells('After(Sum(Amount))')).toEqual([
      ['20V', '-V', '-V', '-E'],
      ['-V', '-E', '-E', '-V'],
    ]);
    // First: the first column of the segment (West 2024 A has no data: NULL).
    expect(await pivotCells('First(Sum(Amount))')).toEqual([
      ['10V', '10V', '30V', '-E'],
      ['40V', '-E', '-E', '-V'],
    ]);
    // Last(TOTAL): the row's last column, 2024 B: East has none, West 110.
    expect(await pivotCells('Last(TOTAL Sum(Amount))')).toEqual([
      ['-V', '-V', '-V', '-E'],
      ['110V', '-E', '-E', '110V'],
    ]);
    // Before(TOTAL) crosses the year: East 2024 A → 2023 B (20).
    expect(await pivotCells('Before(TOTAL Sum(Amount))')).toEqual([
      ['-V', '10V', '20V', '-E'],
      ['-V', '-E', '-E', '-V'],
    ]);
    // Offset 0, count 3 for RangeSum: East 2024 A = 30 + 20 + 10 = 60; 2023 B = 20 + 10 (nothing before 2023 A).
    expect(await pivotCells('RangeSum(Before(TOTAL Sum(Amount), 0, 3))')).toEqual([
      ['10V', '30V', '60V', '-E'],
      ['40V', '-E', '-E', '110V'],
    ]);
    // ColumnNo: 1-based in the segment; TOTAL: in the row. NoOfColumns(TOTAL): 4.
    expect(await pivotCells('ColumnNo()')).toEqual([
      ['1V', '2V', '1V', '-E'],
      ['1V', '-E', '-E', '2V'],
    ]);
    expect(await pivotCells("ColumnNo(TOTAL) & '/' & NoOfColumns(TOTAL)")).toEqual([
      ['1/4V', '2/4V', '3/4V', '-E'],
      ['1/4V', '-E', '-E', '4/4V'],
    ]);
    // HRank over the row: East 30 > 20 > 10 → 1, 2, 3 from the right; West 110 first, 40 second.
    expect(await pivotCells('HRank(TOTAL Sum(Amount))')).toEqual([
      ['3V', '2V', '1V', '-E'],
      ['2V', '-E', '-E', '1V'],
    ]);
    // The vertical functions read the column: RowNo 1 for East, 2 for West; Above(West) = East.
    expect(await pivotCells('Above(Sum(Amount))')).toEqual([
      ['-V', '-V', '-V', '-E'],
      ['10V', '-E', '-E', '-V'],
    ]);
  });

  it('horizontal functions are NULL along a total column, and work along a total row', async () => {
    // Region × Year with totals both ways: East 30 30 | 60, West 40 110 | 150, Totals 70 140 | 210.
    // Sum − Before: first column NULL (x − NULL is NULL); 2024: East 0, West 70, Totals 140 − 70 = 70.
    expect(await pivotCells('Sum(Amount) - Before(Sum(Amount))', [field('Region', true), field('Year', true)])).toEqual(
      [
        ['-V', '0V', '-T'],
        ['-V', '70V', '-T'],
        ['-T', '70T', '-T'],
      ],
    );
  });

  it('with two measures the pseudo dimension splits the columns; Before reads the same measure', async () => {
    // Top: Year, then the measures. Columns: 2023 Sum, 2023 Before, 2024 Sum, 2024 Before.
    // East: 30, NULL, 30, 30 (2023's sum)      West: 40, NULL, 110, 40
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [field('Region'), field('Year')],
        qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }, { qDef: { qDef: 'Before(Sum(Amount))' } }],
        qMode: 'P',
        qNoOfLeftDims: 1,
        qAlwaysFullyExpanded: true,
        qInitialDataFetch: [PAGE],
      },
    });
    const cube = (await pivot.getLayout()).qHyperCube;
    expect(cube.qEffectiveInterColumnSortOrder).toEqual([0, 1, -1]);
    expect(cells(cube.qPivotDataPages[0])).toEqual([
      ['30V', '-V', '30V', '30V'],
      ['40V', '-V', '110V', '40V'],
    ]);
  });

  it('a straight table has no columns: Before and ColumnNo are NULL there', async () => {
    const table: Qix = await doc.createSessionObject({
      qInfo: { qType: 'table' },
      qHyperCubeDef: {
        qDimensions: [field('Region'), field('Year')],
        qMeasures: [{ qDef: { qDef: 'Before(Sum(Amount))' } }, { qDef: { qDef: 'ColumnNo()' } }],
        qInitialDataFetch: [PAGE],
      },
    });
    const matrix = (await table.getLayout()).qHyperCube.qDataPages[0].qMatrix;
    expect(matrix.map((row: Cell[]) => [row[2]?.qText, row[3]?.qText])).toEqual([
      ['-', '-'],
      ['-', '-'],
      ['-', '-'],
      ['-', '-'],
    ]);
  });

  it('GetHyperCubeData answers 6002 on a cube that is not straight, pages on DATA_MODE_STRAIGHT', async () => {
    const measures = [{ qDef: { qDef: 'Sum(Amount)' } }];
    for (const qMode of ['P', 'K', 'T', 'EQ_DATA_MODE_PIVOT']) {
      const cube: Qix = await doc.createSessionObject({
        qInfo: { qType: 'cube' },
        qHyperCubeDef: { qDimensions: [field('Region')], qMeasures: measures, qMode },
      });
      await expect(cube.getHyperCubeData('/qHyperCubeDef', [PAGE])).rejects.toMatchObject({ code: 6002 });
    }
    const straight: Qix = await doc.createSessionObject({
      qInfo: { qType: 'cube' },
      qHyperCubeDef: { qDimensions: [field('Region')], qMeasures: measures, qMode: 'DATA_MODE_STRAIGHT' },
    });
    const [page] = await straight.getHyperCubeData('/qHyperCubeDef', [PAGE]);
    // East 10 + 20 + 30 = 60, West 40 + 110 = 150.
    expect(page.qMatrix.map((row: Cell[]) => row.map((cell) => cell.qText))).toEqual([
      ['East', '60'],
      ['West', '150'],
    ]);
  });

  it('a calculated left dimension of a pivot: values, totals and expansion', async () => {
    // =If(Amount > 25, 'big', 'small'): 10 and 20 are small (both East 2023), the rest big.
    //   small: 2023 10 + 20 = 30, 2024 none     big: 2023 40, 2024 30 + 50 + 60 = 140
    // Values are numbered as they first appear (small 0, big 1); Product: A 0, B 1.
    const BIG = "=If(Amount > 25, 'big', 'small')";
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [field(BIG, true), field('Product'), field('Year')],
        qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }],
        qMode: 'P',
        qNoOfLeftDims: 2,
        qInitialDataFetch: [PAGE],
      },
    });
    let page = (await pivot.getLayout()).qHyperCube.qPivotDataPages[0];
    expect(page.qLeft.map((n: { qText: string; qElemNo: number }) => `${n.qText}#${n.qElemNo}`)).toEqual([
      'small#0',
      'big#1',
      'Totals#-1',
    ]);
    // Totals: 2023 30 + 40 = 70, 2024 140.
    expect(cells(page)).toEqual([
      ['30V', '-E'],
      ['40V', '140V'],
      ['70T', '140T'],
    ]);
    // Expand big (data row 1): its products. big A: 2023 40 (West), 2024 30 (East); big B: 2024 50 + 60.
    await pivot.expandLeft('/qHyperCubeDef', 1, 0, false);
    expect((await pivot.getProperties()).qHyperCubeDef.qExpansionState).toEqual([
      { qPos: { qDimName: BIG, qElemNo: [1], qElemValues: [] } },
    ]);
    page = (await pivot.getLayout()).qHyperCube.qPivotDataPages[0];
    expect(page.qLeft[1].qSubNodes.map((n: { qText: string }) => n.qText)).toEqual(['A', 'B']);
    expect(cells(page)).toEqual([
      ['30V', '-E'],
      ['40V', '30V'],
      ['-E', '110V'],
      ['70T', '140T'],
    ]);
  });

  it('an Aggr dimension in a stacked cube, a drill-down group in a tree and a pivot', async () => {
    // =Aggr(Sum(Amount), Region): East's records are 60, West's 150; by year 60: 30 | 30, 150: 40 | 110.
    const stacked: Qix = await doc.createSessionObject({
      qInfo: { qType: 'stacked' },
      qHyperCubeDef: {
        qDimensions: [field('=Aggr(Sum(Amount), Region)'), field('Year')],
        qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }],
        qMode: 'K',
      },
    });
    const [stack] = await stacked.getHyperCubeStackData('/qHyperCubeDef', [PAGE]);
    type StackNode = { qText: string; qValue: number | 'NaN'; qSubNodes: StackNode[] };
    const outline = (n: StackNode): string =>
      `${n.qText}(${n.qValue}):[${n.qSubNodes.map((child) => outline(child)).join(' ')}]`;
    expect(stack.qData[0].qSubNodes.map(outline)).toEqual([
      '60(60):[2023(2023):[30(30):[]] 2024(2024):[30(30):[]]]',
      '150(150):[2023(2023):[40(40):[]] 2024(2024):[110(110):[]]]',
    ]);

    // Region → Product drills to Product once East is the one possible Region. East: A 10 + 30, B 20.
    const DRILL = { qDef: { qFieldDefs: ['Region', 'Product'], qGrouping: 'H' } };
    const tree: Qix = await doc.createSessionObject({
      qInfo: { qType: 'tree' },
      qHyperCubeDef: {
        qDimensions: [DRILL, field('Year')],
        qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }],
        qMode: 'T',
      },
    });
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [DRILL, field('Year')],
        qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }],
        qMode: 'P',
        qNoOfLeftDims: 1,
        qInitialDataFetch: [PAGE],
      },
    });
    type TreeNode = { qText: string; qValues: { qText: string }[]; qNodes: TreeNode[] };
    const branch = (n: TreeNode): string =>
      `${n.qText}=${n.qValues[0]?.qText}${n.qNodes.length > 0 ? `[${n.qNodes.map(branch).join(' ')}]` : ''}`;
    // Before: Region. East 60 (2023 30, 2024 30), West 150 (2023 40, 2024 110).
    let [root] = await tree.getHyperCubeTreeData('/qHyperCubeDef');
    expect(root.qNodes.map(branch)).toEqual(['East=60[2023=30 2024=30]', 'West=150[2023=40 2024=110]']);
    await ((await doc.getField('Region')) as Qix).selectValues([{ qText: 'East' }]);
    [root] = await tree.getHyperCubeTreeData('/qHyperCubeDef');
    expect(root.qNodes.map(branch)).toEqual(['A=40[2023=10 2024=30]', 'B=20[2023=20]']);
    const cube = (await pivot.getLayout()).qHyperCube;
    expect(cube.qDimensionInfo[0].qGroupPos).toBe(1);
    const page = cube.qPivotDataPages[0];
    expect(page.qLeft.map((n: { qText: string }) => n.qText)).toEqual(['A', 'B']);
    expect(cells(page)).toEqual([
      ['10V', '30V'],
      ['20V', '-E'],
    ]);
    await doc.clearAll();
  });

  it('SelectPivotCells selects the values of left, top and data cells', async () => {
    // Region (left) × Year, Product (top), fully expanded. Data columns: 2023 A, 2023 B, 2024 A, 2024 B.
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [field('Region'), field('Year'), field('Product')],
        qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }],
        qMode: 'P',
        qNoOfLeftDims: 1,
        qAlwaysFullyExpanded: true,
      },
    });
    /** The current selections as `field=values`, from a session selection object. */
    const selected = async () => {
      const list: Qix = await doc.createSessionObject({ qInfo: { qType: 'sel' }, qSelectionObjectDef: {} });
      const { qSelections } = (await list.getLayout()).qSelectionObject;
      await doc.destroySessionObject((await list.getInfo()).qId);
      return qSelections.map((s: { qField: string; qSelected: string }) => `${s.qField}=${s.qSelected}`).sort();
    };
    // A left cell: left dimension 0 (qCol) at data row 1 (qRow) is West.
    expect(await pivot.selectPivotCells('/qHyperCubeDef', [{ qType: 'L', qRow: 1, qCol: 0 }])).toBe(true);
    expect(await selected()).toEqual(['Region=West']);
    await doc.clearAll();
    // Top cells: top dimension 1 (Product, qRow) at data column 1 (qCol) is 2023's B; top dimension 0 at column 2 is 2024.
    await pivot.selectPivotCells('/qHyperCubeDef', [
      { qType: 'T', qRow: 1, qCol: 1 },
      { qType: 'T', qRow: 0, qCol: 2 },
    ]);
    expect(await selected()).toEqual(['Product=B', 'Year=2024']);
    await doc.clearAll();
    // A data cell stands for its row's and column's values: row 0, column 2 is East, 2024, A.
    await pivot.selectPivotCells('/qHyperCubeDef', [{ qType: 'D', qRow: 0, qCol: 2 }]);
    expect(await selected()).toEqual(['Product=A', 'Region=East', 'Year=2024']);
    await doc.clearAll();
    // qDeselectOnlyOneSelected: selecting the one selected value again clears the field.
    await pivot.selectPivotCells('/qHyperCubeDef', [{ qType: 'L', qRow: 0, qCol: 0 }]);
    expect(await selected()).toEqual(['Region=East']);
    await pivot.selectPivotCells('/qHyperCubeDef', [{ qType: 'L', qRow: 0, qCol: 0 }], false, true);
    expect(await selected()).toEqual([]);
    // Not a pivot: 6002. A calculated dimension's cell: invalid parameters (not supported).
    const straight: Qix = await doc.createSessionObject({
      qInfo: { qType: 'table' },
      qHyperCubeDef: { qDimensions: [field('Region')], qMeasures: [] },
    });
    await expect(straight.selectPivotCells('/qHyperCubeDef', [{ qType: 'D', qRow: 0, qCol: 0 }])).rejects.toMatchObject(
      { code: 6002 },
    );
    const calculated: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [field("=If(Amount > 25, 'big', 'small')")],
        qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }],
        qMode: 'P',
      },
    });
    await expect(
      calculated.selectPivotCells('/qHyperCubeDef', [{ qType: 'L', qRow: 0, qCol: 0 }]),
    ).rejects.toMatchObject({ code: 8, parameter: expect.stringContaining('not supported') });
  });
});
