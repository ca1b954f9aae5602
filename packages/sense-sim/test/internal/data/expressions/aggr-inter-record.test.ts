import { describe, expect, it } from 'vitest';
import { DataEngine } from '../../../../src/internal/data/data-engine.js';
import { rankSegment } from '../../../../src/internal/data/expressions/inter-record.js';
import type { JsonRecord } from '../../../../src/internal/data/json-record.js';
import type { Cell } from '../../../../src/internal/data/model/loaded-model.js';
import { loadedModel } from '../model-fixtures.js';

/** Per customer: Ann 150, Bob 200 (North 350); Cid 150, Dan 120 (South 270); months 1: 420, 2: 200. */
function engine(): DataEngine {
  return new DataEngine(
    loadedModel([
      {
        name: 'Sales',
        fields: ['Region', 'Customer', 'Month', 'Amount'],
        rows: [
          ['North', 'Ann', 1, 100],
          ['North', 'Ann', 2, 50],
          ['North', 'Bob', 1, 200],
          ['South', 'Cid', 1, 120],
          ['South', 'Cid', 2, 30],
          ['South', 'Dan', 2, 120],
        ],
      },
    ]),
  );
}

function rows(data: DataEngine, dimensions: (string | JsonRecord)[], measures: string[], extra: JsonRecord = {}) {
  const cube = data.hyperCube({
    qDimensions: dimensions.map((d) => (typeof d === 'string' ? { qDef: { qFieldDefs: [d] } } : d)),
    qMeasures: measures.map((m) => ({ qDef: { qDef: m } })),
    ...extra,
  });
  return cube
    .page({ qLeft: 0, qTop: 0, qWidth: 20, qHeight: cube.rowCount() })
    .map((row) => row.map((cell) => cell.qText ?? ''));
}

describe('Aggr', () => {
  it('honours set analysis on the outer aggregation and on Aggr itself', () => {
    const data = engine();
    // Outer set: North's records reach Ann (150) and Bob (200).
    expect(data.evaluateText("Sum({<Region={'North'}>} Aggr(Sum(Amount), Customer))")).toBe('350');
    // Aggr's set keeps the South customers as its rows: Cid 150, Dan 120.
    expect(data.evaluateText("Max(Aggr({<Region={'South'}>} Sum(Amount), Customer))")).toBe('150');
  });

  it('computes an expression over several Aggr calls with the same dimensions, and nested Aggr', () => {
    const data = engine();
    // Per customer: sum − count of records: Ann 148, Bob 199, Cid 148, Dan 119 → 614.
    expect(data.evaluateText('Sum(Aggr(Sum(Amount), Customer) - Aggr(Count(Amount), Customer))')).toBe('614');
    // Per region, the largest customer sum: North 200, South 150 → the larger 200.
    expect(data.evaluateText('Max(Aggr(Max(Aggr(Sum(Amount), Customer)), Region))')).toBe('200');
  });

  it('groups the outer aggregation by TOTAL <dims> like any aggregation', () => {
    // Avg over all customers 155 on every row; Max per region: North 200, South 150.
    expect(
      rows(
        engine(),
        ['Region', 'Customer'],
        ['Avg(TOTAL Aggr(Sum(Amount), Customer))', 'Max(TOTAL <Region> Aggr(Sum(Amount), Customer))'],
      ),
    ).toEqual([
      ['North', 'Ann', '155', '200'],
      ['North', 'Bob', '155', '200'],
      ['South', 'Cid', '155', '150'],
      ['South', 'Dan', '155', '150'],
    ]);
  });

  it('DISTINCT counts an Aggr row in one chart row only (grain mismatch); NODISTINCT in every row, per record', () => {
    // Month 1 holds Ann, Bob, Cid; month 2 Ann, Cid, Dan. DISTINCT gives Ann, Bob and Cid to month 1
    // (their first), Dan to month 2: 150 + 200 + 150 = 500 and 120. NODISTINCT, per record:
    // month 1 150 + 200 + 150 = 500, month 2 150 + 150 + 120 = 420.
    expect(
      rows(
        engine(),
        ['Month'],
        [
          'Sum(Aggr(Sum(Amount), Customer))',
          'Count(Aggr(Sum(Amount), Customer))',
          'Sum(Aggr(NODISTINCT Sum(Amount), Customer))',
        ],
      ),
    ).toEqual([
      ['1', '500', '3', '500'],
      ['2', '120', '1', '420'],
    ]);
  });

  it('rejects Aggr dimensions that are not fields', () => {
    const data = engine();
    expect(data.evaluateText('Sum(Aggr(Sum(Amount), Customer & Region))')).toBe(
      'Error in expression: the dimensions of Aggr must be fields',
    );
  });
});

describe('inter-record functions', () => {
  it('Above with a negative offset is Below; a range outside a range function is NULL; horizontal ones are NULL', () => {
    const data = engine();
    expect(
      rows(
        data,
        ['Customer'],
        [
          'Above(Sum(Amount), -1)',
          'Above(Sum(Amount), 0, 2)',
          'RangeMax(Above(Sum(Amount), 0, 2))',
          'RangeAvg(Below(Sum(Amount), 0, 3))',
          'Before(Sum(Amount))',
          'NoOfRows(TOTAL)',
        ],
      ),
    ).toEqual([
      ['Ann', '200', '-', '150', '166.66666666667', '-', '4'],
      ['Bob', '150', '-', '200', '156.66666666667', '-', '4'],
      ['Cid', '120', '-', '200', '135', '-', '4'],
      ['Dan', '-', '-', '150', '120', '-', '4'],
    ]);
  });

  it('RangeFractile interpolates between the closest ranks, also over an Above range', () => {
    const data = engine();
    // help.qlik.com examples: 1.72, 3, 3.5.
    expect(data.evaluateText('RangeFractile(0.24, 1, 2, 4, 6)')).toBe('1.72');
    expect(data.evaluateText('RangeFractile(0.5, 1, 2, 3, 4, 6)')).toBe('3');
    expect(data.evaluateText('RangeFractile(0.5, 1, 2, 5, 6)')).toBe('3.5');
    // Sums 150, 200, 150, 120: the median of the row and the two above it.
    expect(rows(data, ['Customer'], ['RangeFractile(0.5, Above(Sum(Amount), 0, 3))'])).toEqual([
      ['Ann', '150'],
      ['Bob', '175'],
      ['Cid', '150'],
      ['Dan', '150'],
    ]);
  });

  it('are NULL in the grand total, and neither order nor suppress the rows', () => {
    const data = engine();
    const cube = data.hyperCube({
      qDimensions: [{ qDef: { qFieldDefs: ['Customer'] } }],
      qMeasures: [{ qDef: { qDef: 'RowNo()' }, qSortBy: { qSortByNumeric: -1 } }],
      qInterColumnSortOrder: [1, 0],
      qSuppressZero: true,
    });
    expect(cube.grandTotal(0).qIsNull).toBe(true);
    expect(cube.page({ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 4 }).map((row) => row[1]?.qText)).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
  });
});

describe('rankSegment', () => {
  function ranks(nums: number[], mode: number, fmt: number): [string, number][] {
    const out: Cell[] = new Array(nums.length).fill(null);
    rankSegment(
      nums.map((_, i) => i),
      nums,
      mode,
      fmt,
      out,
    );
    return out.map((cell) => [cell?.text ?? 'NULL', cell?.num ?? Number.NaN]);
  }

  it('mode 0 gives a tie above the middle its lowest rank, below it its highest, across it the middle', () => {
    // 5 rows, middle rank 3: a tie at 1–2 is above it, at 4–5 below it, at 2–3 across it.
    expect(ranks([10, 10, 5, 3, 1], 0, 0).slice(0, 2)).toEqual([
      ['1-2', 1],
      ['1-2', 1],
    ]);
    expect(ranks([10, 5, 3, 1, 1], 0, 0).slice(3)).toEqual([
      ['4-5', 5],
      ['4-5', 5],
    ]);
    expect(ranks([10, 8, 8, 3, 1], 0, 0).slice(1, 3)).toEqual([
      ['2-3', 3],
      ['2-3', 3],
    ]);
  });

  it('fmt 1 and 2 change the text; values that are not numbers have no rank', () => {
    expect(ranks([7, 7, Number.NaN], 4, 2)).toEqual([
      ['1', 1],
      ['', 2],
      ['NULL', Number.NaN],
    ]);
    expect(ranks([7, 7], 2, 1)).toEqual([
      ['1', 1.5],
      ['1', 1.5],
    ]);
  });
});

describe('calculated dimensions', () => {
  it('a constant makes one row of every record; aggregations need Aggr', () => {
    const data = engine();
    expect(rows(data, [{ qDef: { qFieldDefs: ['=1'] } }], ['Sum(Amount)'])).toEqual([['1', '620']]);
    const bad = data.hyperCube({ qDimensions: [{ qDef: { qFieldDefs: ['=Sum(Amount)'] } }], qMeasures: [] });
    expect(bad.errors).toEqual(['Error in expression: Nested aggregation not allowed']);
  });

  it('=Aggr(Rank(Sum(Amount)), Customer) groups the customers by their rank', () => {
    // Bob 1; Ann and Cid tie at 2-3; Dan 4.
    expect(
      rows(
        engine(),
        [{ qDef: { qFieldDefs: ['=Aggr(Rank(Sum(Amount)), Customer)'], qSortCriterias: [{ qSortByNumeric: 1 }] } }],
        ["Concat(DISTINCT Customer, ',')"],
      ),
    ).toEqual([
      ['1', 'Bob'],
      ['2-3', 'Ann,Cid'],
      ['4', 'Dan'],
    ]);
  });
});
