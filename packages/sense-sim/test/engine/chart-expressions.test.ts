import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { openEnigma, type Qix } from './engine-helpers.js';

/**
 * Six sales records. By hand:
 * - per customer: Ann 100+50 = 150, Bob 200, Cid 120+30 = 150, Dan 120 (all 620);
 * - per region: North 150+200 = 350, South 150+120 = 270;
 * - Ann and Cid have two records each, Bob and Dan one.
 */
const SCRIPT = `Sales:
LOAD * INLINE [
Region, Customer, Month, Amount
North, Ann, 1, 100
North, Ann, 2, 50
North, Bob, 1, 200
South, Cid, 1, 120
South, Cid, 2, 30
South, Dan, 2, 120
];`;

interface Cell {
  qText: string;
  qNum: number | 'NaN';
  qElemNumber: number;
}

type Dimension = string | Record<string, unknown>;

interface CubeLayout {
  qHyperCube: {
    qDataPages: { qMatrix: Cell[][] }[];
    qDimensionInfo: Record<string, unknown>[];
    qGrandTotalRow: Cell[];
  };
}

describe('chart expressions through plain enigma.js', () => {
  let sim: Simulator;
  let close: () => Promise<void>;
  let app: Qix;
  beforeAll(async () => {
    sim = await createSimulator({ site: { apps: [] } });
    const opened = await openEnigma(sim);
    close = () => opened.session.close();
    app = (await opened.global.createSessionApp()) as Qix;
    await app.setScript(SCRIPT);
    expect(await app.doReload()).toBe(true);
  });
  afterAll(async () => {
    await close();
    await sim.close();
  });

  /** A straight cube over `dimensions` (field names or NxDimensions) and `measures`; its object and layout. */
  async function cube(
    dimensions: Dimension[],
    measures: string[],
  ): Promise<{ object: Qix; rows: Cell[][]; layout: CubeLayout }> {
    const object = (await app.createSessionObject({
      qInfo: { qType: 'chart' },
      qHyperCubeDef: {
        qDimensions: dimensions.map((d) => (typeof d === 'string' ? { qDef: { qFieldDefs: [d] } } : d)),
        qMeasures: measures.map((m) => ({ qDef: { qDef: m } })),
        qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 10, qHeight: 50 }],
      },
    })) as Qix;
    const layout: CubeLayout = await object.getLayout();
    return { object, rows: layout.qHyperCube.qDataPages[0]?.qMatrix ?? [], layout };
  }

  const texts = (rows: Cell[][]): string[][] => rows.map((row) => row.map((cell) => cell.qText));

  it('Avg/Max/Sum over Aggr(Sum(Amount), Customer), with and without chart dimensions', async () => {
    // No dimension: (150 + 200 + 150 + 120) / 4 = 155; max 200; the sum is the plain total 620.
    const kpi = await cube(
      [],
      ['Avg(Aggr(Sum(Amount), Customer))', 'Max(Aggr(Sum(Amount), Customer))', 'Sum(Aggr(Sum(Amount), Customer))'],
    );
    expect(texts(kpi.rows)).toEqual([['155', '200', '620']]);
    // Per region: North (150 + 200) / 2 = 175, South (150 + 120) / 2 = 135.
    const byRegion = await cube(['Region'], ['Avg(Aggr(Sum(Amount), Customer))']);
    expect(texts(byRegion.rows)).toEqual([
      ['North', '175'],
      ['South', '135'],
    ]);
    // The grand total is the measure over all records: 155.
    expect(byRegion.layout.qHyperCube.qGrandTotalRow[0]?.qNum).toBe(155);
  });

  it('Aggr NODISTINCT gives one value per record, DISTINCT one per combination', async () => {
    // NODISTINCT: Ann 150 twice, Bob 200, Cid 150 twice, Dan 120 → (300 + 200 + 300 + 120) / 6 = 920 / 6.
    const { rows } = await cube(
      [],
      [
        'Avg(Aggr(NODISTINCT Sum(Amount), Customer))',
        'Sum(Aggr(NODISTINCT Sum(Amount), Customer))',
        'Count(Aggr(DISTINCT Sum(Amount), Customer))',
      ],
    );
    expect(rows[0]?.map((cell) => cell.qNum)).toEqual([920 / 6, 920, 4]);
    // A bare Aggr over Region in a Region × Customer chart: DISTINCT shows each region's 350 / 270 on
    // its first row only; NODISTINCT on every row of the region.
    const chart = await cube(
      ['Region', 'Customer'],
      ['Aggr(Sum(Amount), Region)', 'Aggr(NODISTINCT Sum(Amount), Region)'],
    );
    expect(texts(chart.rows)).toEqual([
      ['North', 'Ann', '350', '350'],
      ['North', 'Bob', '-', '350'],
      ['South', 'Cid', '270', '270'],
      ['South', 'Dan', '-', '270'],
    ]);
  });

  it('Aggr sorts its rows by the sort written with a dimension (running totals inside Aggr)', async () => {
    // Month 1: 100 + 200 + 120 = 420; month 2: 50 + 30 + 120 = 200. Ascending: 420, then 420 + 200;
    // descending: month 2 first (200), then month 1 (200 + 420).
    const { rows } = await cube(
      [{ qDef: { qFieldDefs: ['Month'], qSortCriterias: [{ qSortByNumeric: 1 }] } }],
      [
        'Aggr(RangeSum(Above(Sum(Amount), 0, RowNo())), (Month, (NUMERIC, ASCENDING)))',
        'Aggr(RangeSum(Above(Sum(Amount), 0, RowNo())), (Month, (NUMERIC, DESCENDING)))',
      ],
    );
    expect(texts(rows)).toEqual([
      ['1', '420', '620'],
      ['2', '620', '200'],
    ]);
  });

  it('an aggregation inside another one without Aggr is an error', async () => {
    const { rows } = await cube(['Region'], ['Sum(Sum(Amount))']);
    expect(rows[0]?.[1]?.qText).toBe('Error in expression: Nested aggregation not allowed');
  });

  it('Sum(TOTAL <Region> Amount) is the region total on every customer row', async () => {
    const { rows } = await cube(['Region', 'Customer'], ['Sum(TOTAL <Region> Amount)', 'Sum(TOTAL Amount)']);
    expect(texts(rows)).toEqual([
      ['North', 'Ann', '350', '620'],
      ['North', 'Bob', '350', '620'],
      ['South', 'Cid', '270', '620'],
      ['South', 'Dan', '270', '620'],
    ]);
  });

  it('Above/Below/RangeSum/RowNo/NoOfRows run within the column segment, TOTAL across the column', async () => {
    // Rows: North Ann 150, North Bob 200, South Cid 150, South Dan 120; the segments are the regions.
    const { rows } = await cube(
      ['Region', 'Customer'],
      [
        'RangeSum(Above(Sum(Amount), 0, RowNo()))',
        'RangeSum(Above(TOTAL Sum(Amount), 0, RowNo(TOTAL)))',
        'Above(Sum(Amount))',
        'Below(Sum(Amount))',
        'RowNo()',
        'RowNo(TOTAL)',
        'NoOfRows()',
        'Top(TOTAL Sum(Amount)) + Bottom(Sum(Amount))',
      ],
    );
    expect(rows.map((row) => row.slice(2).map((cell) => cell.qText))).toEqual([
      // running 150 | 150 | - (first of segment) | 200 | 1 | 1 | 2 | 150 + 200
      ['150', '150', '-', '200', '1', '1', '2', '350'],
      ['350', '350', '150', '-', '2', '2', '2', '350'],
      // the South segment starts again: 150, then 150 + 120; across the column 500, 620
      ['150', '500', '-', '120', '1', '3', '2', '270'],
      ['270', '620', '150', '-', '2', '4', '2', '270'],
    ]);
  });

  it('Rank shares tied ranks: "2-3" with the number chosen by mode', async () => {
    // Sums: Ann 150, Bob 200, Cid 150, Dan 120 → Bob 1, Ann and Cid share 2–3, Dan 4.
    // Mode 0: the tie straddles the middle rank (2.5 of 4), so both get (1 + 4) / 2 = 2.5.
    const { rows } = await cube(
      ['Customer'],
      ['Rank(Sum(Amount))', 'Rank(Sum(Amount), 1)', 'Rank(Sum(Amount), 3)', 'Rank(Sum(Amount), 4, 1)'],
    );
    expect(rows.map((row) => row.slice(1).map((cell) => [cell.qText, cell.qNum]))).toEqual([
      [
        ['2-3', 2.5],
        ['2-3', 2],
        ['2-3', 3],
        ['2', 2],
      ],
      [
        ['1', 1],
        ['1', 1],
        ['1', 1],
        ['1', 1],
      ],
      [
        ['2-3', 2.5],
        ['2-3', 2],
        ['2-3', 3],
        ['2', 3],
      ],
      [
        ['4', 4],
        ['4', 4],
        ['4', 4],
        ['4', 4],
      ],
    ]);
  });

  it("a calculated dimension =If(Amount > 100, 'big', 'small') groups the records by its value", async () => {
    // big: 200 + 120 + 120 = 440 over 3 records; small: 100 + 50 + 30 = 180 over 3.
    const { rows, layout } = await cube(
      [{ qDef: { qFieldDefs: ["=If(Amount > 100, 'big', 'small')"], qSortCriterias: [{ qSortByAscii: 1 }] } }],
      ['Sum(Amount)', 'Count(Amount)'],
    );
    expect(texts(rows)).toEqual([
      ['big', '440', '3'],
      ['small', '180', '3'],
    ]);
    expect(layout.qHyperCube.qDimensionInfo[0]?.qFallbackTitle).toBe("=If(Amount > 100, 'big', 'small')");
    // NULL values: a row '-' unless qNullSuppression.
    const withNull = await cube([{ qDef: { qFieldDefs: ["=If(Amount > 100, 'big')"] } }], ['Sum(Amount)']);
    expect(texts(withNull.rows)).toEqual([
      ['big', '440'],
      ['-', '180'],
    ]);
    const suppressed = await cube(
      [{ qDef: { qFieldDefs: ["=If(Amount > 100, 'big')"] }, qNullSuppression: true }],
      ['Sum(Amount)'],
    );
    expect(texts(suppressed.rows)).toEqual([['big', '440']]);
  });

  it('=Aggr(Sum(Amount), Customer) as a dimension groups the customers by their sum', async () => {
    // Ann and Cid both sum to 150 (300 together), Bob 200, Dan 120.
    const { rows } = await cube(
      [{ qDef: { qFieldDefs: ['=Aggr(Sum(Amount), Customer)'], qSortCriterias: [{ qSortByNumeric: 1 }] } }],
      ['Sum(Amount)', 'Count(DISTINCT Customer)'],
    );
    expect(texts(rows)).toEqual([
      ['120', '120', '1'],
      ['150', '300', '2'],
      ['200', '200', '1'],
    ]);
  });

  it('a drill-down group shows its first field with more than one possible value', async () => {
    const dimension = await app.createDimension({
      qInfo: { qType: 'dimension' },
      qDim: { qGrouping: 'H', qFieldDefs: ['Region', 'Customer'], qFieldLabels: ['Region', 'Customer'] },
      qMetaDef: { title: 'Region > Customer' },
    });
    const libraryId = (await dimension.getLayout()).qInfo.qId;
    const { object, rows, layout } = await cube([{ qLibraryId: libraryId }], ['Sum(Amount)']);
    expect(texts(rows)).toEqual([
      ['North', '350'],
      ['South', '270'],
    ]);
    const info = layout.qHyperCube.qDimensionInfo[0];
    expect(info).toMatchObject({
      qFallbackTitle: 'Region',
      qGrouping: 'H',
      qGroupPos: 0,
      qGroupFieldDefs: ['Region', 'Customer'],
      qGroupFallbackTitles: ['Region', 'Customer'],
    });
    // Selecting North leaves Region one possible value: the group drills down to Customer.
    const region = await app.getField('Region');
    expect(await region.selectValues([{ qText: 'North' }])).toBe(true);
    const drilled: CubeLayout = await object.getLayout();
    expect(texts(drilled.qHyperCube.qDataPages[0]?.qMatrix ?? [])).toEqual([
      ['Ann', '150'],
      ['Bob', '200'],
    ]);
    expect(drilled.qHyperCube.qDimensionInfo[0]).toMatchObject({ qFallbackTitle: 'Customer', qGroupPos: 1 });
    // Selecting in the drilled cube selects in its active field, Customer (Ann is element 0 of Customer).
    const annElem = drilled.qHyperCube.qDataPages[0]?.qMatrix[0]?.[0]?.qElemNumber;
    expect(await object.selectHyperCubeValues('/qHyperCubeDef', 0, [annElem], false)).toBe(true);
    expect(await app.evaluate("Only(Customer) & '/' & Sum(Amount)")).toBe('Ann/150');
    const selected: CubeLayout = await object.getLayout();
    expect(texts(selected.qHyperCube.qDataPages[0]?.qMatrix ?? [])).toEqual([['Ann', '150']]);
    // An inline drill-down group follows the same selections (North, Ann): the last field shows.
    const inline = await cube([{ qDef: { qGrouping: 'H', qFieldDefs: ['Region', 'Customer'] } }], ['Sum(Amount)']);
    expect(texts(inline.rows)).toEqual([['Ann', '150']]);
    await app.clearAll();
    const back: CubeLayout = await object.getLayout();
    expect(back.qHyperCube.qDimensionInfo[0]).toMatchObject({ qFallbackTitle: 'Region', qGroupPos: 0 });
  });
});
