import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { openEnigma, type Qix } from './engine-helpers.js';

// Six rows. Element numbers follow load order: Region East 0, West 1; Year 2023 0, 2024 1.
//   East 2023: Amount 10 + 20 = 30, Qty 1 + 2 = 3      West 2023: Amount 40, Qty 4
//   East 2024: Amount 30,         Qty 3               West 2024: Amount 50 + 60 = 110, Qty 5 + 6 = 11
//   East: 60 (Qty 6)   West: 150 (Qty 15)   all: 210 (Qty 21)
const SCRIPT = `Sales: LOAD * INLINE [
Region, Year, Product, Amount, Qty
East, 2023, A, 10, 1
East, 2023, B, 20, 2
East, 2024, A, 30, 3
West, 2023, A, 40, 4
West, 2024, B, 50, 5
West, 2024, B, 60, 6
];`;

const REGION = {
  qDef: { qFieldDefs: ['Region'], qSortCriterias: [{ qSortByAscii: 1 }] },
  qOtherTotalSpec: { qTotalMode: 'TOTAL_EXPR' },
};
const YEAR = {
  qDef: { qFieldDefs: ['Year'], qSortCriterias: [{ qSortByNumeric: 1 }] },
  qOtherTotalSpec: { qTotalMode: 'TOTAL_EXPR' },
};
const AMOUNT = { qDef: { qDef: 'Sum(Amount)' } };
const QTY = { qDef: { qDef: 'Sum(Qty)' } };

/** An NxPivotDimensionCell: a value (N), a total (T, qElemNo -1) or a measure (P). */
function dim(qText: string, qElemNo: number, qValue: number | 'NaN', more: Record<string, unknown> = {}) {
  const { qType = 'N', qUp = 0, qDown = 0, qSubNodes = [], ...flags } = more;
  return { qText, qElemNo, qValue, ...flags, qType, qUp, qDown, qSubNodes };
}
const total = (more: Record<string, unknown> = {}) => dim('Totals', -1, 'NaN', { qType: 'T', ...more });
const v = (n: number) => ({ qText: String(n), qNum: n, qType: 'V' });
const t = (n: number) => ({ qText: String(n), qNum: n, qType: 'T' });

describe('pivot, stacked and tree cubes through enigma.js', () => {
  let sim: Simulator;
  let global: Qix;
  let doc: Qix;
  let close: () => Promise<void>;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
    const opened = await openEnigma(sim);
    global = opened.global;
    close = () => opened.session.close();
    doc = await global.createSessionApp();
    await doc.setScript(SCRIPT);
    expect(await doc.doReload()).toBe(true);
  });
  afterAll(async () => {
    await close();
    await sim.close();
  });

  it('a two-left-dimension pivot starts collapsed, expands one node, then every node; totals and subtotals', async () => {
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [REGION, YEAR],
        qMeasures: [AMOUNT],
        qMode: 'EQ_DATA_MODE_PIVOT',
        qInitialDataFetch: [{ qLeft: 0, qTop: 0, qWidth: 10, qHeight: 10 }],
      },
    });
    // Collapsed: East (60), West (150) and the Region total (210). No top dimension: the measure is the top cell.
    let cube = (await pivot.getLayout()).qHyperCube;
    expect(cube.qMode).toBe('P');
    expect(cube.qNoOfLeftDims).toBe(2);
    expect(cube.qEffectiveInterColumnSortOrder).toEqual([0, 1]);
    expect(cube.qSize).toEqual({ qcx: 1, qcy: 3 });
    expect(cube.qDataPages).toEqual([]);
    expect(cube.qGrandTotalRow.map((c: { qText: string }) => c.qText)).toEqual(['210']);
    expect(cube.qPivotDataPages).toEqual([
      {
        qLeft: [dim('East', 0, 'NaN', { qCanExpand: true }), dim('West', 1, 'NaN', { qCanExpand: true }), total()],
        qTop: [dim('Sum(Amount)', 0, 'NaN', { qType: 'P' })],
        qData: [[v(60)], [v(150)], [t(210)]],
        qArea: { qLeft: 0, qTop: 0, qWidth: 1, qHeight: 3 },
      },
    ]);

    // Expand East (data row 0, left dimension 0): its years and its subtotal take rows 0-2.
    await pivot.expandLeft('/qHyperCubeDef', 0, 0, false);
    expect((await pivot.getProperties()).qHyperCubeDef.qExpansionState).toEqual([
      { qPos: { qDimName: 'Region', qElemNo: [0], qElemValues: [] } },
    ]);
    cube = (await pivot.getLayout()).qHyperCube;
    expect(cube.qSize).toEqual({ qcx: 1, qcy: 5 });
    expect(cube.qPivotDataPages[0].qLeft).toEqual([
      dim('East', 0, 'NaN', {
        qCanCollapse: true,
        qSubNodes: [dim('2023', 0, 2023), dim('2024', 1, 2024), total()],
      }),
      dim('West', 1, 'NaN', { qCanExpand: true }),
      total(),
    ]);
    expect(cube.qPivotDataPages[0].qData).toEqual([[v(30)], [v(30)], [t(60)], [v(150)], [t(210)]]);

    // Expand everything: 7 rows. East 2023 30, 2024 30, total 60; West 2023 40, 2024 110, total 150; 210.
    await pivot.expandLeft('/qHyperCubeDef', 0, 0, true);
    expect((await pivot.getProperties()).qHyperCubeDef.qExpansionState).toEqual([
      { qExcludeList: true, qPos: { qDimName: 'Region', qElemNo: [], qElemValues: [] } },
    ]);
    cube = (await pivot.getLayout()).qHyperCube;
    expect(cube.qSize).toEqual({ qcx: 1, qcy: 7 });
    expect(cube.qPivotDataPages[0].qData).toEqual([[v(30)], [v(30)], [t(60)], [v(40)], [v(110)], [t(150)], [t(210)]]);

    // Rows 2-4: East's total (East's two years are above the page: qUp 2), West's two years (its total below: qDown 1).
    const [page] = await pivot.getHyperCubePivotData('/qHyperCubeDef', [{ qLeft: 0, qTop: 2, qWidth: 1, qHeight: 3 }]);
    expect(page).toEqual({
      qLeft: [
        dim('East', 0, 'NaN', { qCanCollapse: true, qUp: 2, qSubNodes: [total()] }),
        dim('West', 1, 'NaN', {
          qCanCollapse: true,
          qDown: 1,
          qSubNodes: [dim('2023', 0, 2023), dim('2024', 1, 2024)],
        }),
      ],
      qTop: [dim('Sum(Amount)', 0, 'NaN', { qType: 'P' })],
      qData: [[t(60)], [v(40)], [v(110)]],
      qArea: { qLeft: 0, qTop: 2, qWidth: 1, qHeight: 3 },
    });

    // Collapse West again (data row 3): West is one row, 5 rows in all; the exclude list names it.
    await pivot.collapseLeft('/qHyperCubeDef', 3, 0, false);
    expect((await pivot.getProperties()).qHyperCubeDef.qExpansionState).toEqual([
      { qExcludeList: true, qPos: { qDimName: 'Region', qElemNo: [1], qElemValues: [] } },
    ]);
    cube = (await pivot.getLayout()).qHyperCube;
    expect(cube.qSize).toEqual({ qcx: 1, qcy: 5 });
    expect(cube.qPivotDataPages[0].qData).toEqual([[v(30)], [v(30)], [t(60)], [v(150)], [t(210)]]);
  });

  it('one top dimension: Year across, pages offset by qLeft', async () => {
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [REGION, YEAR],
        qMeasures: [AMOUNT],
        qMode: 'P',
        qNoOfLeftDims: 1,
        qAlwaysFullyExpanded: true,
      },
    });
    const cube = (await pivot.getLayout()).qHyperCube;
    // Columns 2023, 2024, Totals; rows East [30, 30, 60], West [40, 110, 150] and Region's total row
    // [70, 140, 210] (every cell of a total row or column is a T cell).
    expect(cube.qSize).toEqual({ qcx: 3, qcy: 3 });
    expect(cube.qNoOfLeftDims).toBe(1);
    expect(cube.qPivotDataPages).toEqual([]);
    const [all] = await pivot.getHyperCubePivotData('/qHyperCubeDef', [{ qLeft: 0, qTop: 0, qWidth: 3, qHeight: 3 }]);
    expect(all).toEqual({
      qLeft: [dim('East', 0, 'NaN'), dim('West', 1, 'NaN'), total()],
      qTop: [dim('2023', 0, 2023), dim('2024', 1, 2024), total()],
      qData: [
        [v(30), v(30), t(60)],
        [v(40), v(110), t(150)],
        [t(70), t(140), t(210)],
      ],
      qArea: { qLeft: 0, qTop: 0, qWidth: 3, qHeight: 3 },
    });
  });

  it('one top dimension without row totals: pages with qLeft/qTop offsets', async () => {
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [{ qDef: REGION.qDef }, YEAR],
        qMeasures: [AMOUNT],
        qMode: 'P',
        qNoOfLeftDims: 1,
        qAlwaysFullyExpanded: true,
      },
    });
    // Left: East, West. Top: 2023, 2024, Totals. Data: East [30, 30, 60], West [40, 110, 150].
    expect((await pivot.getLayout()).qHyperCube.qSize).toEqual({ qcx: 3, qcy: 2 });
    const [all] = await pivot.getHyperCubePivotData('/qHyperCubeDef', [{ qLeft: 0, qTop: 0, qWidth: 3, qHeight: 2 }]);
    expect(all.qLeft).toEqual([dim('East', 0, 'NaN'), dim('West', 1, 'NaN')]);
    expect(all.qTop).toEqual([dim('2023', 0, 2023), dim('2024', 1, 2024), total()]);
    expect(all.qData).toEqual([
      [v(30), v(30), t(60)],
      [v(40), v(110), t(150)],
    ]);
    const [right] = await pivot.getHyperCubePivotData('/qHyperCubeDef', [{ qLeft: 1, qTop: 1, qWidth: 5, qHeight: 5 }]);
    expect(right).toEqual({
      qLeft: [dim('West', 1, 'NaN')],
      qTop: [dim('2024', 1, 2024), total()],
      qData: [[v(110), t(150)]],
      qArea: { qLeft: 1, qTop: 1, qWidth: 2, qHeight: 1 },
    });
    // Always fully expanded pivots cannot be expanded or collapsed (error 6002).
    await expect(pivot.expandLeft('/qHyperCubeDef', 0, 0, true)).rejects.toMatchObject({ code: 6002 });
  });

  it('top dimensions start collapsed; ExpandTop opens a year into its products', async () => {
    const PRODUCT = { qDef: { qFieldDefs: ['Product'], qSortCriterias: [{ qSortByAscii: 1 }] } };
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [{ qDef: REGION.qDef }, { qDef: YEAR.qDef }, PRODUCT],
        qMeasures: [AMOUNT],
        qMode: 'P',
        qNoOfLeftDims: 1,
        qInitialDataFetch: [{ qLeft: 0, qTop: 0, qWidth: 5, qHeight: 5 }],
      },
    });
    // Left East, West (the last left level: nothing to expand); top 2023, 2024 collapsed.
    let page = (await pivot.getLayout()).qHyperCube.qPivotDataPages[0];
    expect(page.qTop).toEqual([dim('2023', 0, 2023, { qCanExpand: true }), dim('2024', 1, 2024, { qCanExpand: true })]);
    expect(page.qLeft).toEqual([dim('East', 0, 'NaN'), dim('West', 1, 'NaN')]);
    expect(page.qData).toEqual([
      [v(30), v(30)],
      [v(40), v(110)],
    ]);
    // ExpandTop(qRow = top dimension 0, qCol = data column 1): 2024 sold A (East, 30) and B (West, 50 + 60).
    await pivot.expandTop('/qHyperCubeDef', 0, 1, false);
    expect((await pivot.getProperties()).qHyperCubeDef.qExpansionState).toEqual([
      { qPos: { qDimName: 'Year', qElemNo: [1], qElemValues: [] } },
    ]);
    const cube = (await pivot.getLayout()).qHyperCube;
    expect(cube.qSize).toEqual({ qcx: 3, qcy: 2 });
    page = cube.qPivotDataPages[0];
    expect(page.qTop).toEqual([
      dim('2023', 0, 2023, { qCanExpand: true }),
      dim('2024', 1, 2024, { qCanCollapse: true, qSubNodes: [dim('A', 0, 'NaN'), dim('B', 1, 'NaN')] }),
    ]);
    const empty = { qText: '-', qNum: 'NaN', qType: 'E' };
    expect(page.qData).toEqual([
      [v(30), v(30), empty],
      [v(40), empty, v(110)],
    ]);
    await pivot.collapseTop('/qHyperCubeDef', 0, 1, false);
    expect((await pivot.getProperties()).qHyperCubeDef.qExpansionState).toEqual([]);
    expect((await pivot.getLayout()).qHyperCube.qSize).toEqual({ qcx: 2, qcy: 2 });
  });

  it('the pseudo dimension placed on the left by qInterColumnSortOrder; the grand total splits by measure', async () => {
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [REGION, YEAR],
        qMeasures: [AMOUNT, QTY],
        qMode: 'P',
        qInterColumnSortOrder: [0, -1, 1],
        qNoOfLeftDims: 2,
        qAlwaysFullyExpanded: true,
        qInitialDataFetch: [{ qLeft: 0, qTop: 0, qWidth: 3, qHeight: 6 }],
      },
    });
    const cube = (await pivot.getLayout()).qHyperCube;
    expect(cube.qEffectiveInterColumnSortOrder).toEqual([0, -1, 1]);
    expect(cube.qNoOfLeftDims).toBe(2);
    expect(cube.qSize).toEqual({ qcx: 3, qcy: 6 });
    const measures = [dim('Sum(Amount)', 0, 'NaN', { qType: 'P' }), dim('Sum(Qty)', 1, 'NaN', { qType: 'P' })];
    const [page] = cube.qPivotDataPages;
    expect(page.qLeft).toEqual([
      dim('East', 0, 'NaN', { qSubNodes: measures }),
      dim('West', 1, 'NaN', { qSubNodes: measures }),
      total({ qSubNodes: measures }),
    ]);
    expect(page.qTop).toEqual([dim('2023', 0, 2023), dim('2024', 1, 2024), total()]);
    expect(page.qData).toEqual([
      [v(30), v(30), t(60)],
      [v(3), v(3), t(6)],
      [v(40), v(110), t(150)],
      [v(4), v(11), t(15)],
      [t(70), t(140), t(210)],
      [t(7), t(14), t(21)],
    ]);
  });

  it('two measures: the pseudo dimension goes on top, -1 in qEffectiveInterColumnSortOrder', async () => {
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: {
        qDimensions: [{ qDef: REGION.qDef }],
        qMeasures: [AMOUNT, QTY],
        qMode: 'P',
        qInitialDataFetch: [{ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 2 }],
      },
    });
    const cube = (await pivot.getLayout()).qHyperCube;
    expect(cube.qEffectiveInterColumnSortOrder).toEqual([0, -1]);
    expect(cube.qNoOfLeftDims).toBe(1);
    expect(cube.qSize).toEqual({ qcx: 2, qcy: 2 });
    expect(cube.qPivotDataPages[0]).toEqual({
      qLeft: [dim('East', 0, 'NaN'), dim('West', 1, 'NaN')],
      qTop: [dim('Sum(Amount)', 0, 'NaN', { qType: 'P' }), dim('Sum(Qty)', 1, 'NaN', { qType: 'P' })],
      qData: [
        [v(60), v(6)],
        [v(150), v(15)],
      ],
      qArea: { qLeft: 0, qTop: 0, qWidth: 2, qHeight: 2 },
    });
  });

  it('the 10 000-cell rule: pages summed, more is error 7009', async () => {
    const pivot: Qix = await doc.createSessionObject({
      qInfo: { qType: 'pivot' },
      qHyperCubeDef: { qDimensions: [REGION], qMeasures: [AMOUNT], qMode: 'P' },
    });
    const ok = await pivot.getHyperCubePivotData('/qHyperCubeDef', [{ qLeft: 0, qTop: 0, qWidth: 100, qHeight: 100 }]);
    expect(ok[0].qArea).toEqual({ qLeft: 0, qTop: 0, qWidth: 1, qHeight: 3 });
    await expect(
      pivot.getHyperCubePivotData('/qHyperCubeDef', [
        { qLeft: 0, qTop: 0, qWidth: 100, qHeight: 60 },
        { qLeft: 0, qTop: 0, qWidth: 100, qHeight: 41 },
      ]),
    ).rejects.toMatchObject({ code: 7009 });
  });

  it('a stacked cube: outer cells paged by qTop/qHeight, sums of positive values per group', async () => {
    const stacked: Qix = await doc.createSessionObject({
      qInfo: { qType: 'stacked' },
      qHyperCubeDef: {
        qDimensions: [{ qDef: REGION.qDef }, { qDef: YEAR.qDef }],
        qMeasures: [AMOUNT],
        qMode: 'K',
        qAlwaysFullyExpanded: true,
        qInitialDataFetch: [{ qLeft: 0, qTop: 0, qWidth: 3, qHeight: 1 }],
      },
    });
    const cube = (await stacked.getLayout()).qHyperCube;
    expect(cube.qMode).toBe('K');
    expect(cube.qSize).toEqual({ qcx: 3, qcy: 2 });
    expect(cube.qStackedDataPages[0].qData[0].qSubNodes.map((n: { qText: string }) => n.qText)).toEqual(['East']);
    // Straight rows: 0 East 2023, 1 East 2024, 2 West 2023, 3 West 2024. Second outer cell: West.
    const [page] = await stacked.getHyperCubeStackData('/qHyperCubeDef', [
      { qLeft: 0, qTop: 1, qWidth: 3, qHeight: 1 },
    ]);
    const value = (n: number, row: number) => ({
      qText: String(n),
      qElemNo: 0,
      qValue: n,
      qType: 'V',
      qMaxPos: n,
      qMinNeg: 0,
      qUp: 0,
      qDown: 0,
      qRow: row,
      qSubNodes: [],
    });
    const node = (
      qText: string,
      qElemNo: number,
      qValue: number | 'NaN',
      sum: number,
      row: number,
      sub: unknown[],
    ) => ({
      qText,
      qElemNo,
      qValue,
      qType: 'N',
      qMaxPos: sum,
      qMinNeg: 0,
      qUp: 0,
      qDown: 0,
      qRow: row,
      qSubNodes: sub,
    });
    expect(page).toEqual({
      qData: [
        {
          qElemNo: 0,
          qValue: 0,
          qType: 'R',
          qMaxPos: 210,
          qMinNeg: 0,
          qUp: 1,
          qDown: 0,
          qRow: 0,
          qSubNodes: [
            node('West', 1, 'NaN', 150, 2, [
              node('2023', 0, 2023, 40, 2, [value(40, 2)]),
              node('2024', 1, 2024, 110, 3, [value(110, 3)]),
            ]),
          ],
        },
      ],
      qArea: { qLeft: 0, qTop: 1, qWidth: 3, qHeight: 1 },
    });
  });

  it('tree data: qTreeData in the layout and GetHyperCubeTreeData with levels, areas and a node limit', async () => {
    const tree: Qix = await doc.createSessionObject({
      qInfo: { qType: 'tree' },
      qTreeDataDef: {
        qDimensions: [
          { qDef: REGION.qDef, qValueExprs: [AMOUNT] },
          { qDef: YEAR.qDef, qValueExprs: [QTY] },
        ],
        qValueExprs: [AMOUNT],
        qInitialDataFetch: [{ qTreeLevels: { qLeft: 0, qDepth: 1 } }],
      },
    });
    const value = (n: number) => ({ qText: String(n), qValue: n });
    const treeNode = (
      qText: string,
      qElemNo: number,
      qValue: number | 'NaN',
      place: { pos: number; size: number; row: number; path: number[] },
      qValues: unknown[],
      qNodes: unknown[] = [],
    ) => ({
      qText,
      qValue,
      qElemNo,
      qGroupPos: place.pos,
      qGroupSize: place.size,
      qRow: place.row,
      qType: 'N',
      qValues,
      qNodes,
      qMaxPos: [],
      qMinNeg: [],
      qState: 'O',
      qTreePath: place.path,
    });
    const root = (qNodes: unknown[]) => ({
      qText: '',
      qValue: 'NaN',
      qElemNo: -1,
      qGroupPos: 0,
      qGroupSize: 2,
      qRow: 0,
      qType: 'R',
      qValues: [value(210)],
      qNodes,
      qMaxPos: [],
      qMinNeg: [],
      qState: 'L',
      qTreePath: [],
    });
    const layout = (await tree.getLayout()).qTreeData;
    expect(layout.qNodesOnDim).toEqual([2, 4]);
    expect(layout.qEffectiveInterColumnSortOrder).toEqual([0, 1]);
    expect(layout.qDimensionInfo.map((info: { qFallbackTitle: string }) => info.qFallbackTitle)).toEqual([
      'Region',
      'Year',
    ]);
    expect(
      layout.qDimensionInfo[1].qMeasureInfo.map((info: { qFallbackTitle: string }) => info.qFallbackTitle),
    ).toEqual(['Sum(Qty)']);
    expect(layout.qMeasureInfo.map((info: { qFallbackTitle: string }) => info.qFallbackTitle)).toEqual(['Sum(Amount)']);
    // Depth 1: the regions without their years (qGroupSize still counts them).
    expect(layout.qTreeDataPages).toEqual([
      root([
        treeNode('East', 0, 'NaN', { pos: 0, size: 2, row: 0, path: [] }, [value(60)]),
        treeNode('West', 1, 'NaN', { pos: 1, size: 2, row: 1, path: [] }, [value(150)]),
      ]),
    ]);

    const east2023 = treeNode('2023', 0, 2023, { pos: 0, size: 0, row: 0, path: [0] }, [value(3)]);
    const east2024 = treeNode('2024', 1, 2024, { pos: 1, size: 0, row: 1, path: [0] }, [value(3)]);
    const west2023 = treeNode('2023', 0, 2023, { pos: 0, size: 0, row: 2, path: [1] }, [value(4)]);
    const west2024 = treeNode('2024', 1, 2024, { pos: 1, size: 0, row: 3, path: [1] }, [value(11)]);
    expect(await tree.getHyperCubeTreeData('/qTreeDataDef')).toEqual([
      root([
        treeNode('East', 0, 'NaN', { pos: 0, size: 2, row: 0, path: [] }, [value(60)], [east2023, east2024]),
        treeNode('West', 1, 'NaN', { pos: 1, size: 2, row: 1, path: [] }, [value(150)], [west2023, west2024]),
      ]),
    ]);
    // Level 1 rows 1-2 only: East 2024 and West 2023.
    const paged = await tree.getHyperCubeTreeData('/qTreeDataDef', {
      qMaxNbrOfNodes: 100,
      qTreeNodes: [{}, { qArea: { qLeft: 0, qTop: 1, qWidth: 1, qHeight: 2 } }],
      qTreeLevels: { qLeft: 0, qDepth: -1 },
    });
    expect(paged[0].qNodes.map((n: { qNodes: { qText: string }[] }) => n.qNodes.map((c) => c.qText))).toEqual([
      ['2024'],
      ['2023'],
    ]);
    // 7 nodes (root, 2 regions, 4 years) are more than 3: none.
    expect(await tree.getHyperCubeTreeData('/qTreeDataDef', { qMaxNbrOfNodes: 3 })).toEqual([]);
  });

  it('a hypercube in tree mode: qTreeNodesOnDim, and its measures on every level of GetHyperCubeTreeData', async () => {
    const cube: Qix = await doc.createSessionObject({
      qInfo: { qType: 'treemap' },
      qHyperCubeDef: { qDimensions: [{ qDef: REGION.qDef }, { qDef: YEAR.qDef }], qMeasures: [AMOUNT], qMode: 'T' },
    });
    const layout = (await cube.getLayout()).qHyperCube;
    expect(layout.qMode).toBe('T');
    expect(layout.qTreeNodesOnDim).toEqual([2, 4]);
    const [root] = await cube.getHyperCubeTreeData('/qHyperCubeDef');
    type Node = { qText: string; qValues: { qValue: number }[]; qNodes: Node[] };
    const sums = (n: Node): unknown => [n.qText, n.qValues.map((x) => x.qValue), n.qNodes.map(sums)];
    expect(sums(root)).toEqual([
      '',
      [210],
      [
        [
          'East',
          [60],
          [
            ['2023', [30], []],
            ['2024', [30], []],
          ],
        ],
        [
          'West',
          [150],
          [
            ['2023', [40], []],
            ['2024', [110], []],
          ],
        ],
      ],
    ]);
    // A straight hypercube has no tree (error 6002).
    const straight: Qix = await doc.createSessionObject({
      qInfo: { qType: 'table' },
      qHyperCubeDef: { qDimensions: [{ qDef: REGION.qDef }], qMeasures: [AMOUNT] },
    });
    await expect(straight.getHyperCubeTreeData('/qHyperCubeDef')).rejects.toMatchObject({ code: 6002 });
  });
});
